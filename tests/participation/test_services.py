import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.participation import selectors, services
from jalon.participation.models import Attendance, Expense, Meeting, Member, Proposal
from tests.participation.factories import NOW, TODAY, at, participation_build, volunteer
from tests.people.factories import PersonFactory
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db


def refused(call, message):
    with pytest.raises(ValidationError) as error:
        call()
    assert message in " ".join(error.value.messages)


def add_member(world, actor="pilot", **changes):
    values = {
        "body": world.committee,
        "person": volunteer(world.departement, last_name="CARON"),
        "seat": "titulaire",
        "consent_on": datetime.date(2026, 11, 2),
        "consent_channel": "entretien",
        "starts_on": datetime.date(2026, 11, 10),
        "ends_on": datetime.date(2027, 11, 9),
        "today": TODAY,
        **changes,
    }
    return services.member_add(actor=world.actor(actor), **values)


def meeting(world, day=datetime.date(2026, 10, 6), actor="pilot"):
    return services.meeting_save(
        actor=world.actor(actor),
        body=world.committee,
        held_at=at(day),
        place="Maison des solidarités",
        agenda="Accueil\n- Les délais d'orientation\nQuestions diverses",
        now=NOW,
    )


# -- members ------------------------------------------------------------------------------------------------------


def test_a_member_is_seated_with_their_consent_and_audited():
    world = participation_build()
    member = add_member(world)
    assert member.consent_channel == "entretien" and member.in_office_on(TODAY)
    event = AuditEvent.objects.get(code=AuditCode.PARTICIPATION_MEMBER_ADDED, person_id=member.person_id)
    assert event.data["new"]["consent_on"] == "2026-11-02"


def test_a_member_without_consent_is_refused_and_nothing_is_saved():
    world = participation_build()
    before = Member.objects.count()
    refused(lambda: add_member(world, consent_on=None), "consentement de la personne est obligatoire")
    refused(lambda: add_member(world, consent_channel=""), "comment le consentement a été recueilli")
    assert Member.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consent_on": datetime.date(2026, 12, 6)}, "demain ou après"),
        ({"consent_on": datetime.date(2026, 11, 20)}, "avant le début du mandat"),
        ({"ends_on": datetime.date(2026, 11, 1)}, "La fin du mandat précède son début"),
        ({"ends_on": datetime.date(2030, 11, 1)}, "au plus trois ans"),
        ({"seat": "president"}, "titulaire ou suppléante"),
        ({"person": None}, "personne suivie par le Département"),
    ],
)
def test_bad_member_input_is_refused(changes, message):
    world = participation_build()
    refused(lambda: add_member(world, **changes), message)


def test_only_a_beneficiary_of_the_departement_sits():
    world = participation_build()
    refused(lambda: add_member(world, person=PersonFactory(departement=world.departement)), "foyer du RSA")
    elsewhere = DepartementFactory(code="64", name="Pyrénées-Atlantiques")
    refused(lambda: add_member(world, person=volunteer(elsewhere)), "suivie par le Département")
    refused(lambda: add_member(world, person=world.people[0]), "siège déjà")


def test_only_the_editors_seat_members():
    world = participation_build()
    for key in ("manager", "referent", "analyst", "partner_admin"):
        with pytest.raises(Http404):
            add_member(world, actor=key)
    assert add_member(world, actor="admin").pk


def test_a_member_leaves_with_a_reason():
    world = participation_build()
    member = world.members[0]
    refused(
        lambda: services.member_leave(
            actor=world.actor("pilot"), member=member, left_on=TODAY, reason="", today=TODAY
        ),
        "motif du départ",
    )
    services.member_leave(
        actor=world.actor("pilot"), member=member, left_on=TODAY, reason="Reprise d'emploi", today=TODAY
    )
    assert not Member.objects.filter(pk=member.pk).in_office(TODAY).exists()


# -- meetings, attendance, expenses -------------------------------------------------------------------------------


def test_the_sdsei_manager_runs_the_meetings_of_its_own_committee_only():
    world = participation_build()
    held = meeting(world, actor="manager")
    assert held.agenda_items == ["Accueil", "Les délais d'orientation", "Questions diverses"]
    for key in ("other_manager", "referent", "analyst", "partner_admin"):
        with pytest.raises(Http404):
            meeting(world, actor=key)


def test_a_meeting_far_in_the_future_is_refused():
    world = participation_build()
    refused(lambda: meeting(world, day=datetime.date(2062, 1, 1)), "deux ans à l'avance")
    assert not Meeting.objects.exists()


def test_minutes_are_a_document_of_an_office_format_and_only_once_held():
    world = participation_build()
    held = meeting(world)
    pdf = SimpleUploadedFile("cr.pdf", b"%PDF-1.4 compte rendu", content_type="application/pdf")
    saved = services.meeting_save(
        actor=world.actor("pilot"),
        body=world.committee,
        meeting=held,
        held_at=held.held_at,
        place=held.place,
        agenda=held.agenda,
        minutes="Les membres demandent des convocations par SMS.",
        minutes_file=pdf,
        now=NOW,
    )
    assert saved.minutes_name == "cr.pdf" and saved.minutes_file
    fake = SimpleUploadedFile("cr.exe", b"MZ", content_type="application/octet-stream")
    refused(
        lambda: services.meeting_save(
            actor=world.actor("pilot"),
            body=world.committee,
            meeting=held,
            held_at=held.held_at,
            place=held.place,
            agenda=held.agenda,
            minutes_file=fake,
            now=NOW,
        ),
        "n'est pas accepté",
    )
    future = meeting(world, day=datetime.date(2027, 1, 12))
    refused(
        lambda: services.meeting_save(
            actor=world.actor("pilot"),
            body=world.committee,
            meeting=future,
            held_at=future.held_at,
            place=future.place,
            agenda=future.agenda,
            minutes="Déjà ?",
            now=NOW,
        ),
        "une fois la réunion tenue",
    )


def test_attendance_of_a_future_meeting_is_refused():
    world = participation_build()
    future = meeting(world, day=datetime.date(2027, 3, 2))
    statuses = {world.members[0].pk: "present"}
    refused(
        lambda: services.attendance_record(actor=world.actor("pilot"), meeting=future, statuses=statuses, now=NOW),
        "une fois la réunion tenue",
    )
    assert not Attendance.objects.exists()


def test_attendance_is_recorded_for_members_in_office_and_audited():
    world = participation_build()
    held = meeting(world)
    titular, substitute = world.members
    services.attendance_record(
        actor=world.actor("manager"),
        meeting=held,
        statuses={titular.pk: "present", substitute.pk: "excuse"},
        now=NOW,
    )
    assert dict(held.attendances.values_list("member_id", "status")) == {
        titular.pk: "present",
        substitute.pk: "excuse",
    }
    event = AuditEvent.objects.get(code=AuditCode.PARTICIPATION_ATTENDANCE_RECORDED)
    assert sorted(event.data["persons"]) == sorted(m.person_id for m in world.members)
    outsider = add_member(world)  # seated in November: not expected in October
    refused(
        lambda: services.attendance_record(
            actor=world.actor("pilot"), meeting=held, statuses={outsider.pk: "present"}, now=NOW
        ),
        "en fonction à la date",
    )
    refused(
        lambda: services.attendance_record(
            actor=world.actor("pilot"), meeting=held, statuses={titular.pk: "endormi"}, now=NOW
        ),
        "présent, excusé ou absent",
    )


def _attended(world):
    held = meeting(world)
    services.attendance_record(
        actor=world.actor("pilot"),
        meeting=held,
        statuses={world.members[0].pk: "present", world.members[1].pk: "absent"},
        now=NOW,
    )
    return held


def expense(world, held, **changes):
    values = {
        "member": world.members[0],
        "nature": "transport",
        "amount": "12.40",
        "paid_on": datetime.date(2026, 10, 20),
        "today": TODAY,
        **changes,
    }
    return services.expense_record(actor=world.actor("manager"), meeting=held, **values)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "-5"}, "doit être positif"),
        ({"amount": "0"}, "doit être positif"),
        ({"amount": "12.345"}, "deux décimales"),
        ({"amount": "abc"}, "montant en euros"),
        ({"nature": "cadeau"}, "Choisissez la nature"),
        ({"paid_on": datetime.date(2026, 10, 1)}, "entre la réunion et aujourd'hui"),
    ],
)
def test_bad_expenses_are_refused(changes, message):
    world = participation_build()
    held = _attended(world)
    refused(lambda: expense(world, held, **changes), message)
    assert not Expense.objects.exists()


def test_expenses_go_to_present_members_and_add_up_by_year():
    world = participation_build()
    held = _attended(world)
    refused(lambda: expense(world, held, member=world.members[1]), "Seul un membre présent")
    expense(world, held)
    expense(world, held, nature="garde", amount="25", paid_on=None)
    [year] = selectors.expenses_by_year(world.committee)
    assert (year.year, year.total, year.paid) == (2026, Decimal("37.40"), Decimal("12.40"))
    assert year.by_nature == {"transport": Decimal("12.40"), "garde d'enfant": Decimal("25.00")}
    # Marking the paid member absent afterwards would leave expenses without attendance: refused.
    refused(
        lambda: services.attendance_record(
            actor=world.actor("pilot"), meeting=held, statuses={world.members[0].pk: "absent"}, now=NOW
        ),
        "a des frais",
    )


# -- proposals ----------------------------------------------------------------------------------------------------


def proposal(world, held=None):
    return services.proposal_record(
        actor=world.actor("manager"),
        body=world.committee,
        title="Convoquer aussi par SMS",
        made_at=held,
        made_on=None if held else datetime.date(2026, 9, 1),
        today=TODAY,
    )


def answer(world, item, **changes):
    values = {"status": "acceptee", "answer": "Les SMS partent depuis décembre.", "today": TODAY, **changes}
    return services.proposal_answer(actor=world.actor("pilot"), proposal=item, **values)


def test_a_refusal_needs_its_reason():
    world = participation_build()
    item = proposal(world)
    refused(lambda: answer(world, item, status="refusee", answer="Non."), "Un refus se motive")
    item.refresh_from_db()
    assert item.status == "etude" and item.answered_on is None
    answer(world, item, status="refusee", answer="Non.", refusal_reason="Coût hors budget 2026.")
    item.refresh_from_db()
    assert (item.status, item.refusal_reason, item.answered_on) == ("refusee", "Coût hors budget 2026.", TODAY)


def test_an_answer_is_shown_back_at_a_later_meeting_of_the_committee():
    world = participation_build()
    held = _attended(world)
    item = proposal(world, held)
    assert item.made_on == held.day
    later = meeting(world, day=datetime.date(2026, 11, 24))
    earlier = meeting(world, day=datetime.date(2026, 6, 2))
    refused(lambda: answer(world, item, shown_back_at=earlier), "postérieure à la proposition")
    refused(lambda: answer(world, item, status="acceptee", answer=""), "Rédigez la réponse")
    answer(world, item, status="realisee", shown_back_at=later)
    assert Proposal.objects.get(pk=item.pk).shown_back_at == later
    with pytest.raises(Http404):
        services.proposal_answer(
            actor=world.actor("manager"), proposal=item, status="en_cours", answer="x", today=TODAY
        )


def test_a_proposal_at_a_future_meeting_is_refused():
    world = participation_build()
    future = meeting(world, day=datetime.date(2027, 2, 2))
    refused(lambda: proposal(world, future), "réunion déjà tenue")


# -- reads --------------------------------------------------------------------------------------------------------


def test_reads_are_scoped_to_the_departement_and_the_sdsei():
    world = participation_build()
    assert set(selectors.bodies_for(world.actor("pilot"))) == {world.committee, world.epl}
    assert list(selectors.bodies_for(world.actor("manager"))) == [world.committee]
    assert list(selectors.bodies_for(world.actor("other_manager"))) == []
    assert list(selectors.bodies_for(world.actor("partner_admin"))) == []
    with pytest.raises(Http404):
        selectors.body_for(actor=world.actor("other_manager"), pk=world.committee.pk)


def test_the_body_page_names_its_members_in_the_audit_log():
    world = participation_build()
    page = selectors.body_page(actor=world.actor("analyst"), body=world.committee, now=NOW)
    assert (page["titulars"], page["substitutes"]) == (1, 1)
    event = AuditEvent.objects.get(code=AuditCode.PARTICIPATION_MEMBERS_VIEWED)
    assert sorted(event.data["persons"]) == sorted(p.pk for p in world.people)


def test_the_counts_of_the_year():
    world = participation_build()
    held = _attended(world)
    answer(world, proposal(world, held))
    proposal(world)
    counts = selectors.participation_counts(departement_id=world.departement.code, year=2026)
    assert counts["committee_members"] == 2
    assert counts["committee_meetings"] == 1
    assert (counts["proposals_made"], counts["proposals_taken_up"]) == (2, 1)
    assert counts["epl_users"] == 0


# -- users at the EPL ---------------------------------------------------------------------------------------------


def _epl_meeting(world, when):
    from jalon.orientation.models import EplMeeting

    return EplMeeting.objects.create(departement=world.departement, organisation=world.epl.organisation, held_at=when)


def test_the_users_attendance_at_the_epl():
    world = participation_build()
    seat = add_member(world, body=world.epl)
    past, future = (
        _epl_meeting(world, at(datetime.date(2026, 11, 24))),
        _epl_meeting(world, at(datetime.date(2027, 1, 5))),
    )
    services.epl_attendance_record(
        actor=world.actor("pilot"), body=world.epl, epl_meeting=past, statuses={seat.pk: "present"}, now=NOW
    )
    assert selectors.epl_rows(body=world.epl, members=[seat], now=NOW)["meetings"][0]["present"] == 1
    refused(
        lambda: services.epl_attendance_record(
            actor=world.actor("pilot"), body=world.epl, epl_meeting=future, statuses={seat.pk: "present"}, now=NOW
        ),
        "une fois la réunion tenue",
    )
    # A committee member does not sit at the EPL; the SDSEI's manager does not run the EPL seats.
    refused(
        lambda: services.epl_attendance_record(
            actor=world.actor("pilot"),
            body=world.epl,
            epl_meeting=past,
            statuses={world.members[0].pk: "present"},
            now=NOW,
        ),
        "en fonction à la date",
    )
    with pytest.raises(Http404):
        services.epl_attendance_record(
            actor=world.actor("manager"), body=world.epl, epl_meeting=past, statuses={seat.pk: "absent"}, now=NOW
        )
    counts = selectors.participation_counts(departement_id=world.departement.code, year=2026)
    assert counts["epl_users"] == 1
