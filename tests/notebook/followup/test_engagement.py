# ruff: noqa: F811  (the fixtures imported from test_followup are redefined as parameters)
"""The contrat d'engagement (loi n° 2023-1196): its weekly activity hours, their reduction, and the hours done."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.employment.models import TrainingEntry
from jalon.notebook.followup import services
from jalon.notebook.followup.hours import contract_hours_by_week
from jalon.notebook.models import Action, Appointment, Contract, ContractType, Objective
from jalon.offer.measures.models import Measure
from jalon.offer.referrals.models import Referral, ReferralStatus
from tests.conftest import actor_for
from tests.notebook.followup.test_followup import _followed, frozen, world  # noqa: F401
from tests.offer.factories import ServiceFactory


pytestmark = pytest.mark.django_db


def _engagement(world, notebook, **extra):
    landes, agency, referent, _ = world
    notebook.refresh_from_db()
    return services.contract_create(
        actor=actor_for(referent),
        notebook=notebook,
        version=notebook.version,
        contract_type=ContractType.objects.get(departement=landes, code="ce"),
        starts_on=datetime.date(2026, 11, 2),
        ends_on=None,
        organisation=agency,
        **extra,
    )


def test_the_contrat_d_engagement_is_in_the_defaults_with_its_fifteen_hours(world):
    contract_type = ContractType.objects.get(departement=world[0], code="ce")
    assert (contract_type.name, contract_type.minimum_weekly_hours) == ("Contrat d'engagement", 15)


def test_a_contrat_d_engagement_plans_fifteen_hours_and_its_action_plan_by_default(world):
    notebook = _followed(world)
    objective = Objective.objects.create(notebook=notebook, title="Retrouver un emploi de cariste")
    action = Action.objects.create(objective=objective, title="Passer le CACES")
    contract = _engagement(world, notebook, objectives=[objective], actions=[action])
    assert contract.weekly_hours == 15 and contract.hours_reduction_reason == ""
    assert list(contract.actions.all()) == [action]
    event = AuditEvent.objects.get(code=AuditCode.CONTRACT_CREATED)
    assert event.data["new"]["weekly_hours"] == 15 and event.data["new"]["actions"] == [action.pk]


def test_fewer_hours_without_a_reduction_decision_are_refused_and_nothing_is_written(world):
    notebook = _followed(world)
    version = notebook.version
    with pytest.raises(ValidationError) as refused:
        _engagement(world, notebook, weekly_hours=10)
    messages = refused.value.message_dict
    assert "au moins 15 heures" in messages["hours_reduction_reason"][0]
    assert "qui a décidé" in messages["hours_decided_by"][0]
    assert "date de la décision" in messages["hours_decided_on"][0]
    notebook.refresh_from_db()
    assert not Contract.objects.exists() and notebook.version == version


def test_an_other_reason_needs_its_precision(world):
    notebook = _followed(world)
    referent = world[2]
    with pytest.raises(ValidationError) as refused:
        _engagement(
            world,
            notebook,
            weekly_hours=0,
            hours_reduction_reason="autre",
            hours_decided_by=referent.user,
            hours_decided_on=datetime.date(2026, 11, 2),
        )
    assert "Précisez la difficulté" in refused.value.message_dict["hours_reduction_note"][0]


def test_an_isolated_parent_s_reduction_to_ten_hours_is_kept_with_its_decision(world):
    notebook = _followed(world)
    referent = world[2]
    contract = _engagement(
        world,
        notebook,
        weekly_hours=10,
        hours_reduction_reason="parent_isole",
        hours_decided_by=referent.user,
        hours_decided_on=datetime.date(2026, 10, 30),
    )
    assert (contract.weekly_hours, contract.hours_reduction_reason) == (10, "parent_isole")
    assert contract.hours_decided_by == referent.user
    event = AuditEvent.objects.get(code=AuditCode.CONTRACT_CREATED)
    assert event.data["new"]["hours_reduction_reason"] == "parent_isole"


def test_a_cer_carries_no_hours(world):
    notebook = _followed(world)
    landes, agency, referent, _ = world
    contract = services.contract_create(
        actor=actor_for(referent),
        notebook=notebook,
        version=notebook.version,
        contract_type=ContractType.objects.get(departement=landes, code="cer"),
        starts_on=datetime.date(2026, 11, 2),
        ends_on=None,
        organisation=agency,
        weekly_hours=3,
    )
    assert contract.weekly_hours is None
    assert contract_hours_by_week(contract=contract) == []


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_the_hours_done_sum_what_the_carnet_records_week_by_week(world):
    landes, agency, referent, _ = world
    notebook = _followed(world)
    contract = _engagement(world, notebook)  # from Monday 2 November 2026, today is Friday 20 November
    person = notebook.person
    week1, week2 = datetime.date(2026, 11, 2), datetime.date(2026, 11, 9)

    def appointment(day, start, end, attendance):
        Appointment.objects.create(
            notebook=notebook,
            starts_at=_at(day, start),
            ends_at=_at(day, end),
            professional=referent.user,
            organisation=agency,
            attendance=attendance,
        )

    appointment(week1 + datetime.timedelta(days=1), 9, 11, "present")  # 2 h counted
    appointment(week1 + datetime.timedelta(days=2), 9, 10, "absent")  # missed: not counted
    workshop = ServiceFactory(name="Atelier CV", weekly_hours=6)
    unknown = ServiceFactory(name="Groupe de parole", weekly_hours=None)
    for service, status in ((workshop, ReferralStatus.STARTED), (unknown, ReferralStatus.STARTED)):
        Referral.objects.create(
            person=person,
            notebook=notebook,
            service=service,
            structure=service.structure,
            sender_organisation=agency,
            consent_given=True,
            consent_recorded_at=_at(week1, 9),
            sent_at=_at(week1, 9),
            status=status,
            answered_at=_at(week1, 10),
            started_at=_at(week2 + datetime.timedelta(days=2), 9),
        )
    Measure.objects.create(
        notebook=notebook,
        person=person,
        kind="pec",
        starts_on=datetime.date(2026, 11, 16),
        weekly_hours=Decimal("20"),
        employer_name="Conserverie Lafitte",
        organisation=agency,
    )
    TrainingEntry.objects.create(
        person=person, provider="AFPA", title="Cariste", starts_on=week1, funding="region", organisation=agency
    )

    weeks = {week.monday: week for week in contract_hours_by_week(contract=contract)}

    assert sorted(weeks) == [week1, week2, datetime.date(2026, 11, 16)]
    first, second, third = weeks[week1], weeks[week2], weeks[datetime.date(2026, 11, 16)]
    assert (first.planned, first.done, first.appointments) == (15, Decimal(2), Decimal(2))
    assert first.short
    assert (second.referrals, second.done) == (Decimal(6), Decimal(6))
    assert "Groupe de parole (volume horaire non renseigné)" in second.uncounted
    assert (third.measures, third.referrals, third.done) == (Decimal(20), Decimal(6), Decimal(26))
    assert not third.short
    assert any("Cariste" in label for label in first.uncounted)


def test_the_contracts_page_shows_planned_and_done_hours(world, client):
    landes, agency, referent, _ = world
    notebook = _followed(world)
    _engagement(world, notebook)
    client.force_login(referent.user)
    page = client.get(reverse("notebook:contracts", args=[notebook.person_id])).content.decode()
    assert "15 h d&#x27;activité par semaine" in page or "15 h d'activité par semaine" in page
    assert "prévues et réalisées par semaine" in page


def test_signing_a_contrat_d_engagement_ends_the_transition_of_a_person_oriented_before_2025(world):
    from jalon.orientation.enums import DelayStep
    from jalon.orientation.models import DelayAlert, Orientation

    notebook = _followed(world, decided_on=datetime.date(2023, 5, 2))
    transition = DelayAlert.objects.create(
        person=notebook.person, step=DelayStep.TRANSITION, due_on=datetime.date(2027, 1, 1)
    )
    contract = _engagement(world, notebook)
    services.contract_sign(
        actor=actor_for(world[2]),
        contract=contract,
        signed_on=datetime.date(2026, 11, 3),
        signed_by_person=True,
        version=None,
    )
    orientation = Orientation.objects.get(person=notebook.person, ended_on=None)
    assert orientation.engagement_signed_on == datetime.date(2026, 11, 3)
    transition.refresh_from_db()
    assert transition.closed_at is not None


def test_a_cer_signed_after_2025_does_not_end_the_transition(world):
    from jalon.orientation.models import Orientation
    from tests.notebook.followup.test_followup import _contract

    notebook = _followed(world, decided_on=datetime.date(2023, 5, 2))
    contract = _contract(world, notebook, datetime.date(2026, 11, 2))
    services.contract_sign(
        actor=actor_for(world[2]),
        contract=contract,
        signed_on=datetime.date(2026, 11, 3),
        signed_by_person=True,
        version=None,
    )
    orientation = Orientation.objects.get(person=notebook.person, ended_on=None)
    assert orientation.contract_signed_on == datetime.date(2026, 11, 3)
    assert orientation.engagement_signed_on is None


def test_an_avenant_revises_the_hours_with_the_reduction_decision_and_keeps_the_before(world, login_as):
    from jalon.notebook.models import ContractAmendment

    notebook = _followed(world)
    referent = world[2]
    contract = _engagement(world, notebook)
    notebook.refresh_from_db()
    url = reverse("notebook:contract_amend", kwargs={"person_pk": notebook.person_id, "pk": contract.pk})
    client = login_as(referent)
    page = client.get(url).content.decode()
    assert "Heures d&#x27;activité par semaine" in page or "Heures d'activité par semaine" in page
    form = {
        "version": notebook.version,
        "ends_on": contract.ends_on.isoformat(),
        "reason": "Santé : reprise progressive",
        "weekly_hours": "8",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200 and "au moins 15 heures" in refused.content.decode()
    assert not ContractAmendment.objects.exists()
    contract.refresh_from_db()
    assert contract.weekly_hours == 15

    response = client.post(url, {**form, "hours_reduction_reason": "sante", "hours_decided_on": "2026-11-10"})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert (contract.weekly_hours, contract.hours_reduction_reason, contract.hours_decided_by) == (
        8,
        "sante",
        referent.user,
    )
    amendment = ContractAmendment.objects.get()
    assert (amendment.previous_weekly_hours, amendment.new_weekly_hours) == (15, 8)
    event = AuditEvent.objects.filter(code=AuditCode.CONTRACT_AMENDED).get()
    assert event.data["old"]["weekly_hours"] == 15 and event.data["new"]["weekly_hours"] == 8
    contracts = client.get(reverse("notebook:contracts", kwargs={"person_pk": notebook.person_id}))
    assert "15 h → 8 h par semaine" in contracts.content.decode()


def test_an_avenant_back_to_fifteen_hours_drops_the_reduction(world):
    notebook = _followed(world)
    referent = world[2]
    contract = _engagement(
        world,
        notebook,
        weekly_hours=10,
        hours_reduction_reason="sante",
        hours_decided_by=referent.user,
        hours_decided_on=datetime.date(2026, 11, 2),
    )
    services.contract_amend(
        actor=actor_for(referent),
        contract=contract,
        ends_on=contract.ends_on,
        objectives=[],
        reason="Santé rétablie",
        weekly_hours=15,
    )
    contract.refresh_from_db()
    assert (contract.weekly_hours, contract.hours_reduction_reason, contract.hours_decided_on) == (15, "", None)
