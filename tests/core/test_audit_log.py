import pytest
from django.urls import reverse

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.core.services import audit_event_record
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import DepartementFactory, RegionFactory


pytestmark = pytest.mark.django_db


def test_audit_record_keeps_actor_subject_ip_and_values(client, django_capture_on_commit_callbacks):
    from jalon.core import request_context

    membership = MembershipFactory()
    token = request_context.set_current(request_context.RequestContext(ip_address="10.1.2.3"))
    try:
        event = audit_event_record(
            code=AuditCode.ORGANISATION_UPDATED,
            actor=membership.user,
            organisation=membership.organisation,
            subject=membership.organisation,
            person_id=42,
            old={"name": "Avant"},
            new={"name": "Après"},
        )
    finally:
        request_context.reset(token)
    event.refresh_from_db()
    assert event.actor_label == membership.user.email
    assert event.subject_type == "organisations.organisation"
    assert event.subject_id == str(membership.organisation.pk)
    assert event.person_id == 42
    assert event.ip_address == "10.1.2.3"
    assert event.data == {"old": {"name": "Avant"}, "new": {"name": "Après"}}


def test_departement_administrator_sees_its_departement_events_only(login_as):
    admin = MembershipFactory(administrator=True, organisation__kind="cd")
    partner = OrganisationFactory(name="Structure du département", departement=admin.organisation.departement)
    other = OrganisationFactory(
        name="Structure voisine",
        departement=DepartementFactory(code="64", name="Pyrénées-Atlantiques", region=RegionFactory()),
    )
    for organisation in (admin.organisation, partner, other):
        audit_event_record(code=AuditCode.ORGANISATION_UPDATED, organisation=organisation, subject=organisation)
    page = login_as(admin).get(reverse("core:audit_log")).content.decode()
    assert admin.organisation.name in page
    assert "Structure du département" in page
    assert "Structure voisine" not in page


def test_a_partner_administrator_has_no_audit_log(login_as):
    # The audit log is the Département's process (decision 0016): a partner's administrator gets the 404 of an
    # unknown URL, even for its own organisation's events.
    admin = MembershipFactory(administrator=True, organisation__kind="association")
    audit_event_record(
        code=AuditCode.ORGANISATION_UPDATED, organisation=admin.organisation, subject=admin.organisation
    )
    response = login_as(admin).get(reverse("core:audit_log"))
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_audit_log_filters_by_code_and_rejects_inverted_dates(login_as):
    admin = MembershipFactory(administrator=True)
    client = login_as(admin)
    audit_event_record(code=AuditCode.INVITATION_SENT, organisation=admin.organisation, subject=admin.organisation)
    audit_event_record(code=AuditCode.MEMBERSHIP_CREATED, organisation=admin.organisation, subject=admin)
    filtered = client.get(reverse("core:audit_log"), {"code": AuditCode.INVITATION_SENT})
    events = list(filtered.context["page_obj"])
    assert [e.code for e in events] == [AuditCode.INVITATION_SENT]
    inverted = client.get(reverse("core:audit_log"), {"start": "2026-02-01", "end": "2026-01-01"})
    assert "La date de début doit précéder la date de fin." in inverted.content.decode()


def test_audit_events_cannot_be_edited_in_the_back_office(client):
    from tests.accounts.factories import UserFactory

    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    event = audit_event_record(code=AuditCode.LOGIN, actor=superuser)
    # Forbidden answers 404 everywhere in Jalon, the back-office included.
    assert client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 404
    assert AuditEvent.objects.filter(pk=event.pk).exists()
