"""The access matrix: for every URL pattern, which personas may open it; every other persona gets a 404.

Personas are named after their organisation's kind and their role (see `world.PERSONAS`). Objects are those
of the Landes (40): `other_*` personas belong to the Pyrénées-Atlantiques (64) and must find none of them.
An entry lists one or more cases; a case names the object it opens and the method (a write is a POST with
an empty form: allowed personas get a form error or a redirect, the others a 404 and nothing written).
"""

from collections.abc import Callable
from dataclasses import dataclass


# Département staff of the Landes, by role.
CD_ADMIN = {"cd_admin"}
ADMINS = {"cd_admin", "other_cd_admin"}
ORIENTATION = {"cd_admin", "cd_orientation"}
# Those who may see the target person (manager of Dax excluded: the target lives in Mont-de-Marsan).
TARGET_CARE = {"cd_admin", "cd_orientation", "sdsei_referent"}
STAFF_40 = {"cd_admin", "cd_orientation", "sdsei_referent", "sdsei_manager", "cd_pilot", "cd_analyst"}
FIGURES = {"cd_admin", "sdsei_manager", "cd_pilot", "cd_analyst", "other_cd_admin"}
OPENDATA = {"cd_pilot", "cd_analyst"}  # the Département's programme pilot and analyst publish its open data
OARSA = {"cd_admin", "cd_pilot", "cd_analyst", "other_cd_admin"}
COMMITTEES = {"cd_admin", "cd_pilot", "other_cd_admin"}  # the Département's reporting to the employment committees
EVERYONE = {
    "cd_admin",
    "cd_orientation",
    "sdsei_referent",
    "sdsei_manager",
    "cd_pilot",
    "cd_analyst",
    "ft_referent",
    "caf_referent",
    "siae_partner",
    "siae_admin",
    "other_cd_admin",
    "other_referent",
}
SIAE = {"siae_partner", "siae_admin"}
# Who enters L36 in the Landes: the Département's pilot and analyst, and the SIAE that owns it.
ENTERED_LANDES = {"cd_pilot", "cd_analyst", "siae_partner", "siae_admin"}
REFERENTS = {"sdsei_referent", "ft_referent", "caf_referent", "other_referent"}
CASELOAD = {"cd_admin", "sdsei_referent", "sdsei_manager", "ft_referent", "caf_referent"} | {
    "other_cd_admin",
    "other_referent",
}
# Who oversees the Département's orientation sessions, and who runs the target's one: its planners and the
# France Travail adviser mobilised on it (the Dax manager does not see a Mont-de-Marsan session).
SESSION_OVERSEERS = {"cd_admin", "cd_orientation", "sdsei_manager", "other_cd_admin"}
SESSION_RUNNERS = {"cd_admin", "cd_orientation", "ft_referent"}
# Professionals who hold a caseload or answer referrals, in any organisation and département (lists are scoped).
FOLLOWERS = {
    "cd_admin",
    "cd_orientation",
    "sdsei_referent",
    "ft_referent",
    "caf_referent",
    "siae_partner",
    "siae_admin",
    "other_cd_admin",
    "other_referent",
}
# Who reads and publishes job offers: the Département's staff and its partners' professionals (not its pilots and
# analysts, nor a partner's administrator).
OFFER_READERS = {
    "cd_admin",
    "cd_orientation",
    "sdsei_referent",
    "sdsei_manager",
    "ft_referent",
    "caf_referent",
    "siae_partner",
    "other_cd_admin",
    "other_referent",
}
OTHER_64 = {"other_cd_admin", "other_referent"}
# The Landes plan: read by its Département's staff and by the organisations it names (the CAF signed it; the
# France Travail agencies and the SIAE are not named); edited by its pilot and administrator.
PLAN_READERS = STAFF_40 | {"caf_referent"}
PLAN_EDITORS = {"cd_admin", "cd_pilot"}
# The plan's money: read by the Landes' own staff only (not the CAF that signs the plan); commitments and payments
# by its pilot and administrator, and by the Dax manager on the Dax envelope.
FUNDING_READERS = STAFF_40
# The plan's evaluation (référentiel, instance évaluative, findings, reports): read by the Département's own staff,
# edited by its pilot and administrator.
EVALUATION_READERS = STAFF_40
FUNDING_RECORDERS = PLAN_EDITORS | {"sdsei_manager"}
# The users' participation bodies: the Département's own staff read (its central services every body, an SDSEI its own:
# the world's committee is the Dax SDSEI's); its pilot and administrator edit; the Dax manager runs its meetings.
PARTICIPATION_READERS = STAFF_40 | OTHER_64
COMMITTEE_READERS = {"cd_admin", "cd_orientation", "cd_pilot", "cd_analyst", "sdsei_manager"}
COMMITTEE_RUNNERS = PLAN_EDITORS | {"sdsei_manager"}
# Who completes the employers' directory (pilots and analysts read it); who runs the relations with employers.
DIRECTORY_WRITERS = EVERYONE - {"cd_pilot", "cd_analyst"}
RELATIONS = {"cd_admin", "cd_orientation", "sdsei_manager"}
# The surveys: built and read by the Département's pilot, analyst and administrator (each in their own
# Département); a paper questionnaire entered by any professional of the Département's own organisations.
SURVEYS = {"cd_admin", "cd_pilot", "cd_analyst", "other_cd_admin"}
SURVEYS_40 = SURVEYS - {"other_cd_admin"}
PAPER_ENTRY_40 = SURVEYS_40 | {"cd_orientation", "sdsei_referent", "sdsei_manager"}
PERSON_SEARCH = {
    "cd_admin",
    "cd_orientation",
    "sdsei_referent",
    "sdsei_manager",
    "ft_referent",
    "caf_referent",
    "other_cd_admin",
    "other_referent",
}


@dataclass(frozen=True)
class Case:
    allowed: frozenset
    kwargs: Callable | None = None
    method: str = "get"
    query: str | Callable = ""
    label: str = "get"
    data: Callable | None = None
    # Personas allowed here who may see the target's name (e.g. the structure her referral was sent to).
    shows_target_to: frozenset = frozenset()

    def request(self, world) -> dict:
        return {
            "kwargs": self.kwargs(world) if self.kwargs else None,
            "method": self.method,
            "query": self.query(world) if callable(self.query) else self.query,
            "data": self.data(world) if self.data else None,
        }


@dataclass(frozen=True)
class Entry:
    cases: tuple = ()
    # Open without an account (login, legal pages, the person's own space, links with a secret token).
    public: bool = False


def case(allowed, kwargs=None, *, method="get", query="", data=None, shows_target_to=()) -> Case:
    return Case(
        allowed=frozenset(allowed),
        kwargs=kwargs,
        method=method,
        query=query,
        data=data,
        label=method if not query else f"{method}?",
        shows_target_to=frozenset(shows_target_to),
    )


def get(allowed, kwargs=None, **options) -> Entry:
    return Entry(cases=(case(allowed, kwargs, **options),))


def post(allowed, kwargs=None, **options) -> Entry:
    return Entry(cases=(case(allowed, kwargs, method="post", **options),))


def both(allowed, kwargs=None, **options) -> Entry:
    return Entry(cases=(case(allowed, kwargs, **options), case(allowed, kwargs, method="post", **options)))


def read_patch(allowed, kwargs=None, *, patch=None) -> Entry:
    """A record of the API read with GET and changed with PATCH (by `patch`, the readers by default)."""
    return Entry(cases=(case(allowed, kwargs), case(allowed if patch is None else patch, kwargs, method="patch")))


PUBLIC = Entry(public=True)


def person(w):
    return {"person_pk": w.target.pk}


def pk(name):
    return lambda w: {"pk": getattr(w, name).pk}


def survey_question(w):
    return {"pk": w.survey_question.version.questionnaire_id, "question_pk": w.survey_question.pk}


def survey_text(w):
    return {"pk": w.survey_finished_campaign.pk, "answer_pk": w.survey_text.pk}


def plan(action=None, **others):
    """The Landes plan's URL arguments: its code, and the pk of its `action` and of other objects by name."""

    def kwargs(w):
        values = {"code": w.programme.code}
        if action:
            values["pk"] = getattr(w, action).pk
        values.update({key: getattr(w, name).pk for key, name in others.items()})
        return values

    return kwargs


def committee(*, pk_name="committee", **others):
    """A participation body's URL arguments: its pk and the pk of other objects by name."""
    return lambda w: {"pk": getattr(w, pk_name).pk, **{key: getattr(w, name).pk for key, name in others.items()}}


def report_file(fmt):
    """An evaluation report's file of the Landes plan."""
    return lambda w: {"code": w.programme.code, "pk": w.evaluation_report.pk, "fmt": fmt}


def person_and(name):
    return lambda w: {"person_pk": w.target.pk, "pk": getattr(w, name).pk}


def _referent_of_the_manager(world) -> int:
    """A professional who follows people in the demo manager's organisation today."""
    from jalon.orientation.models import ReferentAssignment

    return (
        ReferentAssignment.objects.current()
        .filter(organisation_id=world.memberships["sdsei_manager"].organisation_id)
        .order_by("referent_id")
        .values_list("referent_id", flat=True)
        .first()
    )


ENTRIES: dict[str, Entry] = {
    # Shell, legal pages, account
    "workspace:home": get(EVERYONE),
    "core:audit_log": get(ADMINS),
    # Whoever holds sessions or appointments opens their own calendar; a manager or an administrator, a colleague's
    # of the same organisation (anyone else's answers 404).
    "workspace:calendar": Entry(
        cases=(
            case(DIRECTORY_WRITERS),
            case({"sdsei_manager"}, query=lambda w: f"professionnel={_referent_of_the_manager(w)}"),
        )
    ),
    "core:legal_notice": PUBLIC,
    "core:accessibility": PUBLIC,
    "core:privacy": PUBLIC,
    "core:health": PUBLIC,
    "accounts:login": PUBLIC,
    "accounts:logout": PUBLIC,
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC,
    "accounts:password_reset_confirm": PUBLIC,
    "accounts:password_reset_complete": PUBLIC,
    "accounts:password_change": get(EVERYONE),
    "accounts:two_factor": get(EVERYONE),
    "accounts:profile": get(EVERYONE),
    # The inbox: each professional's own notifications (another's answers 404)
    "inbox:list": get(EVERYONE),
    "inbox:open": get({"sdsei_referent"}, pk("notification")),
    "inbox:mark_read": post({"sdsei_referent"}, pk("notification")),
    "inbox:mark_all_read": post(EVERYONE),
    "inbox:preferences": both(EVERYONE),
    # Organisations: the Département's administrator manages all of its département, a partner's
    # administrator only its own organisation.
    "organisations:list": get(ADMINS | {"siae_admin"}),
    "organisations:create": both(ADMINS),
    "organisations:detail": Entry(
        cases=(
            case(CD_ADMIN | {"siae_admin"}, pk("siae")),
            case(CD_ADMIN, pk("cd")),
        )
    ),
    "organisations:update": both(CD_ADMIN | {"siae_admin"}, pk("siae")),
    "organisations:invite": both(CD_ADMIN | {"siae_admin"}, pk("siae")),
    "organisations:invitation_revoke": post(
        CD_ADMIN | {"siae_admin"}, lambda w: {"pk": w.siae.pk, "invitation_pk": w.invitation.pk}
    ),
    "organisations:membership_update": both(
        CD_ADMIN | {"siae_admin"}, lambda w: {"pk": w.siae.pk, "membership_pk": w.siae_membership.pk}
    ),
    "organisations:membership_deactivate": post(
        CD_ADMIN | {"siae_admin"}, lambda w: {"pk": w.siae.pk, "membership_pk": w.siae_membership.pk}
    ),
    "organisations:invitation_accept": PUBLIC,
    # Switching to a membership of somebody else's is refused like a missing page.
    "organisations:switch": post(CD_ADMIN, data=lambda w: {"membership": w.memberships["cd_admin"].pk}),
    # Territories of the Département
    "territories:list": get({"cd_admin", "sdsei_manager", "cd_pilot", "cd_analyst", "other_cd_admin"}),
    "territories:create": both(ADMINS),
    "territories:detail": get({"cd_admin", "sdsei_manager", "cd_pilot", "cd_analyst"}, pk("territory")),
    "territories:update": both(CD_ADMIN, pk("territory")),
    "territories:delete": post(CD_ADMIN, pk("territory")),
    # Persons
    "people:search": Entry(
        cases=(case(PERSON_SEARCH), case(PERSON_SEARCH, query=lambda w: f"nom={w.target.first_name}")),
    ),
    "people:detail": get(TARGET_CARE, pk("target")),
    "people:file_pdf": get(TARGET_CARE, pk("target")),
    "people:household": get(TARGET_CARE, pk("household")),
    "people:duplicates": get(ADMINS),
    "people:duplicate_review": get(CD_ADMIN, pk("duplicate")),
    "people:duplicate_resolve": post(CD_ADMIN, pk("duplicate")),
    # Imports: the Département's administrators only
    "intake:dsp_edit": both(TARGET_CARE, person),
    "intake:imports": both(ADMINS),
    "intake:import_detail": get(CD_ADMIN, pk("import_run")),
    "intake:import_rejected_csv": get(CD_ADMIN, pk("import_run")),
    "intake:spreadsheet_upload": both(ADMINS),
    "intake:spreadsheet_mapping": both(CD_ADMIN, pk("spreadsheet_run")),
    "intake:spreadsheet_preview": both(CD_ADMIN, pk("spreadsheet_run")),
    # Orientation: the Département's process
    "orientation:queue": get({"cd_admin", "cd_orientation", "sdsei_manager", "other_cd_admin"}),
    "orientation:queue_csv": get({"cd_admin", "cd_orientation", "sdsei_manager", "other_cd_admin"}),
    "orientation:decide": both(ORIENTATION, person),
    "orientation:caseload": get(CASELOAD),
    # Within the actor's own organisation: the territory's manager hands over the people one of its référents follows.
    "orientation:caseload_transfer": both({"sdsei_manager"}, lambda w: {"referent_pk": _referent_of_the_manager(w)}),
    "orientation:caseload_csv": get(CASELOAD),
    "orientation:change_referent": both(ORIENTATION, person),
    # The Département's overseers see its sessions; a référent anywhere, those they are mobilised on.
    "orientation:sessions": get(SESSION_OVERSEERS | REFERENTS),
    "orientation:sessions_csv": get(SESSION_OVERSEERS | REFERENTS),
    "orientation:session_create": both(ADMINS | {"cd_orientation"}),
    "orientation:session_invite": both(ADMINS | {"cd_orientation"}),
    "orientation:session_detail": get(SESSION_RUNNERS, pk("session"), shows_target_to={"ft_referent"}),
    "orientation:session_edit": both(ORIENTATION, pk("session")),
    "orientation:session_attendance": both(SESSION_RUNNERS, pk("session"), shows_target_to={"ft_referent"}),
    "orientation:session_advance": post(SESSION_RUNNERS, pk("session"), shows_target_to={"ft_referent"}),
    "orientation:session_cancel": post(ORIENTATION, pk("session")),
    "orientation:session_remind": post(ORIENTATION, pk("session")),
    "orientation:participant_respond": post(SESSION_RUNNERS, pk("participant"), shows_target_to={"ft_referent"}),
    "orientation:participant_follow_up": post(SESSION_RUNNERS, pk("participant"), shows_target_to={"ft_referent"}),
    "orientation:criteria": get(ADMINS),
    "orientation:criterion_create": both(ADMINS),
    "orientation:criteria_defaults": post(ADMINS),
    "orientation:criteria_national": post(ADMINS),
    "orientation:criterion_edit": both(CD_ADMIN, pk("criterion")),
    "orientation:criterion_move": post(CD_ADMIN, pk("criterion")),
    "orientation:criterion_toggle": post(CD_ADMIN, pk("criterion")),
    "orientation:interview_new": both(TARGET_CARE, person),
    "orientation:interview_proposal": post(TARGET_CARE, person),
    "orientation:reorientation_request": both(TARGET_CARE, person),
    "orientation:reorientation_withdraw": post(TARGET_CARE, pk("reorientation")),
    "orientation:epl_list": both({"cd_admin", "cd_orientation", "sdsei_manager", "other_cd_admin"}),
    "orientation:epl_detail": get({"cd_admin", "cd_orientation", "sdsei_manager"}, pk("epl")),
    "orientation:epl_update": both({"cd_admin", "cd_orientation", "sdsei_manager"}, pk("epl")),
    "orientation:epl_agenda_add": post({"cd_admin", "cd_orientation", "sdsei_manager"}, pk("epl")),
    "orientation:epl_decide": both(ORIENTATION, lambda w: {"pk": w.epl.pk, "request_pk": w.reorientation.pk}),
    "orientation:epl_postpone": post(ORIENTATION, lambda w: {"pk": w.epl.pk, "request_pk": w.reorientation.pk}),
    "orientation:epl_close": post({"cd_admin", "cd_orientation", "sdsei_manager"}, pk("epl")),
    "orientation:long_term_list": get(SESSION_OVERSEERS | REFERENTS),
    "orientation:long_term_review": both(TARGET_CARE, person),
    "orientation:joint_diagnostic": both(TARGET_CARE, lambda w: {"person_pk": w.social_person.pk}),
    "orientation:joint_diagnostic_extend": post(TARGET_CARE, lambda w: {"person_pk": w.social_person.pk}),
    "orientation:delays": get({"cd_admin", "cd_orientation", "sdsei_manager", "cd_pilot", "other_cd_admin"}),
    "orientation:delays_csv": get({"cd_admin", "cd_orientation", "sdsei_manager", "cd_pilot", "other_cd_admin"}),
    "orientation:delay_thresholds": both(ADMINS),
    "orientation:delay_thresholds_legal": post(ADMINS),
    "orientation:alerts": get(SESSION_OVERSEERS | REFERENTS | {"cd_pilot"}),
    # The alert is addressed to the target's référent, in her organisation: the Département's managers close
    # any of the people they see; the orientation platform only its own.
    "orientation:alert_close": post({"cd_admin", "sdsei_referent", "cd_pilot"}, pk("alert")),
    "observatory:catalogue": get(FIGURES),
    "observatory:catalogue_csv": get(FIGURES),
    "observatory:indicator": get(FIGURES, lambda w: {"code": "P02"}),
    "observatory:opendata_list": get(OPENDATA),
    "observatory:opendata_settings": both(OPENDATA),
    "observatory:opendata_dataset": get(OPENDATA, lambda w: {"code": "L69", "level": "commune"}),
    "observatory:opendata_download": get(
        OPENDATA, lambda w: {"code": "L69", "level": "departement", "file_format": "csv"}
    ),
    "observatory:orientation_figures": get(FIGURES),
    "observatory:orientation_figures_csv": get(FIGURES),
    "observatory:cohort": get(FIGURES),
    "observatory:cohort_trajectories": get(FIGURES),
    "observatory:quality": get(FIGURES),
    # Lists of persons to fix: scoped to the actor (the Dax manager does not see the Mont-de-Marsan target).
    "observatory:quality_list": get(FIGURES, lambda w: {"check": "dsp"}),
    "observatory:quality_list_csv": get(FIGURES, lambda w: {"check": "dsp"}),
    "observatory:summary": get(FIGURES),
    # Targets are set by the Département's programme pilot alone.
    "observatory:targets": both({"cd_pilot"}),
    "observatory:portraits": get(FIGURES),
    # The portrait of the target's territory: not the Dax manager's, not the other Département's.
    "observatory:portrait_pdf": get(
        {"cd_admin", "cd_pilot", "cd_analyst"},
        lambda w: {"level": "territoire", "code": w.objects["mdm_territory"].pk, "year": 2025},
    ),
    # Entered indicators: the Département's pilots and analysts, and the members of an indicator's owner
    # organisation (the SIAE owns L36, France Travail Mont-de-Marsan L60 in the demo); a pilot validates.
    "observatory:entered_list": get(ENTERED_LANDES | {"ft_referent"}),
    "observatory:entered_list_csv": get(ENTERED_LANDES | {"ft_referent"}),
    "observatory:entered_queue": get({"cd_pilot"}),
    "observatory:entered_setups": get({"cd_admin", "cd_pilot", "other_cd_admin"}),
    "observatory:entered_setup": both({"cd_admin", "cd_pilot", "other_cd_admin"}, lambda w: {"code": "L36"}),
    "observatory:entered_form": both(ENTERED_LANDES, lambda w: {"code": "L36", "period": w.entered_period}),
    "observatory:entered_detail": get(ENTERED_LANDES, pk("entered_value")),
    "observatory:entered_validate": post({"cd_pilot"}, pk("entered_value")),
    "observatory:entered_send_back": post({"cd_pilot"}, pk("entered_value")),
    "observatory:entered_evidence": get(ENTERED_LANDES, pk("entered_value")),
    "observatory:entered_history": get(ENTERED_LANDES, lambda w: {"code": "L36"}),
    # The DREES OARSA return: the Département's pilot, analyst and administrator; its individual histories (a study
    # file) only the pilot and the analyst.
    "observatory:oarsa_return": get(OARSA),
    "observatory:committees_export": get(COMMITTEES),
    "observatory:committees_csv": get(COMMITTEES, query="debut=2026-01-01&fin=2026-12-31"),
    "observatory:oarsa_xlsx": get(OARSA, query="annee=2025"),
    "observatory:oarsa_persons": get(OARSA, query="annee=2025&indicateur=B1&cote=denominateur"),
    "observatory:oarsa_persons_csv": get(OARSA, query="annee=2025&indicateur=B1&cote=denominateur"),
    "observatory:oarsa_history_csv": get({"cd_pilot", "cd_analyst"}, query="annee=2025"),
    # Carnet de bord of the target
    "notebook:detail": get(TARGET_CARE, person),
    "notebook:freins": both(TARGET_CARE, person),
    "notebook:project_create": both(TARGET_CARE, person),
    "notebook:project_edit": both(TARGET_CARE, person_and("project")),
    "notebook:rome_search": get(TARGET_CARE, person, query="q=boulanger"),
    "notebook:objectives": get(TARGET_CARE, person),
    "notebook:objective_create": both(TARGET_CARE, person),
    "notebook:objective_edit": both(TARGET_CARE, person_and("objective")),
    "notebook:action_create": both(
        TARGET_CARE, lambda w: {"person_pk": w.target.pk, "objective_pk": w.action.objective_id}
    ),
    "notebook:action_edit": both(
        TARGET_CARE,
        lambda w: {"person_pk": w.target.pk, "objective_pk": w.action.objective_id, "pk": w.action.pk},
    ),
    "notebook:timeline": get(TARGET_CARE, person),
    "notebook:caseload": get(CASELOAD),
    "notebook:contracts": both(TARGET_CARE, person),
    "notebook:contract_sign": both(TARGET_CARE, person_and("contract")),
    "notebook:contract_pdf": get(TARGET_CARE, person_and("contract")),
    "notebook:contract_end": both(TARGET_CARE, person_and("contract")),
    "notebook:contract_amend": both(TARGET_CARE, person_and("contract")),
    "notebook:contract_renew": both(TARGET_CARE, person_and("contract")),
    "notebook:appointments": both(TARGET_CARE, person),
    "notebook:appointment_attendance": post(TARGET_CARE, person_and("appointment")),
    "notebook:appointment_cancel": post(TARGET_CARE, person_and("appointment")),
    # France Travail: the situation read on demand and an appointment's attendance sent, as the carnet is reached.
    "francetravail:situation": get(TARGET_CARE, person),
    "francetravail:attendance_push": post(TARGET_CARE, person_and("appointment")),
    "notebook:contacts": both(TARGET_CARE, person),
    "notebook:team": Entry(
        cases=(case(TARGET_CARE, person), case(TARGET_CARE, person, method="post", data=lambda w: {"form": "note"}))
    ),
    "notebook:consent_revoke": post(TARGET_CARE, person_and("consent")),
    "notebook:team_member_end": post(TARGET_CARE, person_and("team_member")),
    "notebook:figures": get(FIGURES),
    "notebook:figures_csv": get(FIGURES),
    # The person's own space: no professional account opens it
    "person_space:login": PUBLIC,
    "person_space:verify": PUBLIC,
    "person_space:logout": PUBLIC,
    "person_space:home": PUBLIC,
    "person_space:contact": PUBLIC,
    "person_space:project": PUBLIC,
    "person_space:pdf": PUBLIC,
    # The insertion offer: a public directory; a structure's services are kept by their members and the
    # Département's administrator.
    "offer:search": get(EVERYONE),
    "offer:service_detail": get(EVERYONE, pk("service")),
    "offer:service_update": both(CD_ADMIN | SIAE, pk("service")),
    "offer:service_confirm": post(CD_ADMIN | SIAE, pk("service")),
    "offer:service_status": post(CD_ADMIN | SIAE, pk("service")),
    "offer:structure_detail": get(EVERYONE, pk("structure")),
    "offer:service_create": both(CD_ADMIN | SIAE, lambda w: {"structure_pk": w.structure.pk}),
    "offer:my_services": get(EVERYONE),
    "offer:coverage": get({"cd_admin", "sdsei_manager", "cd_pilot", "other_cd_admin"}),
    "offer:coverage_csv": get({"cd_admin", "sdsei_manager", "cd_pilot", "other_cd_admin"}),
    "offer:referrals_received": get(FOLLOWERS),
    "offer:referrals_received_csv": get(FOLLOWERS),
    "offer:referrals_sent": get(FOLLOWERS),
    "offer:referrals_sent_csv": get(FOLLOWERS),
    "offer:referral_detail": get(TARGET_CARE | SIAE, pk("referral"), shows_target_to=SIAE),
    "offer:referral_action": post(
        TARGET_CARE | SIAE,
        lambda w: {"pk": w.referral.pk, "action": "accept"},
        shows_target_to=SIAE,
    ),
    "offer:referral_link": PUBLIC,
    "offer:notebook_referrals": get(TARGET_CARE, person),
    "offer:referral_create": both(TARGET_CARE, person),
    "offer:measures": both(TARGET_CARE, person),
    "offer:figures": get(FIGURES),
    "offer:figures_csv": get(FIGURES),
    "offer:plateaux": get(EVERYONE),
    "offer:plateau_detail": get(EVERYONE - {"other_cd_admin", "other_referent"}, pk("plateau")),
    # Exits of the path and follow-up in employment: the target's file; an exit of the référent's caseload
    "exits:person": get(TARGET_CARE, person),
    "exits:create": both(TARGET_CARE, person),
    "exits:reopen": both(TARGET_CARE, pk("exit")),
    "exits:checkpoint": both({"cd_admin", "sdsei_referent"}, lambda w: {"pk": w.exit.pk, "months": 1}),
    "exits:employer_feedback": both({"cd_admin", "sdsei_referent"}, lambda w: {"pk": w.exit.pk}),
    "exits:follow_up": get(CASELOAD | {"siae_partner"}),
    "exits:follow_up_csv": get(CASELOAD | {"siae_partner"}),
    "exits:proposal_dismiss": both(TARGET_CARE, pk("exit_proposal")),
    # rights and duties: the référent records a failure; the Département (not a partner's administrator) runs it
    "duties:person": get(TARGET_CARE, person),
    "duties:record": both(TARGET_CARE, person),
    "duties:detail": get(TARGET_CARE, pk("duty_failure")),
    "duties:invite": both(ORIENTATION, pk("duty_failure")),
    "duties:answer": both(ORIENTATION, pk("duty_failure")),
    "duties:decide": both(ORIENTATION, pk("duty_failure")),
    "duties:reverse": both(ORIENTATION, pk("duty_failure")),
    "duties:list": get(ORIENTATION | {"other_cd_admin"}),
    "duties:exports": both(ORIENTATION | {"other_cd_admin"}),
    "duties:settings": both(ADMINS),
    "duties:export_csv": get(ORIENTATION, pk("caf_export")),
    # Job offers of the Landes (shared by the Département and its partners), the target's positionings and trainings
    "employment:offers": get(OFFER_READERS),
    "employment:offers_csv": get(OFFER_READERS),
    "employment:offer_create": both(OFFER_READERS),
    "employment:offer": get(OFFER_READERS - {"other_cd_admin", "other_referent"}, pk("job_offer")),
    "employment:offer_edit": both({"cd_admin", "sdsei_manager"}, pk("job_offer")),
    "employment:positioning_create": post(TARGET_CARE, lambda w: {"pk": w.job_offer.pk, "person_pk": w.target.pk}),
    "employment:positioning": both(TARGET_CARE, pk("positioning")),
    "employment:positioning_exit": both(TARGET_CARE, pk("hire")),
    "employment:person": get(TARGET_CARE, person),
    "employment:training_create": both(TARGET_CARE, person),
    "employment:training_outcome": both(TARGET_CARE, pk("training")),
    "employment:training_exit": both(TARGET_CARE, pk("training_done")),
    "employment:measure_exit": both(TARGET_CARE, pk("measure_ended")),
    # Employers: the directory of each département is shared by all its professionals; commitments, groupements and
    # relations officers are the Département's; immersions follow the target's carnet.
    "programme:list": get(PLAN_READERS | OTHER_64),
    "programme:detail": get(PLAN_READERS, plan()),
    "programme:actions_csv": get(PLAN_READERS, plan()),
    "programme:plan_pdf": get(PLAN_READERS, plan()),
    "programme:timeline": get(PLAN_READERS, plan()),
    "programme:bilan": get(PLAN_READERS, lambda w: {"code": w.programme.code, "year": 2024}),
    "programme:action": get(PLAN_READERS, plan("action_sheet")),
    "programme:action_update": both(PLAN_EDITORS, plan("action_sheet")),
    "programme:action_review": both(PLAN_EDITORS, plan("action_sheet")),
    "programme:offer_link": both(PLAN_EDITORS, plan("action_sheet")),
    "programme:step_update": both(PLAN_EDITORS, plan("action_sheet", step_pk="action_step")),
    "programme:target_set": both({"cd_pilot"}, plan("action_sheet", indicator_pk="action_indicator")),
    "evaluation:index": get(STAFF_40 | OTHER_64),
    "evaluation:plan": get(EVALUATION_READERS, plan()),
    "evaluation:framework_open": post(PLAN_EDITORS, plan()),
    "evaluation:fiche": get(EVALUATION_READERS, plan("action_sheet")),
    "evaluation:fiche_set": both(PLAN_EDITORS, plan("action_sheet")),
    "evaluation:schedule_add": both(PLAN_EDITORS, plan("action_sheet")),
    "evaluation:schedule_done": both(PLAN_EDITORS, plan("evaluation_schedule")),
    "evaluation:schedule_remove": post(PLAN_EDITORS, plan("evaluation_schedule")),
    "evaluation:question_add": both(PLAN_EDITORS, plan()),
    "evaluation:question_update": both(PLAN_EDITORS, plan("evaluation_question")),
    "evaluation:source_add": both(PLAN_EDITORS, plan("evaluation_question")),
    "evaluation:source_remove": post(PLAN_EDITORS, plan("evaluation_source")),
    "evaluation:finding_add": both(PLAN_EDITORS, plan("evaluation_question")),
    "evaluation:finding_update": both(PLAN_EDITORS, plan("evaluation_finding")),
    "evaluation:instance": get(EVALUATION_READERS, plan()),
    "evaluation:member_add": both(PLAN_EDITORS, plan()),
    "evaluation:member_end": both(PLAN_EDITORS, plan("evaluation_member")),
    "evaluation:work_add": both(PLAN_EDITORS, plan()),
    "evaluation:work_update": both(PLAN_EDITORS, plan("evaluation_work")),
    "evaluation:calendar": get(EVALUATION_READERS, plan()),
    "evaluation:calendar_export": get(EVALUATION_READERS, plan()),
    "evaluation:report_generate": post(PLAN_EDITORS, plan()),
    "evaluation:report_download": get(EVALUATION_READERS, report_file("pdf")),
    "programme:funding_budget": get(FUNDING_READERS, plan()),
    "programme:funding_budget_csv": get(FUNDING_READERS, plan()),
    "programme:funding_execution": get(FUNDING_READERS, plan()),
    "programme:funding_line_create": both(PLAN_EDITORS, plan()),
    "programme:funding_line": get(FUNDING_READERS, plan(pk="funding_line")),
    "programme:funding_line_update": both(PLAN_EDITORS, plan(pk="funding_line")),
    "programme:funding_line_split": both(PLAN_EDITORS, plan(pk="funding_line")),
    # Closes a line of its own, that the other rows do not use.
    "programme:funding_line_close": post(PLAN_EDITORS, plan(pk="funding_line_closable")),
    "programme:funding_commitment_create": both(FUNDING_RECORDERS, plan(pk="funding_line")),
    "programme:funding_payment_create": both(FUNDING_RECORDERS, plan(pk="funding_commitment")),
    "programme:funding_contracts": get(FUNDING_READERS, plan()),
    "programme:funding_contract": get(FUNDING_READERS, plan(pk="funding_contract")),
    "programme:funding_contract_create": both(PLAN_EDITORS, plan()),
    "programme:funding_lot_create": both(PLAN_EDITORS, plan(pk="funding_contract")),
    # Governance: read as the plan; written by its editors; a decision the CAF owns is marked done by its members too.
    "programme:governance_bodies": get(PLAN_READERS, plan()),
    "programme:governance_body": get(PLAN_READERS, plan(body_pk="governance_body")),
    "programme:governance_meeting_create": both(PLAN_EDITORS, plan(body_pk="governance_body")),
    "programme:governance_meeting": get(PLAN_READERS, plan("governance_meeting")),
    "programme:governance_meeting_update": both(PLAN_EDITORS, plan("governance_meeting")),
    "programme:governance_document_add": both(PLAN_EDITORS, plan("governance_meeting")),
    "programme:governance_document": get(PLAN_READERS, plan("governance_document")),
    "programme:governance_decision_create": both(PLAN_EDITORS, plan("governance_meeting")),
    "programme:governance_decisions": get(PLAN_READERS, plan()),
    "programme:governance_decisions_csv": get(PLAN_READERS, plan()),
    "programme:governance_decision_update": both(PLAN_EDITORS, plan("governance_decision")),
    "programme:governance_decision_done": both(PLAN_EDITORS | {"caf_referent"}, plan("governance_decision")),
    # Commitments: the plan's readers read the matrix; its editors (or a signatory's own administrator or pilot,
    # none among the personas) write them.
    "programme:commitments_by_signatory": get(PLAN_READERS, plan()),
    "programme:commitments_by_signatory_csv": get(PLAN_READERS, plan()),
    "programme:commitments_by_action": get(PLAN_READERS, plan()),
    "programme:commitments_by_action_csv": get(PLAN_READERS, plan()),
    "programme:commitment_create": both(PLAN_EDITORS, plan()),
    "programme:commitment_update": both(PLAN_EDITORS, plan("commitment")),
    "programme:commitment_account": both(PLAN_EDITORS, plan("commitment")),
    # The professionals' network: every reader of the plan registers (the forum is past: refused, with a message);
    # its editors create events and documents and record attendance.
    "programme:network_events": get(PLAN_READERS, plan()),
    "programme:network_events_csv": get(PLAN_READERS, plan()),
    "programme:network_event_create": both(PLAN_EDITORS, plan()),
    "programme:network_event": get(PLAN_READERS, plan("network_event")),
    "programme:network_register": post(PLAN_READERS, plan("network_event")),
    "programme:network_unregister": post(PLAN_READERS, plan("network_event")),
    "programme:network_attendance": post(PLAN_EDITORS, plan("network_event")),
    "programme:network_report": post(PLAN_EDITORS, plan("action_sheet")),
    "surveys:home": get(SURVEYS),
    "surveys:questionnaire_create": both(SURVEYS),
    "surveys:questionnaire": get(SURVEYS_40, pk("survey_questionnaire")),
    "surveys:question_create": both(SURVEYS_40, pk("survey_questionnaire")),
    "surveys:question_update": both(SURVEYS_40, survey_question),
    "surveys:question_remove": post(SURVEYS_40, survey_question),
    "surveys:campaign_create": both(SURVEYS_40, pk("survey_questionnaire")),
    "surveys:campaign": get(SURVEYS_40, pk("survey_campaign")),
    "surveys:campaign_export": get(SURVEYS_40, pk("survey_campaign")),
    "surveys:campaign_close": post(SURVEYS_40, pk("survey_campaign")),
    "surveys:campaign_report": post(SURVEYS_40, pk("survey_finished_campaign")),
    "surveys:texts": get(SURVEYS_40, pk("survey_finished_campaign")),
    "surveys:text_review": post(SURVEYS_40, survey_text),
    "surveys:paper_list": get(PAPER_ENTRY_40 | {"other_cd_admin", "other_referent"}),
    "surveys:paper_entry": both(PAPER_ENTRY_40, pk("survey_campaign")),
    # The single-use link and the person's own space.
    "surveys:answer": PUBLIC,
    "surveys:space_start": PUBLIC,
    "programme:network_documents": get(PLAN_READERS, plan()),
    "programme:network_document_create": both(PLAN_EDITORS, plan()),
    "programme:network_document": get(PLAN_READERS, plan("bank_document")),
    "programme:network_document_version": both(PLAN_EDITORS, plan("bank_document")),
    "programme:network_document_file": get(PLAN_READERS, plan("bank_document_version")),
    "participation:bodies": get(PARTICIPATION_READERS),
    "participation:body_create": both(PLAN_EDITORS | {"other_cd_admin"}),
    "participation:counts_report": post({"cd_pilot"}),
    "participation:proposals": get(PARTICIPATION_READERS),
    "participation:proposals_export": get(PARTICIPATION_READERS),
    "participation:body": get(COMMITTEE_READERS, committee()),
    "participation:member_add": both(PLAN_EDITORS, committee()),
    "participation:member_leave": both(PLAN_EDITORS, committee(member_pk="committee_member")),
    "participation:meeting_create": both(COMMITTEE_RUNNERS, committee()),
    "participation:meeting": get(COMMITTEE_READERS, committee(meeting_pk="committee_meeting")),
    "participation:meeting_update": both(COMMITTEE_RUNNERS, committee(meeting_pk="committee_meeting")),
    "participation:attendance": post(COMMITTEE_RUNNERS, committee(meeting_pk="committee_meeting")),
    "participation:expense_add": both(COMMITTEE_RUNNERS, committee(meeting_pk="committee_meeting")),
    "participation:minutes_file": get(COMMITTEE_READERS, committee(meeting_pk="committee_meeting")),
    "participation:proposal_create": both(COMMITTEE_RUNNERS, committee()),
    "participation:proposal_answer": both(PLAN_EDITORS, committee(proposal_pk="committee_proposal")),
    "participation:epl_attendance": both(PLAN_EDITORS, committee(pk_name="epl_seats", meeting_pk="epl_past")),
    "employers:list": get(EVERYONE),
    "employers:list_csv": get(EVERYONE),
    "employers:create": both(DIRECTORY_WRITERS),
    "employers:detail": get(EVERYONE - OTHER_64, pk("employer")),
    "employers:update": both(DIRECTORY_WRITERS - OTHER_64, pk("employer")),
    "employers:contact_create": both(DIRECTORY_WRITERS - OTHER_64, pk("employer")),
    "employers:interaction_create": both(DIRECTORY_WRITERS - OTHER_64, pk("employer")),
    "employers:commitment_create": both(RELATIONS, pk("employer")),
    "employers:groups": get(EVERYONE),
    "employers:group_create": both(RELATIONS | {"other_cd_admin"}),
    "employers:officers": both(RELATIONS | {"other_cd_admin"}),
    "employers:person_immersions": get(TARGET_CARE, person),
    "employers:immersion_create": both(TARGET_CARE, person),
    "employers:immersion": get(TARGET_CARE, pk("immersion")),
    "employers:immersion_review": both(TARGET_CARE, pk("immersion")),
    "employers:immersion_transition": both(TARGET_CARE, lambda w: {"pk": w.immersion.pk, "action": "cancel"}),
    # Messages to the target
    "messaging:person": get(TARGET_CARE, person),
    "messaging:letter": get(TARGET_CARE, pk("letter")),
    # Personal data: rights of the person, conventions with partners (a partner's administrator reads its own)
    "people:rectify": both(ORIENTATION, pk("target")),
    "privacy:person_export": get(CD_ADMIN, lambda w: {"pk": w.target.pk, "file_format": "json"}),
    "privacy:conventions": get(ADMINS | {"siae_admin"}),
    "privacy:convention_create": both(ADMINS),
    "privacy:convention_edit": both(CD_ADMIN, pk("convention")),
    "privacy:convention_document": get(CD_ADMIN | {"siae_admin"}, pk("convention")),
    # API tokens: an administrator issues them for its organisation; the Département's, for its département
    "api_tokens:list": get(ADMINS | {"siae_admin"}),
    "api_tokens:issue_start": get(CD_ADMIN | {"siae_admin"}, query=lambda w: f"structure={w.siae.pk}"),
    "api_tokens:issue": both(CD_ADMIN | {"siae_admin"}, lambda w: {"organisation_pk": w.siae.pk}),
    "api_tokens:revoke": post(CD_ADMIN | {"siae_admin"}, pk("api_token")),
    # API (session authentication here; tokens are checked in tests/api)
    # The API's documentation is public, as is the insertion offer (data·inclusion).
    "api:schema": PUBLIC,
    "api:docs": PUBLIC,
    "api:communes": get(EVERYONE),
    "api:persons": get(PERSON_SEARCH),
    "api:person": get(TARGET_CARE, pk("target")),
    "api:household": get(TARGET_CARE, pk("household")),
    "api:flux_upload": post(ADMINS),
    "api:import_run": get(CD_ADMIN, pk("import_run")),
    "api:orientation_queue": get({"cd_admin", "cd_orientation", "sdsei_manager", "other_cd_admin"}),
    "api:orientation_decide": post(ADMINS | {"cd_orientation"}),
    "api:person_orientations": get(TARGET_CARE, pk("target")),
    "api:caseload": get(CASELOAD),
    "api:person_messages": get(TARGET_CARE, pk("target")),
    "api:person_interviews": both(TARGET_CARE, pk("target")),
    "api:orientation_criteria": get(ADMINS | {"cd_orientation"}),
    "api:reorientation_requests": Entry(
        cases=(
            case(FOLLOWERS - SIAE | {"sdsei_manager"}),
            case(FOLLOWERS - SIAE, method="post"),
        )
    ),
    "api:epl_meetings": both({"cd_admin", "cd_orientation", "sdsei_manager", "other_cd_admin"}),
    "api:epl_meeting": get({"cd_admin", "cd_orientation", "sdsei_manager"}, pk("epl")),
    "api:notebook": get(TARGET_CARE, pk("target")),
    "api:notebook_contacts": post(TARGET_CARE, pk("target")),
    "api:notebook_appointments": post(TARGET_CARE, pk("target")),
    "api:notebook_objectives": post(TARGET_CARE, pk("target")),
    "api:orientation_figures": get(FIGURES),
    "api:orientation_alerts": get(SESSION_OVERSEERS | REFERENTS | {"cd_pilot"}),
    # The API of sessions is the Département's planners' and overseers'.
    "api:sessions": Entry(cases=(case(SESSION_OVERSEERS), case(ADMINS | {"cd_orientation"}, method="post"))),
    "api:session": get(ORIENTATION, pk("session")),
    "api:session_invite": post(ORIENTATION, pk("session")),
    "api:session_attendance": post(ORIENTATION, pk("session")),
    "api:notebook_referrals": both(TARGET_CARE, pk("target")),
    "api:referrals_received": get(FOLLOWERS),
    "api:referral_status": post(TARGET_CARE | SIAE, pk("referral"), shows_target_to=SIAE),
    "api:person_exits": both(TARGET_CARE, pk("target")),
    "api:exit_checkpoints": both(TARGET_CARE, pk("exit")),
    "api:participation_bodies": get(PARTICIPATION_READERS),
    "api:participation_meetings": get(COMMITTEE_READERS, committee()),
    "api:participation_proposals": get(PARTICIPATION_READERS),
    "api:programmes": get(PLAN_READERS | OTHER_64),
    "api:survey_campaigns": get(SURVEYS),
    "api:survey_results": get(SURVEYS_40, pk("survey_finished_campaign")),
    "api:programme_actions": get(PLAN_READERS, plan()),
    "api:programme_action": read_patch(PLAN_READERS, plan("action_sheet"), patch=PLAN_EDITORS),
    "api:programme_decisions": get(PLAN_READERS, plan()),
    "api:programme_execution": get(FUNDING_READERS, plan()),
    "api:evaluation_framework": get(EVALUATION_READERS, plan()),
    "api:evaluation_calendar": get(EVALUATION_READERS, plan()),
    "api:evaluation_reports": get(EVALUATION_READERS, plan()),
    "api:employers": Entry(cases=(case(EVERYONE), case(DIRECTORY_WRITERS, method="post"))),
    "api:employer": get(EVERYONE - OTHER_64, pk("employer")),
    "api:person_immersions": both(TARGET_CARE, pk("target")),
    "api:immersion_transition": post(TARGET_CARE, pk("immersion")),
    "api:immersion_review": post(TARGET_CARE, pk("immersion")),
    # Job offers: as their screens (read by the département's professionals, edited by who published them or the
    # Département); the target's positionings and trainings through her carnet.
    "api:job_offers": both(OFFER_READERS),
    "api:job_offer": read_patch(OFFER_READERS - OTHER_64, pk("job_offer"), patch={"cd_admin", "sdsei_manager"}),
    "api:person_positionings": both(TARGET_CARE, pk("target")),
    "api:positioning": read_patch(TARGET_CARE, pk("positioning")),
    "api:person_trainings": both(TARGET_CARE, pk("target")),
    "api:training": read_patch(TARGET_CARE, pk("training")),
    "api:offer_structures": PUBLIC,
    "api:offer_services": PUBLIC,
}
