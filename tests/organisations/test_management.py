import re

import pytest
from django.core import mail
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.organisations.enums import OrganisationKind
from jalon.organisations.models import Invitation, Membership, Organisation
from tests.organisations.factories import InvitationFactory, MembershipFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def cd_admin():
    return MembershipFactory(administrator=True, organisation__conseil_departemental=True)


def test_create_organisation_with_invalid_siret_shows_french_error_and_writes_nothing(login_as, cd_admin):
    client = login_as(cd_admin)
    before = Organisation.objects.count()
    response = client.post(
        reverse("organisations:create"), {"name": "CCAS de Dax", "kind": OrganisationKind.CCAS, "siret": "123"}
    )
    assert response.status_code == 200
    assert "Le SIRET comporte 14 chiffres" in response.content.decode()
    assert Organisation.objects.count() == before
    assert not AuditEvent.objects.filter(code=AuditCode.ORGANISATION_CREATED).exists()


def test_create_and_update_organisation_are_audited(login_as, cd_admin):
    client = login_as(cd_admin)
    response = client.post(
        reverse("organisations:create"),
        {"name": "CCAS de Dax", "kind": OrganisationKind.CCAS, "siret": "21400088000017", "is_active": "on"},
    )
    organisation = Organisation.objects.get(name="CCAS de Dax")
    assert response["Location"] == reverse("organisations:detail", args=[organisation.pk])
    assert organisation.departement == cd_admin.organisation.departement
    created = AuditEvent.objects.get(code=AuditCode.ORGANISATION_CREATED)
    assert created.actor == cd_admin.user and created.subject_id == str(organisation.pk)

    client.post(
        reverse("organisations:update", args=[organisation.pk]),
        {
            "name": "CCAS de la ville de Dax",
            "kind": OrganisationKind.CCAS,
            "siret": "21400088000017",
            "is_active": "on",
        },
    )
    updated = AuditEvent.objects.get(code=AuditCode.ORGANISATION_UPDATED)
    assert updated.data == {"old": {"name": "CCAS de Dax"}, "new": {"name": "CCAS de la ville de Dax"}}


def test_invitation_loop_creates_the_account_and_membership(
    client, login_as, cd_admin, django_capture_on_commit_callbacks
):
    admin_client = login_as(cd_admin)
    organisation = cd_admin.organisation
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("organisations:invite", args=[organisation.pk]),
            {
                "email": "Nouvelle.Referente@exemple.test",
                "first_name": "Léa",
                "last_name": "Martin",
                "role": Role.REFERENT,
            },
        )
    invitation = Invitation.objects.get()
    assert invitation.email == "nouvelle.referente@exemple.test"
    assert AuditEvent.objects.filter(code=AuditCode.INVITATION_SENT, organisation=organisation).exists()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    assert str(invitation.token) in link

    admin_client.post(reverse("accounts:logout"))
    page = client.get(reverse("organisations:invitation_accept", args=[invitation.token]))
    assert "Rejoindre" in page.content.decode()
    mismatch = client.post(
        reverse("organisations:invitation_accept", args=[invitation.token]),
        {"password1": "Un-secret-solide-2026", "password2": "Autre-chose-2026"},
    )
    assert "ne correspondent pas" in mismatch.content.decode()
    assert not Membership.objects.filter(user__email=invitation.email).exists()

    response = client.post(
        reverse("organisations:invitation_accept", args=[invitation.token]),
        {"password1": "Un-secret-solide-2026", "password2": "Un-secret-solide-2026"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email=invitation.email)
    assert membership.role == Role.REFERENT and membership.organisation == organisation
    assert AuditEvent.objects.filter(code=AuditCode.INVITATION_ACCEPTED).exists()
    assert client.get("/").status_code == 200

    # A used invitation cannot be used again.
    again = client.get(reverse("organisations:invitation_accept", args=[invitation.token]))
    assert again.status_code == 410


def test_weak_password_is_refused_in_french(client):
    invitation = InvitationFactory()
    response = client.post(
        reverse("organisations:invitation_accept", args=[invitation.token]),
        {"password1": "123", "password2": "123"},
    )
    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in response.content.decode()
    assert not Membership.objects.exists()


def test_duplicate_invitation_is_refused(login_as, cd_admin):
    client = login_as(cd_admin)
    data = {"email": "a@exemple.test", "first_name": "A", "last_name": "B", "role": Role.REFERENT}
    url = reverse("organisations:invite", args=[cd_admin.organisation.pk])
    client.post(url, data)
    response = client.post(url, data)
    assert "Une invitation est déjà en attente" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_revoke_invitation_and_change_role_and_remove_member(login_as, cd_admin):
    organisation = cd_admin.organisation
    client = login_as(cd_admin)
    invitation = InvitationFactory(organisation=organisation)
    client.post(reverse("organisations:invitation_revoke", args=[organisation.pk, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None

    member = MembershipFactory(organisation=organisation, role=Role.REFERENT)
    client.post(
        reverse("organisations:membership_update", args=[organisation.pk, member.pk]),
        {"role": Role.ORIENTATION_OFFICER},
    )
    member.refresh_from_db()
    assert member.role == Role.ORIENTATION_OFFICER
    change = AuditEvent.objects.get(code=AuditCode.MEMBERSHIP_UPDATED)
    assert change.data == {"old": {"role": Role.REFERENT}, "new": {"role": Role.ORIENTATION_OFFICER}}

    client.post(reverse("organisations:membership_deactivate", args=[organisation.pk, member.pk]))
    member.refresh_from_db()
    assert not member.is_active
    assert AuditEvent.objects.filter(code=AuditCode.MEMBERSHIP_DEACTIVATED).exists()


def test_last_administrator_cannot_be_removed(login_as, cd_admin):
    client = login_as(cd_admin)
    response = client.post(
        reverse("organisations:membership_deactivate", args=[cd_admin.organisation.pk, cd_admin.pk]), follow=True
    )
    assert "dernier administrateur" in response.content.decode()
    cd_admin.refresh_from_db()
    assert cd_admin.is_active


def test_current_organisation_switch(login_as):
    first = MembershipFactory(role=Role.REFERENT, organisation__name="A — Territoire")
    second = MembershipFactory(user=first.user, role=Role.ORIENTATION_OFFICER, organisation__name="B — Plateforme")
    other = MembershipFactory()
    client = login_as(first)
    home = client.get("/").content.decode()
    assert "Vous agissez pour" in home and "Référent de parcours" in home

    client.post(reverse("organisations:switch"), {"membership": second.pk, "next": "/"})
    assert "Chargé d&#x27;orientation" in client.get("/").content.decode()
    assert AuditEvent.objects.filter(code=AuditCode.ORGANISATION_SWITCHED, actor=first.user).exists()

    # Someone else's membership cannot be taken.
    assert client.post(reverse("organisations:switch"), {"membership": other.pk}).status_code == 404


def test_back_office_changes_are_audited(client, cd_admin):
    from tests.accounts.factories import UserFactory

    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    organisation = cd_admin.organisation
    response = client.post(
        reverse("admin:organisations_organisation_change", args=[organisation.pk]),
        {
            "name": "Nouveau nom",
            "kind": organisation.kind,
            "departement": organisation.departement_id,
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": cd_admin.pk,
            "memberships-0-organisation": organisation.pk,
            "memberships-0-user": cd_admin.user_id,
            "memberships-0-role": cd_admin.role,
            "memberships-0-is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(code=AuditCode.ADMIN_OBJECT_CHANGED)
    assert event.actor == superuser and event.subject_id == str(organisation.pk)

    client.post(
        reverse("admin:organisations_invitation_delete", args=[InvitationFactory(organisation=organisation).pk]),
        {"post": "yes"},
    )
    assert AuditEvent.objects.filter(code=AuditCode.ADMIN_OBJECT_DELETED).exists()


def test_every_model_admin_is_audited():
    from django.contrib import admin

    from jalon.core.admin import AuditedAdminMixin

    jalon_admins = [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in {"accounts", "organisations", "territories", "people", "intake"}
    ]
    assert jalon_admins
    for model_admin in jalon_admins:
        assert isinstance(model_admin, AuditedAdminMixin), type(model_admin).__name__
