"""The governance's rules, on the small plan (2021-2025; its COPIL meets once a year, at least once in twelve
months): a meeting within the plan's period, a decision with an owner, nothing half-written; a body late by its
frequency or by its yearly minimum, dates computed by hand; the daily reminder, once per lateness episode."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.inbox.models import Notification
from jalon.organisations.models import Organisation
from jalon.programme.governance import selectors, services
from jalon.programme.governance.models import AgendaItem, Attendance, BodyReminder, Decision, Meeting
from tests.organisations.factories import MembershipFactory
from tests.programme.governance.conftest import actor_of, cd_member


pytestmark = pytest.mark.django_db

D = datetime.date


def _meeting(pilot, body, held_on, **extra):
    return services.meeting_record(actor=actor_of(pilot), body=body, held_on=held_on, place="Mont-de-Marsan", **extra)


def test_a_meeting_is_recorded_with_its_agenda_and_attendance(plan, pilot):
    copil = plan.bodies.get(code="copil")
    caf = Organisation.objects.get(name="CAF des Landes")
    action = plan.actions.get(code="A.1")

    meeting = _meeting(
        pilot,
        copil,
        D(2023, 3, 1),
        agenda=[("Bilan 2022", None), ("Recueil DSP", action), ("  ", None)],
        attendance={caf.pk: "excused"},
    )

    assert [(i.title, i.action_id) for i in meeting.agenda.all()] == [("Bilan 2022", None), ("Recueil DSP", action.pk)]
    assert Attendance.objects.get(meeting=meeting, organisation=caf).status == "excused"
    assert AuditEvent.objects.filter(code=AuditCode.MEETING_RECORDED, subject_id=str(meeting.pk)).exists()


@pytest.mark.parametrize(
    ("held_on", "extra", "message"),
    [
        (D(2026, 1, 5), {}, "La réunion doit se tenir pendant la période du plan (01/01/2021 – 31/12/2025)."),
        (D(2020, 12, 31), {}, "La réunion doit se tenir pendant la période du plan (01/01/2021 – 31/12/2025)."),
        (D(2023, 3, 1), {"place": ""}, "Indiquez le lieu de la réunion, ou qu'elle se tient en visioconférence."),
    ],
)
def test_a_bad_meeting_is_refused_in_french_with_nothing_written(plan, pilot, held_on, extra, message):
    copil = plan.bodies.get(code="copil")
    with pytest.raises(ValidationError) as error:
        services.meeting_record(
            actor=actor_of(pilot),
            body=copil,
            held_on=held_on,
            **{"place": "Dax", **extra},
            agenda=[("Bilan", None)],
        )
    assert message in error.value.messages
    assert not Meeting.objects.exists() and not AgendaItem.objects.exists()
    assert not AuditEvent.objects.filter(code=AuditCode.MEETING_RECORDED).exists()


def test_attendance_is_only_for_members_and_invited_organisations(plan, pilot):
    copil = plan.bodies.get(code="copil")
    outsider = Organisation.objects.create(
        name="Mission locale des Landes", kind="mission_locale", departement_id="40"
    )

    with pytest.raises(ValidationError) as error:
        _meeting(pilot, copil, D(2023, 3, 1), attendance={outsider.pk: "present"})
    assert "La présence ne se note que pour les membres de l'instance et les invités." in error.value.messages
    assert not Meeting.objects.exists()

    meeting = _meeting(pilot, copil, D(2023, 3, 1), invited=[outsider])
    row = Attendance.objects.get(meeting=meeting, organisation=outsider)
    assert (row.invited, row.status) == (True, "present")


def test_a_decision_needs_an_owner_and_nothing_is_written_without(plan, pilot):
    meeting = _meeting(pilot, plan.bodies.get(code="copil"), D(2023, 3, 1))

    with pytest.raises(ValidationError) as error:
        services.decision_record(actor=actor_of(pilot), meeting=meeting, text="Relancer la CAF", due_on=D(2023, 4, 1))
    assert services.NO_OWNER in error.value.messages
    assert not Decision.objects.exists()
    assert not AuditEvent.objects.filter(code=AuditCode.DECISION_RECORDED).exists()


def test_a_decision_owner_is_a_departement_professional_or_an_organisation(plan, pilot):
    meeting = _meeting(pilot, plan.bodies.get(code="copil"), D(2023, 3, 1))
    partner = MembershipFactory(role=Role.REFERENT, organisation=Organisation.objects.get(name="CAF des Landes"))
    actor = actor_of(pilot)

    with pytest.raises(ValidationError) as error:
        services.decision_record(actor=actor, meeting=meeting, text="x", owner_user=partner.user, due_on=D(2023, 4, 1))
    assert "Le porteur doit être un agent du Département." in error.value.messages
    with pytest.raises(ValidationError) as error:
        services.decision_record(
            actor=actor, meeting=meeting, text="x", owner_organisation=partner.organisation, due_on=D(2023, 2, 1)
        )
    assert "L'échéance ne peut précéder la réunion qui a pris la décision." in error.value.messages
    assert not Decision.objects.exists()

    by_user = services.decision_record(
        actor=actor, meeting=meeting, text="x", owner_user=pilot.user, due_on=D(2023, 4, 1)
    )
    by_caf = services.decision_record(
        actor=actor, meeting=meeting, text="y", owner_organisation=partner.organisation, due_on=D(2023, 4, 1)
    )
    assert by_user.owner_user == pilot.user and by_caf.owner_organisation == partner.organisation


def test_the_owner_organisation_marks_its_decision_done_and_no_other(plan, pilot):
    meeting = _meeting(pilot, plan.bodies.get(code="copil"), D(2023, 3, 1))
    caf = Organisation.objects.get(name="CAF des Landes")
    decision = services.decision_record(
        actor=actor_of(pilot),
        meeting=meeting,
        text="Transmettre les chiffres",
        owner_organisation=caf,
        due_on=D(2023, 4, 1),
    )
    stranger = MembershipFactory(role=Role.REFERENT, organisation__departement_id="40")
    with pytest.raises(ValidationError):
        services.decision_mark_done(actor=actor_of(stranger), decision=decision)

    caf_member = MembershipFactory(role=Role.REFERENT, organisation=caf)
    services.decision_mark_done(actor=actor_of(caf_member), decision=decision, follow_up="Envoyés le 14 mars.")

    decision.refresh_from_db()
    assert (decision.status, decision.follow_up, decision.follow_up_on) == (
        "done",
        "Envoyés le 14 mars.",
        D(2023, 3, 15),
    )
    with pytest.raises(ValidationError):
        services.decision_mark_done(actor=actor_of(caf_member), decision=decision)


def test_a_dropped_decision_says_why(plan, pilot):
    meeting = _meeting(pilot, plan.bodies.get(code="copil"), D(2023, 3, 1))
    decision = services.decision_record(
        actor=actor_of(pilot), meeting=meeting, text="x", owner_user=pilot.user, due_on=D(2023, 4, 1)
    )
    common = {
        "actor": actor_of(pilot),
        "decision": decision,
        "text": "x",
        "owner_user": pilot.user,
        "due_on": D(2023, 4, 1),
    }
    with pytest.raises(ValidationError) as error:
        services.decision_update(**common, status="dropped")
    assert "Dites pourquoi la décision est abandonnée." in error.value.messages
    assert Decision.objects.get(pk=decision.pk).status == "open"

    services.decision_update(**common, status="dropped", follow_up="Sans objet depuis la loi plein emploi.")
    decision.refresh_from_db()
    assert (decision.status, decision.follow_up_on) == ("dropped", D(2023, 3, 15))


def _late(plan, day):
    return {item.body.code: item.reason for item in selectors.late_bodies(programme=plan, today=day)}


def test_a_body_is_late_below_its_yearly_minimum(plan, pilot):
    copil = plan.bodies.get(code="copil")  # annual (396 days at most) and once a year at least
    _meeting(pilot, copil, D(2022, 3, 1))
    _meeting(pilot, copil, D(2023, 6, 1))  # to come: does not count

    # 28/02/2023: the last twelve months run from 01/03/2022 (after 28/02/2022), the meeting counts.
    assert _late(plan, D(2023, 2, 28)) == {}
    # 15/03/2023: 379 days since the meeting (within 396), but none in the last twelve months.
    assert _late(plan, D(2023, 3, 15)) == {"copil": "0 réunion sur les douze derniers mois, 1 au moins attendue"}


def test_a_body_is_late_past_its_longest_interval(plan, pilot):
    copil = plan.bodies.get(code="copil")
    copil.frequency, copil.min_meetings_per_year = "quarterly", None  # 107 days at most
    copil.save()

    # Never met: late 107 days after the plan's start (01/01/2021 + 107 days = 18/04/2021).
    assert _late(plan, D(2021, 4, 18)) == {}
    assert _late(plan, D(2021, 4, 19)) == {
        "copil": "aucune réunion depuis le début du plan (se réunit chaque trimestre)"
    }
    _meeting(pilot, copil, D(2022, 11, 1))
    # 01/11/2022 + 107 days = 16/02/2023.
    assert _late(plan, D(2023, 2, 16)) == {}
    assert _late(plan, D(2023, 2, 17)) == {"copil": "aucune réunion depuis le 01/11/2022 (se réunit chaque trimestre)"}
    # A plan that is over has no late body.
    assert _late(plan, D(2026, 3, 1)) == {}


def test_the_daily_reminder_tells_the_pilots_once_per_episode(plan, pilot):
    copil = plan.bodies.get(code="copil")
    cd_member(Role.ANALYST)  # not a pilot: not told

    assert services.bodies_remind_late(today=D(2023, 3, 15)) == {"opened": 1, "closed": 0, "notified": 1}
    notification = Notification.objects.get()
    assert notification.recipient_id == pilot.user_id and notification.kind == "instance_en_retard"
    assert notification.title.startswith("Instance en retard : Comité de pilotage élargi")

    with time_machine.travel(datetime.datetime(2023, 3, 16, 10, tzinfo=datetime.UTC), tick=False):
        assert services.bodies_remind_late(today=D(2023, 3, 16))["opened"] == 0
    assert Notification.objects.count() == 1

    _meeting(pilot, copil, D(2023, 3, 10))
    assert services.bodies_remind_late(today=D(2023, 3, 17)) == {"opened": 0, "closed": 1, "notified": 0}
    assert BodyReminder.objects.get().closed_on == D(2023, 3, 17)
    # Late again a year and a half later: a new episode, told once more.
    assert services.bodies_remind_late(today=D(2024, 9, 1))["notified"] == 1
    assert Notification.objects.count() == 2
