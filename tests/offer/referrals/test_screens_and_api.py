"""The referral screens, the secure answer page and the API: scoping (404), audited reads, constant queries."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.offer.referrals import services
from jalon.offer.referrals.models import Referral, ReferralEvent, ReferralStatus
from tests.offer.factories import ServiceFactory


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _send(world, service=None):
    world.notebook.refresh_from_db()
    return services.referral_send(
        actor=world.sender,
        notebook=world.notebook,
        version=world.notebook.version,
        service=service or world.service,
        message="Madame souhaite passer le permis B.",
        shared_information="Disponible le matin.",
        consent_given=True,
    )


def _viewed(person_pk) -> int:
    return AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED, person_id=person_pk).count()


def _without_tokens(content: bytes) -> bytes:
    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
    return re.sub(rb'nonce="[^"]+"', b"", content)


# --- sending from the carnet ------------------------------------------------------------------------------------


def test_the_carnet_page_lists_the_open_referrals_and_counts_the_closed(world, login_as):
    client = login_as(world.referent)
    carnet_url = reverse("notebook:detail", args=[world.person.pk])
    assert "Aucune orientation vers un service en cours." in client.get(carnet_url).content.decode()
    open_referral = _send(world)
    closed = _send(world, world.external_service)
    services.referral_withdraw(actor=world.sender, referral=closed)

    content = client.get(carnet_url).content.decode()

    section = content.split('id="orientations-offre"', 1)[1].split('id="projets"', 1)[0]
    assert reverse("offer:referral_detail", args=[open_referral.pk]) in section
    assert "Atelier permis de conduire" in section and "envoyée" in section
    assert reverse("offer:referral_detail", args=[closed.pk]) not in section
    assert "1 orientation terminée, refusée, abandonnée ou retirée" in section


def test_the_referent_sends_from_the_carnet_with_a_preselected_service(world, login_as):
    client = login_as(world.referent)
    url = reverse("offer:referral_create", args=[world.person.pk])
    page = client.get(url, {"service": world.external_service.pk})
    assert page.status_code == 200
    assert f'<option value="{world.external_service.pk}" selected' in page.content.decode()
    assert _viewed(world.person.pk) == 1
    carnet = client.get(reverse("notebook:detail", args=[world.person.pk])).content.decode()
    assert url in carnet and "Orienter vers un service" in carnet
    # Without the consent: the French refusal on the form, nothing written.
    data = {"version": 1, "service": world.service.pk, "message": "Bonjour", "shared_information": ""}
    refused = client.post(url, data)
    assert refused.status_code == 200 and "sans son consentement" in refused.content.decode()
    assert not Referral.objects.exists()
    sent = client.post(url, {**data, "consent_given": "on"})
    assert sent.status_code == 302 and sent.url == reverse("offer:notebook_referrals", args=[world.person.pk])
    assert Referral.objects.get().service == world.service
    listing = client.get(sent.url).content.decode()
    assert "Atelier permis de conduire" in listing and "envoyée" in listing


def test_a_carnet_out_of_reach_answers_404(world, login_as):
    client = login_as(world.outsider)
    assert client.get(reverse("offer:referral_create", args=[world.person.pk])).status_code == 404
    assert client.get(reverse("offer:notebook_referrals", args=[world.person.pk])).status_code == 404
    assert not AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED).exists()


# --- the structure's side ---------------------------------------------------------------------------------------


def test_the_member_answers_from_the_inbox_and_the_detail(world, login_as):
    referral = _send(world)
    client = login_as(world.member)
    inbox = client.get(reverse("offer:referrals_received")).content.decode()
    assert f"n° {referral.pk}" in inbox and "France Travail Mont-de-Marsan" in inbox
    assert "Dupuis" not in inbox.upper().title() and "DUPUIS" not in inbox  # no names on lists
    assert _viewed(world.person.pk) == 0
    detail_url = reverse("offer:referral_detail", args=[referral.pk])
    detail = client.get(detail_url).content.decode()
    assert "DUPUIS Camille" in detail and "Disponible le matin." in detail and "2840140192123" not in detail
    assert 'data-testid="action-accept"' in detail and 'data-testid="action-start"' not in detail
    assert _viewed(world.person.pk) == 1
    # Skipping a step: the French refusal, nothing written.
    skipped = client.post(reverse("offer:referral_action", args=[referral.pk, "complete"]))
    assert skipped.status_code == 200 and "n&#x27;a pas commencé" in skipped.content.decode()
    assert Referral.objects.get().status == ReferralStatus.SENT
    for action in ("accept", "start"):
        assert client.post(reverse("offer:referral_action", args=[referral.pk, action])).status_code == 302
    done = client.post(
        reverse("offer:referral_action", args=[referral.pk, "abandon"]),
        {"abandon-reason": "non_venue", "abandon-reason_details": ""},
        follow=True,
    )
    assert "abandonnée" in done.content.decode()
    assert Referral.objects.get().status == ReferralStatus.ABANDONED
    history = done.content.decode()
    assert "commencée → abandonnée" in history and "personne non venue" in history
    filtered = client.get(reverse("offer:referrals_received"), {"status": "envoyee"}).content.decode()
    assert "Aucune orientation." in filtered


@pytest.mark.parametrize("case", ["outsider", "unknown"])
def test_another_organisation_gets_the_same_404(world, login_as, case):
    referral = _send(world)
    client = login_as(world.outsider)
    known = client.get(reverse("offer:referral_detail", args=[referral.pk]))
    unknown = client.get(reverse("offer:referral_detail", args=[999_999]))
    assert known.status_code == unknown.status_code == 404
    assert _without_tokens(known.content) == _without_tokens(unknown.content)
    before = ReferralEvent.objects.count()
    pk = referral.pk if case == "outsider" else 999_999
    assert client.post(reverse("offer:referral_action", args=[pk, "accept"])).status_code == 404
    assert ReferralEvent.objects.count() == before
    assert f"n° {referral.pk}" not in client.get(reverse("offer:referrals_received")).content.decode()
    assert not AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED).exists()


def test_the_sender_sees_the_status_and_may_withdraw(world, login_as):
    referral = _send(world)
    client = login_as(world.referent)
    sent = client.get(reverse("offer:referrals_sent")).content.decode()
    assert f"n° {referral.pk}" in sent
    detail = client.get(reverse("offer:referral_detail", args=[referral.pk])).content.decode()
    assert 'data-testid="action-withdraw"' in detail and 'data-testid="action-accept"' not in detail
    refused = client.post(reverse("offer:referral_action", args=[referral.pk, "accept"]))
    assert "Seuls les membres de la structure qui reçoit" in refused.content.decode()
    client.post(reverse("offer:referral_action", args=[referral.pk, "withdraw"]), {"withdraw-reason_details": "CDD"})
    assert Referral.objects.get().status == ReferralStatus.WITHDRAWN


@pytest.mark.parametrize("url_name", ["offer:referrals_received", "offer:referrals_sent"])
def test_lists_take_a_constant_number_of_queries(world, login_as, url_name, django_assert_num_queries):
    client = login_as(world.member if url_name == "offer:referrals_received" else world.referent)
    _send(world)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse(url_name)).status_code == 200
    for index in range(6):
        _send(world, ServiceFactory(structure=world.service.structure, name=f"Atelier {index}"))
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(reverse(url_name))
    assert page.content.decode().count('data-testid="referral-row"') == 7


# --- the secure answer page -------------------------------------------------------------------------------------


def _link(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referral = _send(world, world.external_service)
    token = re.search(r"/offre/orientations/lien/([\w-]+)/", mail.outbox[-1].body).group(1)
    return referral, token


def test_the_secure_page_shows_what_was_shared_and_answers(world, client, django_capture_on_commit_callbacks):
    referral, token = _link(world, django_capture_on_commit_callbacks)
    url = reverse("offer:referral_link", args=[token])
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "DUPUIS Camille" in text and "0612345678" in text and "Disponible le matin." in text
    assert "2840140192123" not in text and "né(e)" not in text.lower()
    assert AuditEvent.objects.filter(code=AuditCode.REFERRAL_LINK_VIEWED, person_id=world.person.pk).count() == 1
    refused = client.post(url, {"action": "refuse", "refuse-reason": "autre", "refuse-reason_details": ""})
    assert "Précisez le motif" in refused.content.decode()
    assert Referral.objects.get().status == ReferralStatus.SENT
    assert client.post(url, {"action": "accept"}).status_code == 302
    assert client.post(url, {"action": "start"}).status_code == 302
    done = client.post(url, {"action": "complete"})
    assert 'data-testid="link-done"' in done.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.COMPLETED
    # Reused after closure: refused in French, nothing written.
    before = (AuditEvent.objects.count(), ReferralEvent.objects.count())
    reused = client.get(url)
    assert reused.status_code == 404 and "close" in reused.content.decode()
    assert client.post(url, {"action": "abandon", "abandon-reason": "non_venue"}).status_code == 404
    assert (AuditEvent.objects.count(), ReferralEvent.objects.count()) == before


def test_wrong_links_are_refused_then_rate_limited(world, client, django_capture_on_commit_callbacks):
    _, token = _link(world, django_capture_on_commit_callbacks)
    before = AuditEvent.objects.count()
    for attempt in range(20):
        response = client.get(reverse("offer:referral_link", args=[f"faux-{attempt}"]))
        assert response.status_code == 404 and "n&#x27;est pas valable" in response.content.decode()
    blocked = client.get(reverse("offer:referral_link", args=[token]))
    assert blocked.status_code == 429 and "Trop de liens invalides" in blocked.content.decode()
    assert AuditEvent.objects.count() == before


# --- API --------------------------------------------------------------------------------------------------------


def test_api_sends_lists_and_changes_status_in_scope(world, login_as):
    referent = login_as(world.referent)
    url = reverse("api:notebook_referrals", args=[world.person.pk])
    refused = referent.post(
        url, {"service": world.service.pk, "consent_given": False}, content_type="application/json"
    )
    assert refused.status_code == 400 and "consentement" in str(refused.json()["errors"])
    created = referent.post(
        url,
        {"service": world.service.pk, "consent_given": True, "shared_information": "Le matin"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["status"] == "envoyee"
    pk = created.json()["id"]
    listed = referent.get(url).json()
    assert [row["id"] for row in listed] == [pk] and _viewed(world.person.pk) == 1

    member = login_as(world.member)
    received = member.get(reverse("api:referrals_received"), {"statut": "envoyee"}).json()
    assert [row["id"] for row in received] == [pk] and "person" not in received[0]
    status_url = reverse("api:referral_status", args=[pk])
    skipped = member.post(status_url, {"action": "complete"}, content_type="application/json")
    assert skipped.status_code == 400 and "n'a pas commencé" in str(skipped.json())
    accepted = member.post(status_url, {"action": "accept"}, content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "acceptee"

    outsider = login_as(world.outsider)
    assert outsider.post(status_url, {"action": "start"}, content_type="application/json").status_code == 404
    assert outsider.get(url).status_code == 404
    assert outsider.get(reverse("api:referrals_received")).json() == []
    assert Referral.objects.get().status == ReferralStatus.ACCEPTED


def test_the_secure_page_is_never_kept_by_the_browser(world, client, django_capture_on_commit_callbacks):
    _, token = _link(world, django_capture_on_commit_callbacks)
    assert "no-store" in client.get(reverse("offer:referral_link", args=[token]))["Cache-Control"]
