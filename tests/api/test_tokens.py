"""Partners' API tokens: issued on the administrators' screen, hashed, scoped, expiring, revocable, audited."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.http import Http404
from django.utils import timezone
from rest_framework.test import APIClient

from jalon.api import services
from jalon.api.enums import TokenScope
from jalon.api.models import ApiToken, key_hash
from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.organisations.enums import OrganisationKind
from tests.api.factories import api_token_for
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db

PERSONS = "/api/v1/personnes/"
DECISIONS = "/api/v1/orientation/decisions/"


@pytest.fixture
def departement():
    return DepartementFactory()


@pytest.fixture
def cd_admin(departement):
    return MembershipFactory(
        role=Role.ADMINISTRATOR, organisation__conseil_departemental=True, organisation__departement=departement
    )


@pytest.fixture
def officer(cd_admin):
    return MembershipFactory(role=Role.ORIENTATION_OFFICER, organisation=cd_admin.organisation)


@pytest.fixture
def siae(departement):
    return OrganisationFactory(kind=OrganisationKind.SIAE, departement=departement)


@pytest.fixture
def siae_admin(siae):
    return MembershipFactory(role=Role.ADMINISTRATOR, organisation=siae)


def _bearer(key: str) -> APIClient:
    client = APIClient(REMOTE_ADDR="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def _issue_form(membership, **overrides):
    return {
        "name": "Logiciel de suivi",
        "membership": membership.pk,
        "scope": TokenScope.READ,
        "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        **overrides,
    }


def test_the_departements_administrator_issues_a_token_shown_once_and_stored_hashed(login_as, cd_admin, officer):
    page = login_as(cd_admin).post(f"/jetons-api/structures/{officer.organisation_id}/nouveau/", _issue_form(officer))
    assert page.status_code == 200
    token = ApiToken.objects.get()
    key = page.context["key"]
    assert key in page.content.decode() and "ne sera plus jamais affiché" in page.content.decode()
    assert token.key_hash == key_hash(key) and key not in str(ApiToken.objects.values().get())
    assert token.membership == officer and token.scope == TokenScope.READ and token.created_by == cd_admin.user
    event = AuditEvent.objects.get(code=AuditCode.API_TOKEN_ISSUED)
    assert event.actor == cd_admin.user and event.organisation == officer.organisation
    assert event.data["new"]["scope"] == "lecture" and key not in str(event.data)
    # The list shows it, never its secret.
    listing = login_as(cd_admin).get("/jetons-api/").content.decode()
    assert "Logiciel de suivi" in listing and token.key_start in listing and key not in listing


def test_the_departements_administrator_issues_for_a_partner_organisation_of_its_departement(login_as, cd_admin, siae):
    member = MembershipFactory(role=Role.PARTNER, organisation=siae)
    start = login_as(cd_admin).get("/jetons-api/nouveau/", {"structure": siae.pk})
    assert start.status_code == 302 and start["Location"] == f"/jetons-api/structures/{siae.pk}/nouveau/"
    page = login_as(cd_admin).post(start["Location"], _issue_form(member))
    assert page.status_code == 200 and ApiToken.objects.get().membership == member
    elsewhere = OrganisationFactory(departement=DepartementFactory(code="64", name="Pyrénées-Atlantiques"))
    assert login_as(cd_admin).get(f"/jetons-api/structures/{elsewhere.pk}/nouveau/").status_code == 404


def test_a_partners_administrator_issues_only_for_its_own_organisation(login_as, siae_admin, officer):
    own_member = MembershipFactory(role=Role.PARTNER, organisation=siae_admin.organisation)
    client = login_as(siae_admin)
    assert client.get(f"/jetons-api/structures/{officer.organisation_id}/nouveau/").status_code == 404
    posted = client.post(f"/jetons-api/structures/{officer.organisation_id}/nouveau/", _issue_form(officer))
    assert posted.status_code == 404
    assert client.get("/jetons-api/nouveau/", {"structure": officer.organisation_id}).status_code == 404
    # A member of another organisation slipped into its own form is not a choice.
    foreign = client.post(f"/jetons-api/structures/{siae_admin.organisation_id}/nouveau/", _issue_form(officer))
    assert foreign.status_code == 200 and "Sélectionnez un choix valide" in foreign.content.decode()
    assert not ApiToken.objects.exists()
    own = client.post(f"/jetons-api/structures/{siae_admin.organisation_id}/nouveau/", _issue_form(own_member))
    assert own.status_code == 200 and ApiToken.objects.get().membership == own_member
    # Its list and revocations stop at its organisation too.
    other_token, _ = api_token_for(officer)
    assert officer.user.email not in client.get("/jetons-api/").content.decode()
    assert client.post(f"/jetons-api/{other_token.pk}/revoquer/").status_code == 404
    other_token.refresh_from_db()
    assert other_token.revoked_at is None


def test_the_service_refuses_an_organisation_the_actor_does_not_manage(siae_admin, officer):
    with pytest.raises(Http404):
        services.api_token_issue(
            actor=actor_for(siae_admin),
            membership=officer,
            name="Intrus",
            scope=TokenScope.READ_WRITE,
            expires_on=timezone.localdate() + timedelta(days=10),
        )
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("days", "message"),
    [(0, "postérieure à aujourd&#x27;hui"), (-3, "postérieure à aujourd&#x27;hui"), (366, "au plus un an")],
)
def test_the_expiry_is_required_in_the_future_and_at_most_a_year_away(login_as, cd_admin, officer, days, message):
    expires_on = (timezone.localdate() + timedelta(days=days)).isoformat()
    page = login_as(cd_admin).post(
        f"/jetons-api/structures/{officer.organisation_id}/nouveau/", _issue_form(officer, expires_on=expires_on)
    )
    assert page.status_code == 200 and message in page.content.decode()
    assert not ApiToken.objects.exists() and not AuditEvent.objects.filter(code=AuditCode.API_TOKEN_ISSUED).exists()
    no_date = login_as(cd_admin).post(
        f"/jetons-api/structures/{officer.organisation_id}/nouveau/", _issue_form(officer, expires_on="")
    )
    assert no_date.status_code == 200 and not ApiToken.objects.exists()


def test_a_year_away_is_accepted(cd_admin, officer):
    token, _ = services.api_token_issue(
        actor=actor_for(cd_admin),
        membership=officer,
        name="Un an",
        scope=TokenScope.READ,
        expires_on=timezone.localdate() + timedelta(days=365),
    )
    assert token.is_usable


def test_a_token_acts_as_its_membership(officer):
    _, key = api_token_for(officer)
    assert _bearer(key).get(PERSONS).status_code == 200
    # The same account in a partner organisation: the token for that membership sees what a partner sees.
    partner = MembershipFactory(user=officer.user, role=Role.PARTNER)
    _, partner_key = api_token_for(partner)
    assert _bearer(partner_key).get(PERSONS).status_code == 404


def test_a_read_only_token_reads_but_never_writes(officer):
    _, read_key = api_token_for(officer, scope=TokenScope.READ)
    assert _bearer(read_key).get(PERSONS).status_code == 200
    refused = _bearer(read_key).post(DECISIONS, {}, format="json")
    assert refused.status_code == 403 and "lecture" in refused.json()["detail"]
    # The same call with a read-write token reaches the endpoint (which then refuses the empty decision).
    _, write_key = api_token_for(officer, scope=TokenScope.READ_WRITE)
    assert _bearer(write_key).post(DECISIONS, {}, format="json").status_code == 400


def test_an_expired_token_gets_401(officer):
    _, today_key = api_token_for(officer, expires_on=timezone.localdate())
    assert _bearer(today_key).get(PERSONS).status_code == 200  # valid through its last day
    _, key = api_token_for(officer, expires_on=timezone.localdate() - timedelta(days=1))
    response = _bearer(key).get(PERSONS)
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    assert "expiré" in response.json()["detail"]


def test_unknown_or_missing_tokens_get_401(officer):
    assert _bearer("jalon_nimporte-quoi").get(PERSONS).status_code == 401
    assert APIClient().get(PERSONS).status_code == 401


def test_a_token_of_a_removed_member_gets_401(officer):
    _, key = api_token_for(officer)
    officer.is_active = False
    officer.save()
    assert _bearer(key).get(PERSONS).status_code == 401


def test_revocation_on_the_screen_stops_the_token_at_once_and_is_audited(login_as, cd_admin, officer):
    token, key = api_token_for(officer)
    assert _bearer(key).get(PERSONS).status_code == 200
    response = login_as(cd_admin).post(f"/jetons-api/{token.pk}/revoquer/", follow=True)
    assert "est révoqué" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == cd_admin.user
    assert _bearer(key).get(PERSONS).status_code == 401
    event = AuditEvent.objects.get(code=AuditCode.API_TOKEN_REVOKED)
    assert event.actor == cd_admin.user and event.subject_id == str(token.pk)
    again = login_as(cd_admin).post(f"/jetons-api/{token.pk}/revoquer/", follow=True)
    assert "déjà révoqué" in again.content.decode()
    assert AuditEvent.objects.filter(code=AuditCode.API_TOKEN_REVOKED).count() == 1


def test_last_use_is_written_at_most_once_a_minute(officer):
    token, key = api_token_for(officer)
    assert token.last_used_at is None
    _bearer(key).get(PERSONS)
    token.refresh_from_db()
    assert token.last_used_at is not None
    recent = timezone.now() - timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    _bearer(key).get(PERSONS)
    token.refresh_from_db()
    assert token.last_used_at == recent
    old = timezone.now() - timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=old)
    _bearer(key).get(PERSONS)
    token.refresh_from_db()
    assert token.last_used_at > old


def test_the_earlier_token_header_is_still_accepted(officer):
    _, key = api_token_for(officer)
    client = APIClient(REMOTE_ADDR="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(PERSONS).status_code == 200


def test_back_office_tokens_are_converted_and_their_clear_secrets_deleted(officer):
    migration = importlib.import_module("jalon.api.migrations.0002_legacy_drf_tokens")
    legacy_key = "0123456789abcdef0123456789abcdef01234567"
    stranger = MembershipFactory(is_active=False)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamptz, user_id bigint)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, now(), %s), (%s, now(), %s)",
            [legacy_key, officer.user_id, "f" * 40, stranger.user_id],
        )
    with connection.schema_editor() as schema_editor:
        migration.convert_legacy_tokens(django_apps, schema_editor)
    token = ApiToken.objects.get()
    assert token.membership == officer and token.scope == TokenScope.READ_WRITE
    assert token.key_hash == key_hash(legacy_key)
    assert timezone.localdate() < token.expires_on <= timezone.localdate() + timedelta(days=365)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
    client = APIClient(REMOTE_ADDR="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Token {legacy_key}")
    assert client.get(PERSONS).status_code == 200


def test_the_administrators_navigation_leads_to_the_tokens(login_as, cd_admin, siae_admin, officer):
    assert "/jetons-api/" in login_as(cd_admin).get("/").content.decode()
    assert "/jetons-api/" in login_as(siae_admin).get("/").content.decode()
    assert "/jetons-api/" not in login_as(officer).get("/").content.decode()
    assert login_as(officer).get("/jetons-api/").status_code == 404
