import datetime
import io
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.messaging.models import Message
from jalon.notebook.enums import ContactKind, WorkStatus
from jalon.notebook.followup import selectors, services
from jalon.notebook.models import (
    AccompanimentRule,
    Action,
    Appointment,
    Contact,
    Contract,
    ContractType,
    Notebook,
    Objective,
)
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Dispositif, Orientation, ReferentAssignment
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import PersonFactory
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def world():
    landes = DepartementFactory()
    agency = OrganisationFactory(name="France Travail Dax", kind="france_travail", departement=landes)
    referent = MembershipFactory(
        role=Role.REFERENT, organisation=agency, user__first_name="Léa", user__last_name="Roux"
    )
    dispositif = Dispositif.objects.create(
        departement=landes, name="Accompagnement pro", orientation_type=OrientationType.PROFESSIONAL
    )
    services.contract_types_default_create(departement=landes)
    return landes, agency, referent, dispositif


def _followed(world, *, decided_on=datetime.date(2026, 9, 1), **person):
    landes, agency, referent, dispositif = world
    person = PersonFactory(departement=landes, email="personne@exemple.test", **person)
    Orientation.objects.create(
        person=person,
        orientation_type=OrientationType.PROFESSIONAL,
        dispositif=dispositif,
        organisation=agency,
        referent=referent.user,
        decided_on=decided_on,
    )
    ReferentAssignment.objects.create(
        person=person, referent=referent.user, organisation=agency, started_on=decided_on
    )
    return Notebook.objects.create(person=person)


def _cer(landes):
    return ContractType.objects.get(departement=landes, code="cer")


def _contract(world, notebook, starts_on, ends_on=None, **extra):
    landes, agency, referent, _ = world
    notebook.refresh_from_db()
    return services.contract_create(
        actor=actor_for(referent),
        notebook=notebook,
        version=notebook.version,
        contract_type=_cer(landes),
        starts_on=starts_on,
        ends_on=ends_on,
        organisation=agency,
        **extra,
    )


# --- contract types and contracts -------------------------------------------------------------------------------


def test_default_contract_types_are_created_once(world):
    landes = world[0]
    assert services.contract_types_default_create(departement=landes) == []
    types = {t.code: t.usual_months for t in ContractType.objects.filter(departement=landes)}
    assert types == {"cer": 6, "ppae": 12, "cej": 12, "ce": 12}


def test_a_contract_without_end_takes_the_usual_length(world):
    notebook = _followed(world)
    contract = _contract(world, notebook, datetime.date(2026, 12, 1))
    assert contract.ends_on == datetime.date(2027, 5, 31)
    event = AuditEvent.objects.get(code=AuditCode.CONTRACT_CREATED)
    assert event.person_id == notebook.person_id


def test_contract_refusals_write_nothing(world):
    notebook = _followed(world)
    first = _contract(world, notebook, datetime.date(2026, 12, 1), datetime.date(2027, 5, 31))
    with pytest.raises(ValidationError, match="postérieure à sa date de début"):
        _contract(world, notebook, datetime.date(2027, 9, 1), datetime.date(2027, 8, 1))
    with pytest.raises(ValidationError, match=re.escape(f"chevauche le {first}")):
        _contract(world, notebook, datetime.date(2027, 5, 1), datetime.date(2027, 10, 31))
    assert Contract.objects.count() == 1
    assert AuditEvent.objects.filter(code=AuditCode.CONTRACT_CREATED).count() == 1
    # A stale form (older version) is refused too.
    with pytest.raises(ValidationError, match="modifié par quelqu'un d'autre"):
        services.contract_create(
            actor=actor_for(world[2]),
            notebook=notebook,
            version=1,
            contract_type=_cer(world[0]),
            starts_on=datetime.date(2027, 6, 1),
            ends_on=None,
            organisation=world[1],
        )
    assert Contract.objects.count() == 1


def test_signing_fills_the_orientation_once_and_refuses_a_second_signature(world):
    notebook = _followed(world)
    contract = _contract(world, notebook, datetime.date(2026, 11, 1))
    actor = actor_for(world[2])
    with pytest.raises(ValidationError, match="futur"):
        services.contract_sign(
            actor=actor, contract=contract, signed_on=TODAY + datetime.timedelta(days=1), signed_by_person=True
        )
    services.contract_sign(actor=actor, contract=contract, signed_on=datetime.date(2026, 11, 5), signed_by_person=True)
    orientation = Orientation.objects.get(person=notebook.person)
    assert orientation.contract_signed_on == datetime.date(2026, 11, 5)
    with pytest.raises(ValidationError, match="déjà signé depuis le 05/11/2026"):
        services.contract_sign(actor=actor, contract=contract, signed_on=TODAY, signed_by_person=True)
    assert AuditEvent.objects.filter(code=AuditCode.CONTRACT_SIGNED).count() == 1


def test_the_contract_pdf_holds_identity_dates_objectives_and_the_law(world, login_as):
    notebook = _followed(world, first_name="Inès", last_name="Darrigade", birth_date=datetime.date(1985, 3, 4))
    objective = Objective.objects.create(
        notebook=notebook, title="Passer le permis B", due_on=datetime.date(2027, 3, 1)
    )
    Action.objects.create(objective=objective, title="Inscription auto-école solidaire")
    contract = _contract(world, notebook, datetime.date(2026, 12, 1), objectives=[objective])
    response = login_as(world[2]).get(reverse("notebook:contract_pdf", args=[notebook.person_id, contract.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    for expected in (
        "Contrat d'engagement réciproque (CER)",
        "Inès DARRIGADE",
        "04/03/1985",
        "Du 1er décembre 2026 au 31 mai 2027",
        "Passer le permis B",
        "Inscription auto-école solidaire",
        "L262-28",
        "L262-35",
        "Léa Roux",
        "La personne",
    ):
        assert expected in text, expected
    assert AuditEvent.objects.filter(code=AuditCode.CONTRACT_PDF_DOWNLOADED, person_id=notebook.person_id).exists()


def test_contract_renewal_lists_contracts_ending_within_the_notice(world):
    notebook = _followed(world)
    ending = _contract(world, notebook, datetime.date(2026, 6, 20), datetime.date(2026, 12, 20))  # 30 days ahead
    other = _followed(world)
    _contract(world, other, datetime.date(2026, 6, 21), datetime.date(2026, 12, 21))  # 31 days ahead
    assert list(selectors.contracts_to_renew(actor=actor_for(world[2]))) == [ending]
    _contract(world, notebook, datetime.date(2026, 12, 21))  # renewed: no longer listed
    assert list(selectors.contracts_to_renew(actor=actor_for(world[2]))) == []


def test_the_daily_run_reminds_each_contract_once_on_the_day_it_enters_the_notice(
    world, django_capture_on_commit_callbacks
):
    landes, agency, referent, _ = world
    notebook = _followed(world)
    contract = _contract(world, notebook, datetime.date(2026, 6, 21), datetime.date(2026, 12, 21))  # 31 days ahead
    # Without a référent, whoever signed the contract for the structure hears of it.
    signer = MembershipFactory(role=Role.REFERENT, organisation=agency)
    orphan = _followed(world)
    ReferentAssignment.objects.filter(person=orphan.person).update(ended_on=datetime.date(2026, 10, 1))
    orphan_contract = _contract(world, orphan, datetime.date(2026, 6, 25), datetime.date(2026, 12, 25))
    Contract.objects.filter(pk=orphan_contract.pk).update(signed_by=signer.user)
    mail.outbox.clear()

    assert services.contract_renewals_remind() == {"reminded": 0, "notified": 0}
    assert mail.outbox == []
    with (
        time_machine.travel(datetime.datetime(2026, 11, 21, 6, 0, tzinfo=datetime.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.contract_renewals_remind() == {"reminded": 1, "notified": 1}
        assert services.contract_renewals_remind() == {"reminded": 0, "notified": 0}
    contract.refresh_from_db()
    assert contract.renewal_reminded_on == datetime.date(2026, 11, 21)
    [message] = mail.outbox
    assert message.to == [referent.user.email]
    assert message.subject == "Jalon — 1 contrat d'engagement à renouveler"
    assert "/carnets/tableau-de-bord/" in message.body
    assert notebook.person.last_name not in message.body  # counts only, never a name

    with (
        time_machine.travel(datetime.datetime(2026, 11, 25, 6, 0, tzinfo=datetime.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("notebook_daily", stdout=io.StringIO())
    orphan_contract.refresh_from_db()
    assert orphan_contract.renewal_reminded_on == datetime.date(2026, 11, 25)
    assert mail.outbox[-1].to == [signer.user.email]
    assert len(mail.outbox) == 2


def test_the_daily_command_replays_a_day_and_refuses_a_bad_date(world):
    notebook = _followed(world)
    contract = _contract(world, notebook, datetime.date(2026, 6, 21), datetime.date(2026, 12, 21))
    out = io.StringIO()
    call_command("notebook_daily", "--date", "2026-11-21", stdout=out)
    assert out.getvalue().strip() == "21/11/2026 : 1 contrat(s) à renouveler signalé(s) à 1 référent(s)."
    contract.refresh_from_db()
    assert contract.renewal_reminded_on == datetime.date(2026, 11, 21)
    with pytest.raises(CommandError, match="Date invalide : 21/11/2026"):
        call_command("notebook_daily", "--date", "21/11/2026")


# --- appointments -----------------------------------------------------------------------------------------------


def _plan(world, notebook, hours=24, channels=("email",)):
    start = timezone.now() + datetime.timedelta(hours=hours)
    return services.appointment_plan(
        actor=actor_for(world[2]),
        notebook=notebook,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        mode="sur_place",
        place="12 rue des Arènes, Dax",
        purpose="Point sur le projet",
        channels=channels,
    )


def test_planning_sends_the_invitation_and_reports_what_cannot_be_sent(world):
    notebook = _followed(world)
    outcome = _plan(world, notebook, channels=("email", "sms"))
    assert len(mail.outbox) == 1 and "12 rue des Arènes" in mail.outbox[0].body
    assert Message.objects.filter(person=notebook.person).count() == 1
    assert [channel for channel, _ in outcome.undelivered] == ["SMS"]
    assert Appointment.objects.filter(pk=outcome.appointment.pk).exists()


def test_an_overlapping_appointment_for_the_professional_is_refused(world):
    notebook = _followed(world)
    _plan(world, notebook)
    with pytest.raises(ValidationError, match="chevauchent"):
        _plan(world, _followed(world), hours=24.5)
    assert Appointment.objects.count() == 1 and len(mail.outbox) == 1


def test_attendance_is_recorded_once_and_fills_the_first_appointment(world):
    notebook = _followed(world)
    appointment = _plan(world, notebook).appointment
    actor = actor_for(world[2])
    with pytest.raises(ValidationError, match="pas encore eu lieu"):
        services.appointment_attendance(actor=actor, appointment=appointment, attendance="present")
    with time_machine.travel(datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC), tick=False):
        services.appointment_attendance(actor=actor, appointment=appointment, attendance="present")
        with pytest.raises(ValidationError, match="déjà enregistrée"):
            services.appointment_attendance(actor=actor, appointment=appointment, attendance="absent")
    appointment.refresh_from_db()
    assert appointment.attendance == "present"
    assert Orientation.objects.get(person=notebook.person).first_appointment_on == datetime.date(2026, 11, 21)
    assert AuditEvent.objects.filter(code=AuditCode.APPOINTMENT_ATTENDANCE).count() == 1


def test_a_cancelled_appointment_takes_no_attendance(world):
    notebook = _followed(world)
    appointment = _plan(world, notebook).appointment
    services.appointment_cancel(actor=actor_for(world[2]), appointment=appointment)
    with pytest.raises(ValidationError, match="déjà annulé"):
        services.appointment_cancel(actor=actor_for(world[2]), appointment=appointment)
    with pytest.raises(ValidationError, match="annulé"):
        services.appointment_attendance(actor=actor_for(world[2]), appointment=appointment, attendance="absent")


# --- contacts and perdus de vue -----------------------------------------------------------------------------------


def test_contacts_move_the_last_contact_forward_and_refuse_bad_input(world):
    notebook = _followed(world)
    actor = actor_for(world[2])
    with pytest.raises(ValidationError, match="futur"):
        services.contact_record(
            actor=actor,
            notebook=notebook,
            occurred_on=TODAY + datetime.timedelta(days=1),
            kind=ContactKind.PHONE,
            summary="Appel",
        )
    with pytest.raises(ValidationError, match="Résumez"):
        services.contact_record(actor=actor, notebook=notebook, occurred_on=TODAY, kind=ContactKind.PHONE, summary=" ")
    assert not Contact.objects.exists()
    services.contact_record(actor=actor, notebook=notebook, occurred_on=TODAY, kind=ContactKind.PHONE, summary="Appel")
    services.contact_record(
        actor=actor,
        notebook=notebook,
        occurred_on=datetime.date(2026, 10, 1),
        kind=ContactKind.OFFICE,
        summary="Saisi en retard",
    )
    notebook.refresh_from_db()
    assert notebook.last_contact_on == TODAY
    assert AuditEvent.objects.filter(code=AuditCode.CONTACT_RECORDED, person_id=notebook.person_id).count() == 2


def test_lost_from_view_follows_the_rule_to_the_day(world):
    dispositif = world[3]
    AccompanimentRule.objects.create(dispositif=dispositif, max_weeks_between_contacts=4)
    notebook = _followed(world, decided_on=datetime.date(2026, 9, 1))
    services.contact_record(
        actor=actor_for(world[2]),
        notebook=notebook,
        occurred_on=datetime.date(2026, 11, 2),
        kind=ContactKind.PHONE,
        summary="Appel",
    )
    actor = actor_for(world[2])
    # 28 days after the contact: still within the rule; the day after: lost, 1 day over.
    assert selectors.lost_from_view(actor=actor, today=datetime.date(2026, 11, 30)) == []
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC), tick=False):
        [lost] = selectors.lost_from_view(actor=actor)
    assert lost.person == notebook.person and lost.days_over == 1 and lost.max_weeks == 4


def test_without_a_rule_or_contact_the_orientation_counts_with_eight_weeks(world):
    notebook = _followed(world, decided_on=datetime.date(2026, 9, 1))
    actor = actor_for(world[2])
    assert selectors.lost_from_view(actor=actor, today=datetime.date(2026, 10, 27)) == []  # 56 days
    [lost] = selectors.lost_from_view(actor=actor, today=datetime.date(2026, 10, 28))
    assert lost.person == notebook.person and lost.last_contact_on is None and lost.days_over == 1


def test_lost_from_view_is_scoped_to_the_caseload_and_the_manager(world):
    landes, agency, referent, _ = world
    notebook = _followed(world, decided_on=datetime.date(2026, 1, 1))
    colleague = MembershipFactory(role=Role.REFERENT, organisation=agency)
    manager = MembershipFactory(role=Role.TERRITORY_MANAGER, organisation=agency)
    outsider = MembershipFactory(
        role=Role.TERRITORY_MANAGER, organisation__kind="association", organisation__departement=landes
    )
    assert [row.person for row in selectors.lost_from_view(actor=actor_for(referent))] == [notebook.person]
    assert selectors.lost_from_view(actor=actor_for(colleague)) == []
    assert [row.person for row in selectors.lost_from_view(actor=actor_for(manager))] == [notebook.person]
    assert selectors.lost_from_view(actor=actor_for(outsider)) == []


def _fill(world, count):
    for index in range(count):
        notebook = _followed(world, decided_on=datetime.date(2026, 11, 1) - datetime.timedelta(days=100 * (index % 2)))
        Objective.objects.create(
            notebook=notebook, title="Objectif", status=WorkStatus.IN_PROGRESS, due_on=datetime.date(2026, 10, 1)
        )
        _plan(world, notebook, hours=24 + 2 * len(mail.outbox))
        _contract(world, notebook, datetime.date(2026, 6, 1), datetime.date(2026, 12, 1))


def test_the_dashboard_lists_everything_in_constant_queries(world, login_as, django_assert_max_num_queries):
    _fill(world, 2)
    client = login_as(world[2])
    with django_assert_max_num_queries(20) as small:
        response = client.get(reverse("notebook:caseload"))
    page = response.content.decode()
    assert "Perdus de vue" in page and "Objectifs en retard" in page
    dashboard = response.context["dashboard"]
    assert (len(dashboard.upcoming), len(dashboard.overdue_objectives), len(dashboard.to_renew)) == (2, 2, 2)
    assert len(dashboard.lost) == 1 and len(dashboard.new_people) == 1
    _fill(world, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("notebook:caseload"))
    assert len(response.context["dashboard"].upcoming) == 10


# --- screens ----------------------------------------------------------------------------------------------------


def test_an_outsider_gets_a_404_on_every_page(world, login_as):
    notebook = _followed(world)
    contract = _contract(world, notebook, datetime.date(2026, 12, 1))
    outsider = MembershipFactory(role=Role.REFERENT, organisation__departement=world[0])
    client = login_as(outsider)
    pk = notebook.person_id
    for url in (
        reverse("notebook:contracts", args=[pk]),
        reverse("notebook:contract_pdf", args=[pk, contract.pk]),
        reverse("notebook:contract_sign", args=[pk, contract.pk]),
        reverse("notebook:appointments", args=[pk]),
        reverse("notebook:contacts", args=[pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("notebook:contacts", args=[pk]), {}).status_code == 404


def test_the_referent_logs_a_contact_and_signs_a_contract_on_screen(world, login_as):
    notebook = _followed(world)
    client = login_as(world[2])
    pk = notebook.person_id
    page = client.get(reverse("notebook:contacts", args=[pk]))
    assert page.status_code == 200
    assert AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED, person_id=pk).exists()
    response = client.post(
        reverse("notebook:contacts", args=[pk]),
        {"version": notebook.version, "occurred_on": "2026-11-19", "kind": "telephone", "summary": "Point"},
    )
    assert response.status_code == 302
    notebook.refresh_from_db()
    response = client.post(
        reverse("notebook:contracts", args=[pk]),
        {"version": notebook.version, "contract_type": _cer(world[0]).pk, "starts_on": "2026-11-20"},
    )
    assert response.status_code == 302
    contract = Contract.objects.get()
    notebook.refresh_from_db()
    # A stale version is refused with the French message, nothing written.
    stale = client.post(
        reverse("notebook:contract_sign", args=[pk, contract.pk]),
        {"version": notebook.version - 1, "signed_on": "2026-11-20", "signed_by_person": "on"},
    )
    assert "modifié par quelqu&#x27;un d&#x27;autre" in stale.content.decode()
    response = client.post(
        reverse("notebook:contract_sign", args=[pk, contract.pk]),
        {"version": notebook.version, "signed_on": "2026-11-20", "signed_by_person": "on"},
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.signed_on == TODAY


def test_the_appointments_page_plans_with_a_warning_for_missing_channels(world, login_as):
    notebook = _followed(world)
    client = login_as(world[2])
    response = client.post(
        reverse("notebook:appointments", args=[notebook.person_id]),
        {
            "version": notebook.version,
            "starts_at": "2026-11-25T10:00",
            "ends_at": "2026-11-25T11:00",
            "mode": "sur_place",
            "place": "Agence",
            "channels": ["email", "sms"],
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Invitation par SMS non envoyée" in page
    assert Appointment.objects.filter(notebook=notebook).count() == 1


def test_the_demo_step_is_idempotent(world):
    from types import SimpleNamespace

    from jalon.notebook.followup import demo

    ctx = SimpleNamespace(departement=world[0], log=lambda _: None)
    demo.build(ctx)
    demo.build(ctx)
    assert AccompanimentRule.objects.get(dispositif=world[3]).max_weeks_between_contacts == 4
    assert ContractType.objects.filter(departement=world[0]).count() == 4


def test_a_contract_to_renew_reaches_the_referents_inbox_once(world):
    from jalon.inbox.models import Notification

    landes, agency, referent, _ = world
    notebook = _followed(world)
    _contract(world, notebook, datetime.date(2026, 6, 21), datetime.date(2026, 12, 21))
    with time_machine.travel(datetime.datetime(2026, 11, 21, 6, 0, tzinfo=datetime.UTC), tick=False):
        services.contract_renewals_remind(notify=False)
        services.contract_renewals_remind(notify=False)
    [notification] = Notification.objects.all()
    assert notification.recipient == referent.user and notification.organisation == agency
    assert notification.kind == "contrat_a_renouveler" and "21/12/2026" in notification.title
    assert notification.url == f"/carnets/{notebook.person_id}/"
