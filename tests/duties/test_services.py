import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from pypdf import PdfReader

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.duties import selectors, services
from jalon.duties.enums import Duty, Nature, ProcedureState, Rank
from jalon.duties.models import CafLine, Decision, DutySettings, Failure
from jalon.messaging.enums import MessageChannel
from jalon.messaging.letters import letter_pdf
from jalon.messaging.models import Message
from jalon.people.models import HouseholdMember
from tests.conftest import actor_for
from tests.duties.conftest import TODAY, at
from tests.people.factories import PersonFactory


pytestmark = pytest.mark.django_db
LATER = TODAY + datetime.timedelta(days=11)  # the 10 days to answer have run


def record(world, occurred_on=TODAY, **fields):
    with at(TODAY if occurred_on <= TODAY else occurred_on):
        return services.failure_record(
            actor=world.referent_actor,
            person=world.person,
            duty=fields.pop("duty", Duty.APPOINTMENT_MISSED),
            occurred_on=occurred_on,
            evidence_text=fields.pop("evidence_text", "Absente au rendez-vous du 2 mars, sans nouvelles."),
            **fields,
        )


def invited(world, occurred_on=TODAY):
    failure = record(world, occurred_on)
    with at(occurred_on):
        services.failure_invite(actor=world.officer_actor, failure=failure)
    failure.refresh_from_db()
    return failure


def decide(world, failure, on=LATER, **fields):
    values = {"nature": Nature.SUSPENSION, "rate": 30, "months": 2, "starts_on": on, "reasons": "Absence répétée."}
    values.update(fields)
    with at(on):
        return services.decision_take(actor=world.officer_actor, failure=failure, **values)


def nothing_written(world):
    return not Failure.objects.exists() and not Message.objects.exists()


# -- 1. the failure --------------------------------------------------------------------------------------------


def test_the_referent_records_a_first_failure_with_its_evidence(world):
    pdf = SimpleUploadedFile("feuille.pdf", b"%PDF-1.4 emargement", content_type="application/pdf")
    failure = record(world, evidence=pdf)
    assert failure.rank == Rank.FIRST and failure.state == ProcedureState.TO_INVITE
    assert failure.evidence_name == "feuille.pdf" and failure.organisation == world.referent.organisation
    assert AuditEvent.objects.filter(code=AuditCode.DUTY_FAILURE_RECORDED, person_id=world.person.pk).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"duty": "absent"}, "Choisissez l'obligation"),
        ({"occurred_on": None}, "Indiquez la date du manquement"),
        ({"occurred_on": TODAY + datetime.timedelta(days=1)}, "dans le futur"),
        ({"evidence_text": "  "}, "Décrivez les éléments constatés"),
        ({"evidence": SimpleUploadedFile("virus.exe", b"MZ")}, "type de fichier n'est pas accepté"),
        ({"evidence": SimpleUploadedFile("faux.pdf", b"<html>")}, "ne correspond pas à son extension"),
    ],
)
def test_a_bad_failure_is_refused_in_french_and_nothing_is_written(world, fields, message):
    values = {
        "duty": Duty.APPOINTMENT_MISSED,
        "occurred_on": TODAY,
        "evidence_text": "Absente au rendez-vous.",
        **fields,
    }
    with at(TODAY), pytest.raises(ValidationError, match=message):
        services.failure_record(actor=world.referent_actor, person=world.person, **values)
    assert nothing_written(world)


def test_someone_who_does_not_follow_the_person_records_nothing(world):
    stranger = PersonFactory(departement=world.departement)
    with at(TODAY), pytest.raises(Http404):
        services.failure_record(
            actor=world.referent_actor,
            person=stranger,
            duty=Duty.OTHER,
            occurred_on=TODAY,
            evidence_text="x",
        )


# -- 2. the invitation -------------------------------------------------------------------------------------------


def test_the_invitation_sets_the_deadline_and_goes_by_letter_email_and_sms(world):
    failure = invited(world)
    assert failure.state == ProcedureState.INVITED and failure.invited_on == TODAY
    assert failure.answer_due_on == TODAY + datetime.timedelta(days=10)
    channels = set(Message.objects.about(failure).values_list("channel", flat=True))
    assert channels == {MessageChannel.LETTER, MessageChannel.EMAIL, MessageChannel.SMS}


def test_the_invitation_letter_names_the_deadline_the_rights_and_the_law(world):
    failure = invited(world)
    letter = Message.objects.about(failure).get(channel=MessageChannel.LETTER)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(letter_pdf(letter))).pages)
    text = " ".join(text.split())
    assert "au plus tard le 12 mars 2026" in text
    assert "personne de votre choix" in text
    assert "motif légitime" in text
    assert "décret n° 2025-478 du 30 mai 2025" in text
    assert "Absente au rendez-vous du 2 mars" in text


def test_the_answer_period_follows_the_departement_setting(world):
    DutySettings.objects.create(departement=world.departement, answer_days=15)
    failure = invited(world)
    assert failure.answer_due_on == TODAY + datetime.timedelta(days=15)


def test_a_person_who_cannot_receive_a_letter_is_not_invited_and_nothing_is_written(world):
    world.person.address = world.person.email = ""
    world.person.save()
    failure = record(world)
    with at(TODAY), pytest.raises(ValidationError, match="ni adresse postale complète ni e-mail"):
        services.failure_invite(actor=world.officer_actor, failure=failure)
    failure.refresh_from_db()
    assert failure.state == ProcedureState.TO_INVITE and not Message.objects.exists()


def test_only_the_departement_invites_a_partner_administrator_does_not(world):
    failure = record(world)
    for membership in (world.partner_admin, world.referent):
        with at(TODAY), pytest.raises(Http404):
            services.failure_invite(actor=actor_for(membership), failure=failure)
    assert not Message.objects.exists()


# -- 3. the answer -----------------------------------------------------------------------------------------------


def test_a_legitimate_reason_closes_the_procedure_with_no_decision(world):
    failure = invited(world)
    with at(TODAY + datetime.timedelta(days=3)):
        services.failure_answer_record(
            actor=world.officer_actor,
            failure=failure,
            answered_on=TODAY + datetime.timedelta(days=3),
            answer="J'étais hospitalisée.",
            legitimate=True,
            legitimate_reason="hospitalisation (bulletin fourni)",
        )
    failure.refresh_from_db()
    assert failure.state == ProcedureState.CLOSED
    with pytest.raises(ValidationError, match="motif légitime a été retenu"):
        decide(world, failure)
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"answered_on": None}, "Indiquez la date"),
        ({"answered_on": TODAY - datetime.timedelta(days=1)}, "ne peut pas précéder l'invitation"),
        ({"answer": ""}, "Résumez les observations"),
        ({"legitimate": None}, "Dites si le motif"),
        ({"legitimate": True, "legitimate_reason": ""}, "Indiquez le motif légitime retenu"),
    ],
)
def test_a_bad_answer_is_refused_and_nothing_is_written(world, fields, message):
    failure = invited(world)
    values = {"answered_on": TODAY, "answer": "Je n'ai pas reçu la convocation.", "legitimate": False, **fields}
    with at(TODAY), pytest.raises(ValidationError, match=message):
        services.failure_answer_record(actor=world.officer_actor, failure=failure, **values)
    failure.refresh_from_db()
    assert failure.answered_on is None and failure.state == ProcedureState.INVITED


# -- 4. the decision ---------------------------------------------------------------------------------------------


def test_no_decision_without_the_invitation(world):
    failure = record(world)
    with pytest.raises(ValidationError, match="n'a pas été invitée"):
        decide(world, failure)
    assert not Decision.objects.exists() and not CafLine.objects.exists()


def test_no_decision_before_the_answer_deadline_unless_the_person_answered(world):
    failure = invited(world)
    with pytest.raises(ValidationError, match="jusqu'au 12/03/2026 inclus"):
        decide(world, failure, on=TODAY + datetime.timedelta(days=10))
    assert not Decision.objects.exists()
    with at(TODAY + datetime.timedelta(days=2)):
        services.failure_answer_record(
            actor=world.officer_actor,
            failure=failure,
            answered_on=TODAY + datetime.timedelta(days=2),
            answer="Je n'avais pas envie.",
            legitimate=False,
        )
    decision = decide(world, failure, on=TODAY + datetime.timedelta(days=2))
    assert decision.nature == Nature.SUSPENSION


def test_the_decision_is_notified_with_the_recourse_and_waits_for_the_caf_file(world):
    failure = invited(world)
    decision = decide(world, failure, rate=40, months=2)
    failure.refresh_from_db()
    assert failure.state == ProcedureState.SUSPENDED
    assert decision.starts_on == LATER and decision.ends_on == datetime.date(2026, 5, 12)
    assert CafLine.objects.get(decision=decision).nature == "SUSPENSION"
    letter = Message.objects.about(decision).get(channel=MessageChannel.LETTER)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(letter_pdf(letter))).pages).split())
    assert "de suspendre 40 % du montant de votre revenu de solidarité active pendant 2 mois" in text
    assert "recours administratif auprès du président du conseil départemental dans un délai de deux mois" in text
    assert "L262-47" in text
    assert "les sommes suspendues vous seront reversées" in text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"rate": 20}, "entre 30 % et 100 %"),
        ({"rate": 101}, "entre 30 % et 100 %"),
        ({"rate": None}, "entre 30 % et 100 %"),
        ({"months": 3}, "entre 1 et 2 mois"),
        ({"months": 0}, "entre 1 et 2 mois"),
        ({"nature": Nature.SUPPRESSION}, "La suppression ne suit qu'une suspension"),
        ({"starts_on": None}, "date d'effet"),
        ({"starts_on": TODAY}, "avant d'être prise"),
        ({"reasons": " "}, "Motivez la décision"),
    ],
)
def test_a_first_failure_decision_outside_the_bounds_is_refused(world, fields, message):
    failure = invited(world)
    with pytest.raises(ValidationError, match=message):
        decide(world, failure, **fields)
    assert not Decision.objects.exists() and not CafLine.objects.exists()
    failure.refresh_from_db()
    assert failure.state == ProcedureState.INVITED


def test_a_household_of_more_than_one_person_is_capped_at_fifty_percent(world):
    household = HouseholdMember.objects.get(person=world.person).household
    HouseholdMember.objects.create(household=household, person=PersonFactory(departement=world.departement))
    failure = invited(world)
    with pytest.raises(ValidationError, match="Le foyer compte 2 personnes : le taux est plafonné à 50 %"):
        decide(world, failure, rate=60)
    assert decide(world, failure, rate=50).household_size == 2


def test_the_bounds_are_the_departements_when_it_set_them(world):
    DutySettings.objects.create(departement=world.departement, first_max_months=1)
    failure = invited(world)
    with pytest.raises(ValidationError, match="entre 1 et 1 mois"):
        decide(world, failure, months=2)


def test_only_the_departement_staff_decide(world):
    failure = invited(world)
    for membership in (world.partner_admin, world.referent):
        with at(LATER), pytest.raises(Http404):
            services.decision_take(
                actor=actor_for(membership),
                failure=failure,
                nature=Nature.SUSPENSION,
                rate=30,
                months=1,
                starts_on=LATER,
                reasons="x",
            )
    assert not Decision.objects.exists()


# -- 5. repeated failure, escalation, remobilisation -------------------------------------------------------------


def test_a_repeated_failure_allows_four_months_and_suppression_after_a_suspension_without_remobilisation(world):
    first = invited(world)
    decide(world, first, months=2)
    second_on = datetime.date(2026, 6, 1)
    second = invited(world, occurred_on=second_on)
    assert second.rank == Rank.REPEATED
    assert services.escalation_allowed(second)
    after = second_on + datetime.timedelta(days=11)
    with pytest.raises(ValidationError, match="entre 1 et 4 mois"):
        decide(world, second, on=after, months=5)
    decision = decide(world, second, on=after, nature=Nature.SUPPRESSION, rate=100, months=4)
    second.refresh_from_db()
    assert second.state == ProcedureState.SUPPRESSED and decision.lines.get().nature == "SUPPRESSION"


def test_a_failure_out_of_the_window_is_a_first_one_again(world):
    first = invited(world)
    decide(world, first)
    later = invited(world, occurred_on=datetime.date(2027, 4, 1))
    assert later.rank == Rank.FIRST


def test_a_failure_closed_on_a_legitimate_reason_does_not_make_the_next_one_repeated(world):
    first = invited(world)
    with at(TODAY):
        services.failure_answer_record(
            actor=world.officer_actor,
            failure=first,
            answered_on=TODAY,
            answer="Malade",
            legitimate=True,
            legitimate_reason="maladie",
        )
    assert invited(world, occurred_on=datetime.date(2026, 5, 4)).rank == Rank.FIRST


def test_remobilisation_reverses_the_suspension_with_a_reversal_line(world):
    failure = invited(world)
    decision = decide(world, failure)
    back_on = LATER + datetime.timedelta(days=20)
    with at(back_on):
        services.decision_reverse(actor=world.officer_actor, decision=decision, remobilised_on=back_on)
    failure.refresh_from_db()
    assert failure.state == ProcedureState.REMOBILISED
    assert sorted(decision.lines.values_list("nature", flat=True)) == ["REVERSEMENT", "SUSPENSION"]
    # A suspension the person ended by re-engaging does not open the suppression.
    second = invited(world, occurred_on=datetime.date(2026, 6, 1))
    assert second.rank == Rank.REPEATED and not services.escalation_allowed(second)


@pytest.mark.parametrize(
    ("remobilised_on", "message"),
    [
        (None, "Indiquez la date à laquelle la personne a repris"),
        (LATER - datetime.timedelta(days=1), "La remobilisation suit la décision"),
        (datetime.date(2026, 6, 1), "les sommes ne sont reversées que si"),
    ],
)
def test_a_reversal_without_a_valid_remobilisation_date_is_refused(world, remobilised_on, message):
    failure = invited(world)
    decision = decide(world, failure)
    with at(datetime.date(2026, 6, 2)), pytest.raises(ValidationError, match=message):
        services.decision_reverse(actor=world.officer_actor, decision=decision, remobilised_on=remobilised_on)
    decision.refresh_from_db()
    assert decision.remobilised_on is None and decision.lines.count() == 1


# -- the CAF/MSA file and the counts ------------------------------------------------------------------------------


def test_the_caf_file_has_one_line_per_decision_and_reversal_with_the_matricule_and_rank(world):
    failure = invited(world)
    decision = decide(world, failure, rate=30, months=1)
    with at(LATER):
        first = services.caf_export_create(actor=world.officer_actor)
        with pytest.raises(ValidationError, match="Aucune décision ni aucun reversement"):
            services.caf_export_create(actor=world.officer_actor)
    back_on = LATER + datetime.timedelta(days=5)
    with at(back_on):
        services.decision_reverse(actor=world.officer_actor, decision=decision, remobilised_on=back_on)
        second = services.caf_export_create(actor=world.officer_actor)
    household = HouseholdMember.objects.get(person=world.person).household
    rows = list(
        csv.reader(io.StringIO("\n".join(";".join(map(str, row)) for row in selectors.caf_rows(first))), delimiter=";")
    )
    assert rows[0] == selectors.CAF_COLUMNS
    assert rows[1][:8] == ["CAF", "", household.matricule, "01", "SUSPENSION", "30", "2026-03-13", "2026-04-12"]
    reversal = selectors.caf_rows(second)[1]
    assert reversal[4] == "REVERSEMENT" and reversal[9] == back_on.isoformat()
    assert AuditEvent.objects.filter(code=AuditCode.DUTY_CAF_EXPORTED).count() == 2


def test_the_monthly_counts_for_the_indicators(world):
    failure = invited(world)
    decision = decide(world, failure)
    with at(datetime.date(2026, 4, 2)):
        services.decision_reverse(
            actor=world.officer_actor, decision=decision, remobilised_on=datetime.date(2026, 4, 2)
        )
    counts = selectors.monthly_counts(
        departement_id=world.departement.pk, since=datetime.date(2026, 1, 1), until=datetime.date(2026, 12, 31)
    )
    assert [
        (row["month"], row["failures"], row["decisions"], row["suspensions"], row["reversals"]) for row in counts
    ] == [
        (datetime.date(2026, 3, 1), 1, 1, 1, 0),
        (datetime.date(2026, 4, 1), 0, 0, 0, 1),
    ]


def test_the_bounds_service_refuses_what_the_decret_does_not_allow_and_writes_nothing(world):
    from jalon.duties.models import DutySettings
    from jalon.duties.services import SETTING_FIELDS, duty_settings_update
    from tests.conftest import actor_for

    values = {name: getattr(DutySettings(), name) for name in SETTING_FIELDS}
    for wrong, field in (
        ({"household_cap_rate": 60}, "household_cap_rate"),  # above the décret's 50 % for a household
        ({"repeated_min_months": 4, "repeated_max_months": 2}, "repeated_max_months"),
        ({"answer_days": 5}, "answer_days"),
    ):
        with pytest.raises(ValidationError) as refused:
            duty_settings_update(actor=actor_for(world.admin), data={**values, **wrong})
        assert field in refused.value.message_dict
    assert not DutySettings.objects.exists()
