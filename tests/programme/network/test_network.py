"""The professionals' network of the small plan (`factories.py`): events with registrations, capacity and
attendance, their yearly counts, and the document bank with its versions and roles. Today is 15 March 2023."""

import datetime
import html

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.core.scoping import Actor
from jalon.organisations.models import Organisation
from jalon.programme.network import selectors, services
from jalon.programme.network.models import BankDocument, BankDocumentVersion, EventRegistration, NetworkEvent
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.programme.factories import load_small_plan
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2023, 3, 15, 10, tzinfo=datetime.UTC)
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def plan(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(NOW, tick=False):
        yield load_small_plan().programme


def _actor(membership):
    return Actor(user=membership.user, membership=membership, memberships=(membership,))


def _member(role, kind="cd"):
    organisation = Organisation.objects.filter(kind=kind, departement_id="40").first()
    return MembershipFactory(role=role, organisation=organisation)


def _at(day, hour=9):
    return datetime.datetime(2023, 3, day, hour, tzinfo=datetime.UTC) if isinstance(day, int) else day


def _event(plan, pilot, *, day=20, capacity=None, kind="webinaire", code="C.2", title=None):
    return services.event_create(
        actor=pilot,
        programme=plan,
        title=title or f"{kind} du {day}",
        kind=kind,
        starts_at=_at(day),
        online=True,
        capacity=capacity,
        action=plan.actions.get(code=code) if code else None,
    )


def _pdf(name="referentiel.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_capacity_is_enforced_with_a_french_message(plan):
    pilot = _actor(_member(Role.PROGRAMME_PILOT))
    event = _event(plan, pilot, capacity=1)
    first, second = _actor(_member(Role.REFERENT, kind="caf")), _actor(_member(Role.REFERENT))

    services.event_register(actor=first, event=event)
    with pytest.raises(ValidationError, match="L'événement est complet : ses 1 places sont prises"):
        services.event_register(actor=second, event=event)
    with pytest.raises(ValidationError, match="déjà inscrit"):
        services.event_register(actor=first, event=event)

    assert list(event.registrations.values_list("user", flat=True)) == [first.user.pk]
    assert AuditEvent.objects.filter(code=AuditCode.NETWORK_EVENT_REGISTERED).count() == 1
    # Unregistering frees the place.
    services.event_unregister(actor=first, event=event)
    services.event_register(actor=second, event=event)
    assert list(event.registrations.values_list("user", flat=True)) == [second.user.pk]


def test_a_past_event_takes_no_registration_and_attendance_waits_for_the_event(plan):
    pilot = _actor(_member(Role.PROGRAMME_PILOT))
    past, coming = _event(plan, pilot, day=10), _event(plan, pilot, day=20)
    referent = _actor(_member(Role.REFERENT))

    with pytest.raises(ValidationError, match="L'événement a commencé : les inscriptions sont closes."):
        services.event_register(actor=referent, event=past)
    services.event_register(actor=referent, event=coming)
    with pytest.raises(ValidationError, match="Les présences se relèvent une fois l'événement commencé."):
        services.event_attendance_record(actor=pilot, event=coming, present_ids=[])
    with pytest.raises(ValidationError, match="Seuls le pilote du programme"):
        services.event_attendance_record(actor=referent, event=past, present_ids=[])
    assert not EventRegistration.objects.filter(event=past).exists()
    assert EventRegistration.objects.get(event=coming).attended is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": " "}, "title", "Donnez un intitulé"),
        ({"starts_at": datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)}, "starts_at", "pendant le programme"),
        ({"online": False}, "place", "Indiquez le lieu"),
        ({"capacity": 0}, "capacity", "au moins 1"),
    ],
)
def test_a_bad_event_is_refused_and_nothing_is_written(plan, changes, field, message):
    pilot = _actor(_member(Role.PROGRAMME_PILOT))
    data = {"title": "Webinaire", "kind": "webinaire", "starts_at": _at(20), "online": True, **changes}
    with pytest.raises(ValidationError) as refused:
        services.event_create(actor=pilot, programme=plan, **data)
    assert message in " ".join(refused.value.message_dict[field])
    assert not NetworkEvent.objects.exists()


def test_the_counts_that_feed_the_fiche_indicators(plan):
    """A hand-built year: a webinaire (3 registered, 2 present, of 2 organisations) and a forum (1 registered,
    1 present, of an organisation already counted) held on C.2; a séminaire-action to come (not held yet)."""
    pilot = _actor(_member(Role.PROGRAMME_PILOT))
    with time_machine.travel(datetime.datetime(2023, 3, 1, tzinfo=datetime.UTC), tick=False):
        webinar = _event(plan, pilot, day=2, kind="webinaire")
        forum = _event(plan, pilot, day=3, kind="forum")
        cd_a, cd_b, caf = (
            _actor(_member(Role.REFERENT)),
            _actor(_member(Role.REFERENT)),
            _actor(_member(Role.REFERENT, "caf")),
        )
        for member in (cd_a, cd_b, caf):
            services.event_register(actor=member, event=webinar)
        services.event_register(actor=caf, event=forum)
    coming = _event(plan, pilot, day=28, kind="seminaire_action")
    services.event_register(actor=cd_a, event=coming)
    registered = {r.user_id: r.pk for r in webinar.registrations.all()}
    services.event_attendance_record(
        actor=pilot, event=webinar, present_ids=[registered[cd_a.user.pk], registered[caf.user.pk]]
    )
    services.event_attendance_record(
        actor=pilot, event=forum, present_ids=list(forum.registrations.values_list("pk", flat=True))
    )

    counts = selectors.network_counts(programme=plan, year=2023)

    assert counts == {
        "year": 2023,
        "events": 2,
        "by_kind": [("webinaire", 1), ("forum", 1)],
        "registrations": 4,
        "attendees": 3,
        "average_attendees": 1.5,
        "organisations": 2,
    }
    assert webinar.registrations.get(user=cd_b.user).attended is False
    assert (
        selectors.network_counts(programme=plan, year=2023, action_id=plan.actions.get(code="A.1").pk)["events"] == 0
    )


def test_the_event_screens_register_and_unregister(plan, login_as):
    pilot = _actor(_member(Role.PROGRAMME_PILOT))
    event = _event(plan, pilot, capacity=5)
    client = login_as(_member(Role.REFERENT, kind="caf"))
    url = reverse("programme:network_event", args=[plan.code, event.pk])

    with time_machine.travel(NOW, tick=False):
        listing = client.get(reverse("programme:network_events", args=[plan.code])).content.decode()
        before = client.get(url).content.decode()
        client.post(reverse("programme:network_register", args=[plan.code, event.pk]))
        after = client.get(url).content.decode()
        export = client.get(reverse("programme:network_events_csv", args=[plan.code])).getvalue().decode()
        client.post(reverse("programme:network_unregister", args=[plan.code, event.pk]))
        fiche = client.get(reverse("programme:action", args=[plan.code, event.action_id])).content.decode()

    assert "webinaire du 20" in listing and "Je m'inscris" in before
    assert "Me désinscrire" in html.unescape(after) and "CAF des Landes" in after
    assert "webinaire du 20;webinaire;20/03/2023" in export
    assert not event.registrations.exists()
    assert "Animation : événements et documents" in fiche and "webinaire du 20" in fiche
    # A reader neither creates an event nor records attendance.
    assert client.get(reverse("programme:network_event_create", args=[plan.code])).status_code == 404
    assert client.post(reverse("programme:network_attendance", args=[plan.code, event.pk])).status_code == 404


def test_documents_show_to_the_roles_chosen_and_keep_their_versions(plan, login_as):
    pilot = _actor(_member(Role.PROGRAMME_PILOT))
    open_document = services.document_create(
        actor=pilot,
        programme=plan,
        title="Référentiel",
        kind="referentiel",
        version="v1",
        dated=datetime.date(2022, 10, 1),
        file=_pdf(),
    )
    services.document_version_add(
        actor=pilot,
        document=open_document,
        version="v2",
        dated=datetime.date(2023, 3, 1),
        file=_pdf("v2.pdf"),
        note="Volet santé",
    )
    restricted = services.document_create(
        actor=pilot,
        programme=plan,
        title="Support interne",
        kind="support",
        version="v1",
        dated=datetime.date(2023, 3, 1),
        file=_pdf(),
        visible_roles=[Role.REFERENT],
    )
    referent = login_as(_member(Role.REFERENT, kind="caf"))
    document_url = reverse("programme:network_document", args=[plan.code, restricted.pk])
    first_version = open_document.versions.get(version="v1")

    with time_machine.travel(NOW, tick=False):
        assert (
            "Support interne"
            in referent.get(reverse("programme:network_documents", args=[plan.code])).content.decode()
        )
        assert referent.get(document_url).status_code == 200
        page = referent.get(reverse("programme:network_document", args=[plan.code, open_document.pk])).content.decode()
        download = referent.get(reverse("programme:network_document_file", args=[plan.code, first_version.pk]))
        manager = login_as(_member(Role.TERRITORY_MANAGER))
        listing = manager.get(reverse("programme:network_documents", args=[plan.code])).content.decode()
        hidden = manager.get(document_url).status_code
        hidden_file = manager.get(
            reverse("programme:network_document_file", args=[plan.code, restricted.versions.get().pk])
        ).status_code

    # The newest version first, the earlier one still there.
    assert page.index("v2.pdf") < page.index("referentiel.pdf") and "Volet santé" in page
    assert b"".join(download.streaming_content) == PDF
    assert "Référentiel" in listing and "Support interne" not in listing
    assert (hidden, hidden_file) == (404, 404)
    assert BankDocumentVersion.objects.count() == 3


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("outil.exe", b"MZ\x90\x00"), "Ce type de fichier n'est pas accepté"),
        (SimpleUploadedFile("faux.pdf", b"MZ\x90\x00"), "Le contenu du fichier ne correspond pas à son extension"),
        (None, "Déposez le fichier du document."),
    ],
)
def test_a_bad_upload_is_refused_and_nothing_is_written(plan, file, message):
    pilot = _actor(_member(Role.PROGRAMME_PILOT))
    with pytest.raises(ValidationError) as refused:
        services.document_create(
            actor=pilot,
            programme=plan,
            title="Guide",
            kind="guide",
            version="v1",
            dated=datetime.date(2023, 1, 5),
            file=file,
        )
    assert message in " ".join(refused.value.message_dict["file"])
    assert not BankDocument.objects.exists() and not BankDocumentVersion.objects.exists()


def test_a_version_number_is_not_reused_and_a_reader_does_not_upload(plan):
    pilot = _actor(_member(Role.PROGRAMME_PILOT))
    document = services.document_create(
        actor=pilot,
        programme=plan,
        title="Guide",
        kind="guide",
        version="v1",
        dated=datetime.date(2023, 1, 5),
        file=_pdf(),
    )
    with pytest.raises(ValidationError, match="La version « v1 » de ce document existe déjà"):
        services.document_version_add(
            actor=pilot, document=document, version="v1", dated=datetime.date(2023, 2, 1), file=_pdf()
        )
    with pytest.raises(ValidationError, match="alimentent la banque documentaire"):
        services.document_version_add(
            actor=_actor(_member(Role.REFERENT)),
            document=document,
            version="v2",
            dated=datetime.date(2023, 2, 1),
            file=_pdf(),
        )
    assert document.versions.count() == 1


def test_the_pilot_uploads_a_document_on_the_screen(plan, login_as):
    client = login_as(_member(Role.PROGRAMME_PILOT))
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("programme:network_document_create", args=[plan.code]),
            {
                "title": "Guide des cafés partenaires",
                "kind": "guide",
                "version": "v1",
                "dated": "2023-03-01",
                "file": _pdf("guide.pdf"),
                "visible_roles": [Role.REFERENT, Role.PROGRAMME_PILOT],
            },
        )
    document = BankDocument.objects.get()
    assert response.status_code == 302
    assert document.visible_roles == [Role.PROGRAMME_PILOT, Role.REFERENT]
    assert AuditEvent.objects.filter(code=AuditCode.NETWORK_DOCUMENT_CREATED).exists()


def test_another_departement_finds_nothing(plan, login_as):
    other = OrganisationFactory(kind="cd", departement=DepartementFactory(code="64"))
    client = login_as(MembershipFactory(role=Role.PROGRAMME_PILOT, organisation=other))
    event = _event(plan, _actor(_member(Role.PROGRAMME_PILOT)))
    for url in (
        reverse("programme:network_events", args=[plan.code]),
        reverse("programme:network_documents", args=[plan.code]),
        reverse("programme:network_event", args=[plan.code, event.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("programme:network_register", args=[plan.code, event.pk])).status_code == 404
    assert not event.registrations.exists()


def test_the_fiches_counts_are_reported_to_the_observatory_as_drafts_of_its_indicators(plan, login_as):
    """C.2 is measured by P38–P40 here; a webinaire and a forum held in March 2023 (2 and 1 present) and one
    document of its bank make P38 = 2, P39 = 3, P40 = 1, written as drafts the observatory validates."""
    from jalon.observatory.entered.models import EnteredValue
    from jalon.observatory.models import Indicator
    from jalon.programme.models import ActionIndicator

    action = plan.actions.get(code="C.2")
    for code in ("P38", "P39", "P40"):
        ActionIndicator.objects.create(action=action, indicator=Indicator.objects.get(code=code))
    pilot_membership = _member(Role.PROGRAMME_PILOT)
    pilot = _actor(pilot_membership)
    with time_machine.travel(datetime.datetime(2023, 3, 1, tzinfo=datetime.UTC), tick=False):
        webinar, forum = _event(plan, pilot, day=2), _event(plan, pilot, day=3, kind="forum")
        for member in (_actor(_member(Role.REFERENT)), _actor(_member(Role.REFERENT, "caf"))):
            services.event_register(actor=member, event=webinar)
        services.event_register(actor=_actor(_member(Role.REFERENT)), event=forum)
    for event in (webinar, forum):
        services.event_attendance_record(
            actor=pilot, event=event, present_ids=list(event.registrations.values_list("pk", flat=True))
        )
    services.document_create(
        actor=pilot,
        programme=plan,
        title="Guide de l'accompagnement",
        kind="guide",
        version="1",
        dated=datetime.date(2023, 3, 2),
        file=SimpleUploadedFile("guide.pdf", PDF, content_type="application/pdf"),
        action=action,
    )
    url = reverse("programme:network_report", kwargs={"code": plan.code, "pk": action.pk})

    assert login_as(_member(Role.REFERENT)).post(url, {"year": 2023}).status_code == 404
    refused = login_as(pilot_membership).post(url, {"year": 2023}, follow=True)  # 2023 is not over
    assert "Choisissez une année du plan déjà terminée" in html.unescape(refused.content.decode())
    assert not EnteredValue.objects.exists()
    with time_machine.travel(datetime.datetime(2024, 1, 10, 9, tzinfo=datetime.UTC), tick=False):
        response = login_as(pilot_membership).post(url, {"year": 2023}, follow=True)

    values = dict(EnteredValue.objects.values_list("indicator__code", "value"))
    assert values == {"P38": 2.0, "P39": 3.0, "P40": 1.0}
    assert set(EnteredValue.objects.values_list("status", flat=True)) == {"brouillon"}
    assert "reportés dans l'observatoire (P38, P39, P40)" in html.unescape(response.content.decode())
