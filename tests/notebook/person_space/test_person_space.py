import datetime
import io
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.messaging.backends import MemoryBackend
from jalon.messaging.enums import MessageChannel
from jalon.messaging.models import Message
from jalon.notebook.enums import NoteVisibility
from jalon.notebook.models import (
    Action,
    Note,
    Notebook,
    NotebookFrein,
    Objective,
    PersonAccessCode,
)
from jalon.notebook.person_space import services
from jalon.orientation.models import ReferentAssignment
from tests.people.factories import PersonFactory


pytestmark = pytest.mark.django_db

LOGIN = reverse("person_space:login")
VERIFY = reverse("person_space:verify")
HOME = reverse("person_space:home")


def _code_from(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def _request_code(client, contact: str):
    return client.post(LOGIN, {"contact": contact})


def _log_in(client, person) -> None:
    _request_code(client, person.email)
    code = _code_from(mail.outbox[-1].body)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 302 and response["Location"] == HOME


# --- the code flow ----------------------------------------------------------------------------------------------


def test_the_person_logs_in_with_a_code_sent_by_email(client, carnet):
    person, _ = carnet
    response = _request_code(client, "  Ines.Martin@exemple.fr ")
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ines.martin@exemple.fr"]
    code = _code_from(mail.outbox[0].body)
    stored = PersonAccessCode.objects.get(person=person)
    assert code not in stored.code_hash and stored.expires_at - stored.created_at == datetime.timedelta(minutes=10)
    session_key_before = client.session.session_key

    response = client.post(VERIFY, {"code": code})

    assert response.status_code == 302 and response["Location"] == HOME
    assert client.session[services.PERSON_SESSION_KEY] == person.pk
    assert client.session.session_key != session_key_before
    stored.refresh_from_db()
    assert stored.used_at is not None
    assert AuditEvent.objects.filter(code=AuditCode.PERSON_SPACE_LOGIN, person_id=person.pk).exists()
    page = client.get(HOME)
    assert page.status_code == 200 and "Passer le permis B" in page.content.decode()


def test_the_person_logs_in_with_a_code_sent_by_sms(client, carnet):
    person, _ = carnet
    _request_code(client, "+33 6 12 34 56 78")
    message = Message.objects.get(person=person)
    assert message.channel == MessageChannel.SMS and message.recipient == "+33612345678"
    assert mail.outbox == []
    [sms] = MemoryBackend.outbox
    assert sms["recipient"] == "+33612345678"
    response = client.post(VERIFY, {"code": _code_from(sms["body"])})
    assert response["Location"] == HOME


def test_an_unknown_contact_gets_the_same_answer_and_nothing_is_sent(client, carnet):
    known = client.post(LOGIN, {"contact": "ines.martin@exemple.fr"}, follow=True).content.decode()
    other = type(client)(REMOTE_ADDR="127.0.0.1")
    unknown = other.post(LOGIN, {"contact": "personne@exemple.fr"}, follow=True).content.decode()
    assert "Si cette adresse ou ce numéro est connu du Département" in unknown
    strip = lambda html: re.sub(r'(csrfmiddlewaretoken" value|nonce)="[^"]+"', "", html)  # noqa: E731
    assert strip(known) == strip(unknown)
    assert PersonAccessCode.objects.count() == 1 and len(mail.outbox) == 1
    # Typing a code after an unknown contact says what a wrong code says.
    refused = other.post(VERIFY, {"code": "123456"}).content.decode()
    assert "Ce code n&#x27;est pas le bon" in refused


def test_a_person_without_a_carnet_gets_no_code(client, carnet):
    person, _ = carnet
    PersonFactory(departement=person.departement, email="sans.carnet@exemple.fr")
    _request_code(client, "sans.carnet@exemple.fr")
    assert mail.outbox == [] and PersonAccessCode.objects.count() == 0


def test_a_wrong_code_is_refused_and_five_attempts_burn_the_code(client, carnet):
    person, _ = carnet
    _request_code(client, person.email)
    code = _code_from(mail.outbox[0].body)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(VERIFY, {"code": wrong})
    assert "Ce code n&#x27;est pas le bon" in response.content.decode()
    assert PersonAccessCode.objects.get().attempts == 1
    for _ in range(4):
        client.post(VERIFY, {"code": wrong})
    assert PersonAccessCode.objects.get().attempts == 5
    response = client.post(VERIFY, {"code": code})
    assert "Trop d&#x27;essais" in response.content.decode()
    assert services.PERSON_SESSION_KEY not in client.session
    # Not even through another browser: the code itself is burnt.
    with pytest.raises(Exception, match="Trop d'essais"):
        services.access_code_verify(person_ids=[person.pk], code=code)


def test_a_code_that_is_not_six_digits_is_refused_without_counting(client, carnet):
    person, _ = carnet
    _request_code(client, person.email)
    response = client.post(VERIFY, {"code": "12ab56"})
    assert "6 chiffres" in response.content.decode()
    assert PersonAccessCode.objects.get().attempts == 0


def test_a_code_is_used_once(carnet):
    person, _ = carnet
    services.access_code_request(contact=person.email)
    code = _code_from(mail.outbox[0].body)
    assert services.access_code_verify(person_ids=[person.pk], code=code) == person
    with pytest.raises(Exception, match="déjà été utilisé"):
        services.access_code_verify(person_ids=[person.pk], code=code)


def test_a_code_expires_after_ten_minutes(client, carnet):
    person, _ = carnet
    with time_machine.travel(datetime.datetime(2026, 11, 22, 9, 0, tzinfo=datetime.UTC), tick=False):
        _request_code(client, person.email)
    code = _code_from(mail.outbox[0].body)
    with time_machine.travel(datetime.datetime(2026, 11, 22, 9, 10, 1, tzinfo=datetime.UTC), tick=False):
        response = client.post(VERIFY, {"code": code})
    assert "Ce code a expiré" in response.content.decode()
    assert PersonAccessCode.objects.get().used_at is None


def test_a_new_code_replaces_the_previous_one(carnet):
    person, _ = carnet
    services.access_code_request(contact=person.email)
    services.access_code_request(contact=person.email)
    first, second = (_code_from(message.body) for message in mail.outbox)
    if first != second:
        with pytest.raises(Exception, match="pas le bon"):
            services.access_code_verify(person_ids=[person.pk], code=first)
    assert services.access_code_verify(person_ids=[person.pk], code=second) == person


def test_codes_requested_are_limited_per_browser_and_per_person(client, carnet):
    person, _ = carnet
    for _ in range(5):
        _request_code(client, person.email)
    response = _request_code(client, person.email)
    assert response.status_code == 200 and "attendez une heure" in response.content.decode()
    assert PersonAccessCode.objects.count() == 5
    # Another browser asks for the same person: the answer stays neutral but no sixth code goes out.
    assert services.access_code_request(contact=person.email) == [person.pk]
    assert PersonAccessCode.objects.count() == 5 and len(mail.outbox) == 5
    assert services.access_codes_send(person_ids=[person.pk], channel=MessageChannel.EMAIL) == []
    # An hour later, a code can be asked for again.
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1, minutes=1)):
        assert services.access_codes_send(person_ids=[person.pk], channel=MessageChannel.EMAIL) == [person.pk]


def test_the_browser_limit_also_applies_to_unknown_contacts(client, carnet):
    for _ in range(5):
        _request_code(client, "inconnu@exemple.fr")
    assert "attendez une heure" in _request_code(client, "inconnu@exemple.fr").content.decode()


def test_a_couple_sharing_an_email_each_get_their_own_code(client, carnet):
    person, _ = carnet
    partner = PersonFactory(departement=person.departement, first_name="Karim", email=person.email)
    Notebook.objects.create(person=partner)
    _request_code(client, person.email)
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert len(mail.outbox) == 2 and len(bodies) == 1
    karim = next(message.body for message in mail.outbox if "Karim" in message.body)
    client.post(VERIFY, {"code": _code_from(karim)})
    assert client.session[services.PERSON_SESSION_KEY] == partner.pk


# --- session isolation ------------------------------------------------------------------------------------------


def test_a_professional_session_does_not_open_the_persons_space(client, login_as, carnet):
    _, referent = carnet
    login_as(referent)
    for url in (LOGIN, VERIFY, HOME, reverse("person_space:pdf")):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "réservé aux personnes accompagnées" in response.content.decode()


def test_the_person_cannot_reach_the_professionals_pages(client, carnet):
    person, _ = carnet
    _log_in(client, person)
    for url in ("/personnes/", f"/personnes/{person.pk}/", "/", "/orientation/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/compte/connexion/"), url


def test_the_persons_pages_need_the_code(client, carnet):
    for name in ("home", "contact", "project", "pdf"):
        response = client.get(reverse(f"person_space:{name}"))
        assert response.status_code == 302 and response["Location"] == LOGIN


def test_logout_ends_the_persons_session(client, carnet):
    person, _ = carnet
    _log_in(client, person)
    client.post(reverse("person_space:logout"))
    assert client.get(HOME)["Location"] == LOGIN
    assert AuditEvent.objects.filter(code=AuditCode.PERSON_SPACE_LOGOUT, person_id=person.pk).exists()


# --- the pages --------------------------------------------------------------------------------------------------


# The carnet's own reads, plus the panels of the rooms above (job offers: the positionings, the projects' codes, the
# matching offers; the rights and duties: the person's procedures; the surveys waiting for an answer; the users'
# committee the person sits on), one query each whatever the carnet holds.
HOME_QUERIES = 19


def test_the_home_page_shows_the_carnet_but_never_a_private_note(client, carnet, django_assert_max_num_queries):
    person, _ = carnet
    _log_in(client, person)
    with django_assert_max_num_queries(HOME_QUERIES):
        html = client.get(HOME).content.decode()
    assert "Claire Duval" in html and "Agence de Mont-de-Marsan" in html and "05 58 00 00 00" in html
    assert "Passer le permis B" in html and "en cours" in html and "S&#x27;inscrire à l&#x27;auto-école" in html
    assert "12 rue Victor-Hugo" in html and "Rendez-vous annulé ici" not in html
    assert "Bravo pour l&#x27;inscription" in html
    assert "Note privée" not in html
    assert "Vos devoirs" in html
    assert AuditEvent.objects.filter(
        code=AuditCode.PERSON_SPACE_VIEWED, person_id=person.pk, actor=None, actor_label="la personne"
    ).exists()


def test_the_home_page_queries_do_not_grow_with_the_carnet(client, carnet, django_assert_max_num_queries):
    person, referent = carnet
    _log_in(client, person)
    for index in range(15):
        objective = Objective.objects.create(notebook=person.notebook, title=f"Objectif {index}")
        Action.objects.create(objective=objective, title=f"Action {index}")
    with django_assert_max_num_queries(HOME_QUERIES):
        assert "Objectif 14" in client.get(HOME).content.decode()


def test_the_person_comments_on_their_carnet(client, carnet):
    person, referent = carnet
    _log_in(client, person)
    response = client.post(HOME, {"text": "Je ne pourrai pas venir jeudi, mon fils est malade."})
    assert response["Location"] == HOME
    note = Note.objects.get(written_by_person=True)
    assert note.visibility == NoteVisibility.SHARED and note.author is None
    assert note.organisation == referent.organisation
    assert "mon fils est malade" in client.get(HOME).content.decode()
    assert AuditEvent.objects.filter(code=AuditCode.PERSON_SPACE_COMMENTED, person_id=person.pk).exists()


def test_an_empty_comment_is_refused(client, carnet):
    person, _ = carnet
    _log_in(client, person)
    response = client.post(HOME, {"text": "   "})
    assert response.status_code == 200 and "Écrivez votre message" in response.content.decode()
    assert not Note.objects.filter(written_by_person=True).exists()


def test_a_comment_without_a_referent_is_refused_with_a_clear_message(carnet):
    person, _ = carnet
    ReferentAssignment.objects.all().delete()
    with pytest.raises(Exception, match="Aucun référent ne vous suit encore"):
        services.person_comment_add(person=person, text="Bonjour")
    assert not Note.objects.filter(written_by_person=True).exists()


def test_the_person_adds_their_project_wishes(client, carnet):
    person, _ = carnet
    _log_in(client, person)
    client.post(reverse("person_space:project"), {"text": "Travailler dans la petite enfance."})
    note = Note.objects.get(written_by_person=True)
    assert "petite enfance" in note.text and note.visibility == NoteVisibility.SHARED
    assert AuditEvent.objects.filter(code=AuditCode.PERSON_SPACE_PROJECT_WISHES, person_id=person.pk).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"phone": "06 12", "email": ""}, "n&#x27;est pas un numéro de téléphone français valide"),
        ({"phone": "05 58 12 34 56", "email": ""}, "numéro de téléphone fixe"),
        ({"phone": "", "email": "ines@"}, "n&#x27;est pas une adresse e-mail valide"),
        ({"phone": "", "email": ""}, "Gardez au moins un téléphone mobile ou une adresse e-mail"),
    ],
)
def test_contact_details_are_checked(client, carnet, data, message):
    person, _ = carnet
    _log_in(client, person)
    response = client.post(reverse("person_space:contact"), data)
    assert response.status_code == 200 and message in response.content.decode()
    person.refresh_from_db()
    assert person.phone == "06 12 34 56 78" and person.email == "ines.martin@exemple.fr"
    assert not AuditEvent.objects.filter(code=AuditCode.PERSON_SPACE_CONTACT_UPDATED).exists()


def test_the_person_updates_their_contact_details(client, carnet):
    person, _ = carnet
    _log_in(client, person)
    response = client.post(reverse("person_space:contact"), {"phone": "07.98.76.54.32", "email": "Ines@Exemple.fr"})
    assert response["Location"] == HOME
    person.refresh_from_db()
    assert person.phone == "+33798765432" and person.email == "ines@exemple.fr"
    event = AuditEvent.objects.get(code=AuditCode.PERSON_SPACE_CONTACT_UPDATED)
    assert event.person_id == person.pk and event.data["old"]["phone"] == "06 12 34 56 78"
    # The new number now receives the codes.
    assert services.persons_for_contact("07 98 76 54 32") == [person]


def test_the_pdf_holds_the_carnet(client, carnet):
    person, _ = carnet
    _log_in(client, person)
    response = client.get(reverse("person_space:pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = re.sub(r"\s+", " ", text)
    frein = NotebookFrein.objects.get().category.label
    for expected in (
        "Mon carnet de bord",
        "Inès MARTIN",
        "Claire Duval, Agence de Mont-de-Marsan",
        f"{frein} : besoin",
        "Passer le permis B — en cours",
        "S'inscrire à l'auto-école solidaire — réalisé",
        "12 rue Victor-Hugo",
        "Vos devoirs",
    ):
        assert expected in text, expected
    assert "Note privée" not in text and "annulé ici" not in text
    assert AuditEvent.objects.filter(code=AuditCode.PERSON_SPACE_PDF_DOWNLOADED, person_id=person.pk).exists()


def test_the_persons_pages_are_never_kept_by_the_browser(client, carnet):
    person, _ = carnet
    _log_in(client, person)
    assert "no-store" in client.get(HOME)["Cache-Control"]


def test_the_persons_words_reach_their_referents_inbox(carnet):
    from jalon.inbox.models import Notification

    person, referent = carnet
    services.person_comment_add(person=person, text="Je ne pourrai pas venir le 8 décembre.")
    services.person_project_wishes_add(person=person, text="Travailler en cuisine.")
    notifications = Notification.objects.filter(recipient=referent.user, kind="message_personne")
    assert notifications.count() == 2
    assert {n.url for n in notifications} == {f"/carnets/{person.pk}/"}
    assert all(person.last_name not in n.title and "8 décembre" not in n.title for n in notifications)


def test_a_comment_whose_transaction_fails_leaves_no_notification(carnet):
    from django.db import transaction

    from jalon.inbox.models import Notification

    person, _ = carnet

    class Failure(Exception):
        pass

    with pytest.raises(Failure), transaction.atomic():
        services.person_comment_add(person=person, text="Bonjour")
        raise Failure
    assert not Notification.objects.exists() and not Note.objects.filter(written_by_person=True).exists()
