"""The world the access matrix is checked in: both demo Départements, built by the same code as `make run`,
with one person made easy to spot in any page.

Personas are real demo memberships: a role in an organisation of a kind, in the Landes (40) or in the
Pyrénées-Atlantiques (64). The person `target` is followed by the Landes' territorial social service of
Mont-de-Marsan; the Dax manager, France Travail, the CAF, the SIAE and the other Département must never see
her. Her surname is unique, so a page that leaks her is caught by a plain text search.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from jalon.core.request_context import acting_as
from jalon.core.scoping import Actor
from jalon.demo.builder import demo_build
from jalon.territories.models import Commune


TARGET_SURNAME = "QUINTAVALLE"

# persona -> (e-mail, role): the current membership the persona acts with.
PERSONAS: dict[str, tuple[str, str]] = {
    "cd_admin": ("admin@landes.demo.jalon.test", "administrateur"),
    "cd_orientation": ("orientation@landes.demo.jalon.test", "charge_orientation"),
    "sdsei_referent": ("referent@landes.demo.jalon.test", "referent"),
    "sdsei_manager": ("manager@landes.demo.jalon.test", "manager_territoire"),
    "cd_pilot": ("pilote@landes.demo.jalon.test", "pilote"),
    "cd_analyst": ("analyste@landes.demo.jalon.test", "analyste"),
    "ft_referent": ("referent.ft@landes.demo.jalon.test", "referent"),
    "caf_referent": ("referent.caf@landes.demo.jalon.test", "referent"),
    "siae_partner": ("partenaire@landes.demo.jalon.test", "partenaire"),
    "siae_admin": ("admin.asso@landes.demo.jalon.test", "administrateur"),
    "other_cd_admin": ("admin@pa.demo.jalon.test", "administrateur"),
    "other_referent": ("referent@pa.demo.jalon.test", "referent"),
}

# Who may see the target person: the Département's staff of the Landes whose scope covers Mont-de-Marsan.
TARGET_VIEWERS = frozenset({"cd_admin", "cd_orientation", "sdsei_referent", "cd_pilot", "cd_analyst"})


@dataclass
class World:
    memberships: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def actor(self, persona: str) -> Actor:
        membership = self.memberships[persona]
        return Actor(user=membership.user, membership=membership, memberships=(membership,))

    media_root: object = None

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def build_world() -> World:
    from jalon.api.models import ApiToken
    from jalon.core.text import normalise_name
    from jalon.intake.enums import ImportKind, ImportStatus
    from jalon.intake.models import DuplicateCandidate, ImportRun
    from jalon.notebook.models import (
        Action,
        Appointment,
        Consent,
        Contract,
        Notebook,
        Objective,
        ProfessionalProject,
        TeamMember,
    )
    from jalon.offer.measures.models import Measure
    from jalon.offer.models import Service, Structure
    from jalon.offer.plateaux.models import PlateauTechnique
    from jalon.offer.referrals.models import Referral
    from jalon.organisations.models import Invitation, Membership
    from jalon.orientation.models import (
        DelayAlert,
        EplMeeting,
        Orientation,
        OrientationCriterion,
        OrientationSession,
        ReferentAssignment,
        ReorientationRequest,
        SessionParticipant,
    )
    from jalon.people.models import Person
    from jalon.privacy.models import DataSharingConvention
    from jalon.territories.models import Territory

    call_command("load_cog", "--departements", "40", "64", verbosity=0)
    with acting_as("monde du test d'accès"):
        demo_build(departement_code="40", log=lambda _message: None, households=200)
        demo_build(departement_code="64", log=lambda _message: None, households=120)

    world = World()
    for persona, (email, role) in PERSONAS.items():
        world.memberships[persona] = Membership.objects.select_related("user", "organisation").get(
            user__email=email, role=role, is_active=True
        )
    objects = world.objects
    referent = world.memberships["sdsei_referent"]

    # The target: a person of the Mont-de-Marsan référent's caseload with a carnet and a contract, whose
    # carnet team holds no one from outside the Département.
    caseload = ReferentAssignment.objects.filter(referent=referent.user, ended_on=None).values("person")
    outsiders = TeamMember.objects.exclude(organisation__kind__in=("cd", "sdsei")).values("notebook__person")
    target = (
        Person.objects.filter(pk__in=caseload, notebook__contracts__isnull=False)
        .exclude(pk__in=outsiders)
        .order_by("pk")
        .first()
    )
    assert target is not None, "la démonstration n'a plus de personne suivie avec un contrat à Mont-de-Marsan"
    Person.objects.filter(pk=target.pk).update(
        last_name=TARGET_SURNAME, normalized_last_name=normalise_name(TARGET_SURNAME)
    )
    objects["target"] = target
    # Another person of the caseload, oriented to the social path under the plein-emploi law by the référent's
    # structure: her joint diagnostic with France Travail is due.
    social_person = (
        Person.objects.filter(pk__in=caseload, orientations__ended_on=None, merged_into=None)
        .exclude(pk=target.pk)
        .order_by("pk")
        .first()
    )
    Orientation.objects.filter(person=social_person, ended_on=None).update(
        orientation_type="social",
        organisation=referent.organisation,
        decided_on=dt.date(2025, 3, 3),
        joint_diagnostic_on=None,
        joint_diagnostic_extension="",
    )
    objects["social_person"] = social_person
    notebook = Notebook.objects.get(person=target)
    objects["notebook"] = notebook
    objects["household"] = target.household_links.first().household
    objects["contract"] = Contract.objects.filter(notebook=notebook).first()
    objects["appointment"] = _first_or_copy(Appointment, notebook)
    objects["objective"] = _first_or_copy(Objective, notebook)
    objects["action"] = Action.objects.filter(objective__notebook=notebook).first() or _copy(
        Action.objects.first(), objective=objects["objective"]
    )
    objects["project"] = _first_or_copy(ProfessionalProject, notebook)
    # Her carnet's team: a colleague of the Département's orientation platform, with her consent.
    orientation = world.memberships["cd_orientation"]
    objects["team_member"] = _first_or_copy(
        TeamMember, notebook, user=orientation.user, organisation=orientation.organisation
    )
    objects["consent"] = _first_or_copy(Consent, notebook, organisation=orientation.organisation)

    # Objects of the Département's own processes, each holding the target so that a leak shows.
    # A session of the target's territory, on which a France Travail adviser is mobilised.
    objects["session"] = (
        OrientationSession.objects.filter(territory__name="Territoire de Mont-de-Marsan", cancelled_at=None)
        .order_by("-starts_at")
        .first()
    )
    # Who is mobilised must not depend on the demo's draw: the France Travail adviser, none of the other personas.
    session = objects["session"]
    session.professionals.remove(*[membership.user for membership in world.memberships.values()])
    session.professionals.add(world.memberships["ft_referent"].user)
    objects["participant"], _ = SessionParticipant.objects.get_or_create(session=objects["session"], person=target)
    # An open EPL of the whole département (not of one territory), whatever the demo's draw.
    epl = EplMeeting.objects.filter(departement_id="40", closed_at=None).order_by("pk").first()
    EplMeeting.objects.filter(pk=epl.pk).update(territory=None)
    objects["epl"] = EplMeeting.objects.get(pk=epl.pk)
    request = ReorientationRequest.objects.filter(person__departement_id="40").first()
    ReorientationRequest.objects.filter(pk=request.pk).update(
        person=target,
        epl_meeting=objects["epl"],
        requested_by=referent.user,
        from_orientation=Orientation.objects.filter(person=target, ended_on=None).first(),
    )
    objects["reorientation"] = ReorientationRequest.objects.get(pk=request.pk)
    # An open delay alert about the target, addressed to her référent.
    alert = DelayAlert.objects.filter(person=target).first() or _alert_for(target)
    DelayAlert.objects.filter(pk=alert.pk).update(
        recipient=referent.user, organisation=referent.organisation, closed_at=None
    )
    objects["alert"] = alert
    # A notification of that alert in her référent's inbox.
    from jalon.inbox.models import Notification

    objects["notification"] = Notification.objects.create(
        recipient=referent.user,
        organisation=referent.organisation,
        kind="alerte_delai",
        title="1 nouvelle alerte de délai sur votre portefeuille",
        url="/orientation/alertes/",
    )
    objects["criterion"] = OrientationCriterion.objects.filter(departement_id="40").first()
    objects["import_run"] = ImportRun.objects.filter(departement_id="40", kind=ImportKind.CAF_FLUX).first()
    objects["spreadsheet_run"] = ImportRun.objects.create(
        kind=ImportKind.SPREADSHEET,
        status=ImportStatus.PENDING,
        departement_id="40",
        organisation=world.memberships["cd_admin"].organisation,
        file_name="liste.csv",
    )
    duplicate = DuplicateCandidate.objects.filter(person__departement_id="40").first()
    objects["duplicate"] = duplicate
    objects["territory"] = Territory.objects.filter(departement_id="40").first()
    objects["mdm_territory"] = Territory.objects.get(departement_id="40", name="Territoire de Mont-de-Marsan")

    siae = world.memberships["siae_admin"].organisation
    objects["siae"] = siae
    objects["cd"] = world.memberships["cd_admin"].organisation
    objects["siae_membership"] = world.memberships["siae_partner"]
    objects["invitation"] = Invitation.objects.create(
        email="nouvelle.encadrante@exemple.fr",
        first_name="Nina",
        last_name="Nouvelle",
        organisation=siae,
        role="partenaire",
        invited_by=world.memberships["siae_admin"].user,
    )
    objects["invitation_token"] = uuid.uuid4()
    structure = Structure.objects.filter(organisation=siae).first()
    objects["structure"] = structure
    objects["service"] = Service.objects.filter(structure=structure).first()
    objects["plateau"] = PlateauTechnique.objects.filter(departement_id="40").first()
    # A referral of the target to the SIAE's service: the SIAE sees this one (and only this one) of her.
    referral = Referral.objects.exclude(notebook=notebook).first()
    referral.pk = None
    referral.person, referral.notebook = target, notebook
    referral.service, referral.structure = objects["service"], structure
    referral.sent_by, referral.sender_organisation = referent.user, referent.organisation
    referral.status, referral.link_token_hash = "envoyee", ""
    referral.save()
    objects["referral"] = Referral.objects.get(pk=referral.pk)
    objects["measure"] = Measure.objects.filter(person__departement_id="40").first()
    # The Landes plan, loaded by the demo: a fiche with dated steps and a rate indicator (its target is the pilot's).
    from jalon.programme.models import ActionIndicator, ActionStep, Programme

    objects["programme"] = Programme.objects.get(departement_id="40")
    link = (
        ActionIndicator.objects.filter(action__programme=objects["programme"], indicator__unit="taux")
        .order_by("action__number")
        .first()
    )
    objects["action_sheet"], objects["action_indicator"] = link.action, link
    objects["action_step"] = link.action.steps.first() or ActionStep.objects.create(
        action=link.action, title="Étape datée pour la matrice", position=99
    )
    # The demo's money of the Landes: A.3 2024 split between territories, the Dax commitment its manager pays on;
    # A.2 2024 to be closed; a contract with no lot.
    from jalon.programme.funding.models import BudgetLine, Commitment, Contract

    objects["funding_line"] = BudgetLine.objects.get(programme=objects["programme"], action__code="A.3", year=2024)
    objects["funding_line_closable"] = BudgetLine.objects.get(
        programme=objects["programme"], action__code="A.2", year=2024
    )
    objects["funding_commitment"] = Commitment.objects.get(reference="CONV-2024-CC-DAX")
    objects["funding_contract"] = Contract.objects.create(
        programme=objects["programme"],
        title="Marché de la matrice",
        procedure="ordinaire",
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2024, 12, 31),
        amount_eur=1000,
    )
    # The demo's comité des financeurs of 2024, its compte rendu and the decision the CAF owes.
    from jalon.programme.governance.models import Decision

    decision = Decision.objects.filter(meeting__body__programme=objects["programme"]).select_related("meeting").first()
    objects["governance_decision"], objects["governance_meeting"] = decision, decision.meeting
    objects["governance_body"] = decision.meeting.body
    objects["governance_document"] = decision.meeting.documents.first()
    # The Landes plan's commitments, its forum 2025 (C.34) and the forum's minutes, seeded by the demo.
    from jalon.programme.models import BankDocument, NetworkEvent, SignatoryCommitment

    objects["commitment"] = (
        SignatoryCommitment.objects.filter(signatory__programme=objects["programme"]).order_by("pk").first()
    )
    objects["network_event"] = NetworkEvent.objects.get(programme=objects["programme"], action__code="C.34")
    objects["bank_document"] = BankDocument.objects.filter(programme=objects["programme"]).order_by("pk").first()
    objects["bank_document_version"] = objects["bank_document"].versions.first()
    # The users' participation, seeded by the demo: the comité d'usagers of the Dax SDSEI (its manager runs it), a
    # past meeting given its minutes as a document, a proposal and a member; the users at the EPL and a past EPL.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jalon.participation import services as participation
    from jalon.participation.models import Body

    committee = Body.objects.committees().get(organisation=world.memberships["sdsei_manager"].organisation)
    objects["committee"] = committee
    past = committee.meetings.filter(held_at__lt=timezone.now()).order_by("-held_at").first()
    objects["committee_meeting"] = participation.meeting_save(
        actor=world.actor("cd_pilot"),
        body=committee,
        meeting=past,
        held_at=past.held_at,
        place=past.place,
        agenda=past.agenda,
        minutes=past.minutes,
        minutes_file=SimpleUploadedFile("compte-rendu.pdf", b"%PDF-1.4 compte rendu", content_type="application/pdf"),
        now=timezone.now(),
    )
    objects["committee_member"] = committee.members.filter(left_on=None).first()
    objects["committee_proposal"] = committee.proposals.first()
    objects["epl_seats"] = Body.objects.epl().get(departement_id="40")
    objects["epl_past"] = participation.epl_meetings(objects["epl_seats"]).filter(held_at__lt=timezone.now()).first()
    # The Landes demo's surveys: its questionnaire, its open campaign, a finished one and one of its free texts.
    from jalon.surveys.models import Answer, Campaign, Questionnaire

    objects["survey_questionnaire"] = Questionnaire.objects.get(departement_id="40")
    objects["survey_question"] = objects["survey_questionnaire"].current_version.questions.order_by("position").last()
    landes_campaigns = Campaign.objects.filter(departement_id="40").order_by("opens_on")
    objects["survey_finished_campaign"] = landes_campaigns.first()
    objects["survey_campaign"] = landes_campaigns.open_on(timezone.localdate()).get()
    objects["survey_text"] = (
        Answer.objects.filter(response__campaign=objects["survey_finished_campaign"]).exclude(text="").first()
    )
    # The demo's L36 value waiting for validation, entered by the SIAE's member (with its evidence).
    from jalon.observatory.entered.models import EnteredValue
    from jalon.observatory.periods import Period

    entered = EnteredValue.objects.get(indicator__code="L36", departement_id="40", status="soumise")
    objects["entered_value"] = entered
    objects["entered_period"] = Period(entered.period_kind, entered.period_start).key
    objects["letter"] = _letter_for(target, referent.organisation)
    # An exit to employment of another person of the référent's caseload, and an exit proposed to the target.
    from jalon.exits.models import ExitProposal, ExitType
    from jalon.exits.services import exit_record

    # Out of the Dax manager's territory, like the target.
    manager = world.memberships["sdsei_manager"]
    seen_in_dax = Person.objects.visible_to(Actor(user=manager.user, membership=manager)).values("pk")
    leaver = (
        Person.objects.filter(pk__in=caseload)
        .exclude(pk__in=[target.pk, social_person.pk])
        .exclude(pk__in=seen_in_dax)
        .order_by("pk")
        .first()
    )
    objects["exit"] = exit_record(
        actor=Actor(user=referent.user, membership=referent, memberships=(referent,)),
        person=leaver,
        exit_type=ExitType.objects.get(departement_id="40", code="cdi"),
        exited_on=timezone.localdate(),
        employer_name="Conserverie des Landes",
    )
    objects["exit_proposal"] = ExitProposal.objects.create(person=target, closure_date=timezone.localdate())
    # A failure of the target to her duties, recorded by her référent, and a CAF/MSA file of the Landes.
    from jalon.duties.models import CafExport
    from jalon.duties.services import failure_record

    objects["duty_failure"] = failure_record(
        actor=Actor(user=referent.user, membership=referent, memberships=(referent,)),
        person=target,
        duty="rendez_vous",
        occurred_on=timezone.localdate(),
        evidence_text="Absente au rendez-vous, sans nouvelles.",
    )
    objects["caf_export"] = CafExport.objects.create(departement_id="40")
    # A directory employer of the Landes and a draft immersion of the target there.
    from jalon.employers.models import Employer
    from jalon.employers.services import immersion_create

    objects["employer"] = Employer.objects.filter(departement_id="40").order_by("pk").first()
    objects["immersion"] = immersion_create(
        actor=Actor(user=referent.user, membership=referent, memberships=(referent,)),
        person=target,
        employer=objects["employer"],
        starts_on=timezone.localdate() + dt.timedelta(days=300),
        ends_on=timezone.localdate() + dt.timedelta(days=304),
        objectives=["discover"],
        job_title="Agent de conditionnement",
    )

    # Job offers: one published by the Département, the target positioned on it, hired on another, her trainings.
    from jalon.notebook.models import RomeAppellation
    from tests.employment.factories import employment_objects

    objects.update(
        employment_objects(
            publisher=world.actor("cd_admin"),
            referent=world.actor("sdsei_referent"),
            person=target,
            commune=target.commune or Commune.objects.get(code="40192"),
            appellation=RomeAppellation.objects.filter(active=True).order_by("code").first(),
        )
    )

    # The Landes plan writes no référentiel d'évaluation: its pilot opens one, sets up the fiche's framework with a
    # question, a source, a finding, a scheduled evaluation, a member and a work item, and produces its report.
    from jalon.evaluation import services as evaluation

    pilot = world.actor("cd_pilot")
    framework = evaluation.framework_open(actor=pilot, programme=objects["programme"])
    sheet = evaluation.sheet_set(
        actor=pilot, action=objects["action_sheet"], impacts="Un impact attendu", owner_organisation=pilot.organisation
    )
    question = evaluation.question_add(
        actor=pilot,
        framework=framework,
        action=sheet.action,
        text="La fiche atteint-elle son public ?",
        register="efficacite",
    )
    objects.update(
        evaluation_question=question,
        evaluation_source=evaluation.source_add(actor=pilot, question=question, kind="enquete", description="Enquête"),
        evaluation_finding=evaluation.finding_record(
            actor=pilot, question=question, text="Un constat", observed_on=timezone.localdate()
        ),
        evaluation_schedule=evaluation.evaluation_schedule(
            actor=pilot, sheet=sheet, time="ex_post", due_on=objects["programme"].end + dt.timedelta(days=90)
        ),
        evaluation_member=evaluation.member_add(
            actor=pilot, framework=framework, kind="central", organisation=pilot.organisation
        ),
        evaluation_work=evaluation.work_item_create(
            actor=pilot,
            framework=framework,
            title="Réunion de l'instance",
            due_on=timezone.localdate(),
            owner_organisation=pilot.organisation,
        ),
        evaluation_report=evaluation.report_generate(
            actor=pilot, framework=framework, action=sheet.action, time="ex_post"
        ),
    )

    # The SIAE's data-sharing convention, with its signed document, and an API token of its member.
    convention = DataSharingConvention.objects.filter(organisation=siae).first()
    convention.document.save("convention.pdf", ContentFile(b"%PDF-1.4 convention"), save=True)
    objects["convention"] = convention
    objects["api_token"] = ApiToken.objects.create(
        name="Logiciel de l'atelier",
        membership=world.memberships["siae_partner"],
        scope="lecture",
        key_hash="0" * 64,
        key_start="jalon_0000",
        expires_on=timezone.localdate() + dt.timedelta(days=30),
    )
    return world


def _copy(template, **values):
    """A demo object copied onto the target, for the kinds of objects her own file lacks."""
    template.pk = None
    for name, value in values.items():
        setattr(template, name, value)
    template.save()
    return template


def _first_or_copy(model, notebook, **values):
    existing = model.objects.filter(notebook=notebook, **values).first()
    if existing:
        return existing
    return _copy(model.objects.filter(notebook__person__departement_id="40").first(), notebook=notebook, **values)


def _alert_for(person):
    from jalon.orientation.models import DelayAlert

    template = DelayAlert.objects.filter(person__departement_id="40", closed_at=None).first()
    template.pk = None
    template.person = person
    template.save()
    return template


def _letter_for(person, organisation):
    from jalon.messaging.models import Message

    template = Message.objects.first()
    template.pk = None
    template.person = person
    template.organisation = organisation
    template.channel = "letter"
    template.created_at = timezone.now() - dt.timedelta(days=1)
    template.save()
    return template
