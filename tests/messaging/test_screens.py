"""The messages of a person: screen, letter download and API, scoped through the person and audited."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.messaging.enums import MessageChannel, MessageKind, MessageStatus
from jalon.messaging.services import message_send
from tests.api.factories import api_client_for
from tests.conftest import actor_for
from tests.messaging.factories import MessageFactory, reachable_person
from tests.organisations.factories import MembershipFactory
from tests.territories.factories import DepartementFactory, RegionFactory


pytestmark = pytest.mark.django_db


def _staff(person, role=Role.REFERENT, kind="cd"):
    return MembershipFactory(role=role, organisation__kind=kind, organisation__departement=person.departement)


def _outsider():
    other = DepartementFactory(code="64", name="Pyrénées-Atlantiques", region=RegionFactory())
    return MembershipFactory(role=Role.REFERENT, organisation__kind="cd", organisation__departement=other)


def _letter(person, sender):
    return message_send(
        actor=actor_for(sender),
        person=person,
        channel=MessageChannel.LETTER,
        kind=MessageKind.CONVOCATION,
        subject="Convocation à un rendez-vous",
        body="Madame,\n\nVous êtes convoquée le 3 décembre.",
    )


def _without_tokens(html: str) -> str:
    return re.sub(r'(nonce|value)="[^"]*"', "", html)


def test_a_referent_of_the_departement_sees_the_messages_and_the_view_is_audited(login_as):
    person = reachable_person()
    referent = _staff(person)
    letter = _letter(person, referent)
    failed = MessageFactory(
        person=person, channel=MessageChannel.SMS, status=MessageStatus.FAILED, error="Brevo est injoignable"
    )
    response = login_as(referent).get(reverse("messaging:person", args=[person.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Messages envoyés à Marie DUPONT" in page
    assert "Convocation à un rendez-vous" in page
    assert "Vous êtes convoquée le 3 décembre." in page
    assert "Mme Marie DUPONT<br>12 rue des Arènes" in page
    assert reverse("messaging:letter", args=[letter.pk]) in page
    assert "Brevo est injoignable" in page
    assert f'aria-controls="message-body-{failed.pk}"' in page
    event = AuditEvent.objects.get(code=AuditCode.MESSAGES_VIEWED)
    assert event.person_id == person.pk
    assert event.actor == referent.user
    assert event.organisation == referent.organisation


def test_the_body_is_escaped_on_the_screen(login_as):
    person = reachable_person()
    MessageFactory(person=person, body="<script>alert(1)</script>")
    page = login_as(_staff(person)).get(reverse("messaging:person", args=[person.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("case", ["other_departement", "partner_organisation", "partner_role", "unknown"])
def test_everyone_else_gets_the_same_404_on_both_screens(login_as, case):
    person = reachable_person()
    letter = _letter(person, _staff(person))
    if case == "other_departement":
        actor = _outsider()
    elif case == "partner_organisation":
        actor = _staff(person, kind="association")
    elif case == "partner_role":
        actor = _staff(person, role=Role.PARTNER)
    else:
        actor = _staff(person)
    client = login_as(actor)
    unknown_pk = 999_999
    list_pk = unknown_pk if case == "unknown" else person.pk
    letter_pk = unknown_pk if case == "unknown" else letter.pk
    listing = client.get(reverse("messaging:person", args=[list_pk]))
    download = client.get(reverse("messaging:letter", args=[letter_pk]))
    assert listing.status_code == download.status_code == 404
    reference = client.get("/messages/personnes/0/")
    assert _without_tokens(listing.content.decode()) == _without_tokens(reference.content.decode())
    assert not AuditEvent.objects.filter(code__in=[AuditCode.MESSAGES_VIEWED, AuditCode.LETTER_DOWNLOADED]).exists()


def test_the_letter_is_downloaded_as_a_pdf_and_the_download_is_audited(login_as):
    person = reachable_person()
    manager = _staff(person, role=Role.TERRITORY_MANAGER)
    letter = _letter(person, _staff(person, role=Role.ORIENTATION_OFFICER))
    response = login_as(manager).get(reverse("messaging:letter", args=[letter.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="courrier-{letter.pk}.pdf"'
    assert "no-store" in response["Cache-Control"]
    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert "Objet : Convocation à un rendez-vous" in text
    event = AuditEvent.objects.get(code=AuditCode.LETTER_DOWNLOADED)
    assert event.person_id == person.pk
    assert event.subject_id == str(letter.pk)
    assert event.actor == manager.user


def test_an_email_has_no_letter_to_download(login_as):
    person = reachable_person()
    email = MessageFactory(person=person, channel=MessageChannel.EMAIL)
    assert login_as(_staff(person)).get(reverse("messaging:letter", args=[email.pk])).status_code == 404


def test_the_list_is_paginated_with_a_constant_number_of_queries(login_as):
    person = reachable_person()
    referent = _staff(person)
    client = login_as(referent)
    url = reverse("messaging:person", args=[person.pk])
    MessageFactory.create_batch(3, person=person, created_by=referent.user, organisation=referent.organisation)
    client.get(url)  # warm the session and the membership caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    MessageFactory.create_batch(22, person=person, created_by=referent.user, organisation=referent.organisation)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many) == len(few)
    assert "25 résultats" in page
    assert page.count('class="fr-accordion__btn"') == 20
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('class="fr-accordion__btn"') == 5


def test_the_person_page_snippet_links_to_the_messages():
    from django.template.loader import render_to_string

    person = reachable_person()
    html = render_to_string("messaging/_person_messages_link.html", {"person": person})
    assert f'href="/messages/personnes/{person.pk}/"' in html


def _api(membership) -> APIClient:
    return api_client_for(membership)


def test_the_api_lists_a_persons_messages_scoped_and_audited():
    person = reachable_person()
    referent = _staff(person)
    letter = _letter(person, referent)
    MessageFactory(person=person, channel=MessageChannel.SMS, status=MessageStatus.RECORDED, recipient="+33612345678")
    url = f"/api/v1/personnes/{person.pk}/messages/"
    answer = _api(referent).get(url)
    assert answer.status_code == 200
    data = answer.json()
    assert data["count"] == 2
    by_channel = {row["channel"]: row for row in data["results"]}
    assert by_channel["letter"]["id"] == letter.pk
    assert by_channel["letter"]["status_label"] == "envoyé"
    assert by_channel["letter"]["letter_url"] == f"/messages/{letter.pk}/courrier.pdf"
    assert by_channel["letter"]["recipient"].startswith("Mme Marie DUPONT\n")
    assert by_channel["sms"]["status_label"] == "enregistré (non envoyé)"
    assert by_channel["sms"]["letter_url"] is None
    assert AuditEvent.objects.filter(code=AuditCode.MESSAGES_VIEWED, person_id=person.pk).count() == 1
    assert _api(_outsider()).get(url).status_code == 404
    assert _api(_staff(person, role=Role.PARTNER)).get(url).status_code == 404
    assert APIClient().get(url).status_code in (401, 403)
    assert AuditEvent.objects.filter(code=AuditCode.MESSAGES_VIEWED).count() == 1
