import json

import pytest
from pypdf import PdfReader

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.messaging.models import Message
from jalon.notebook.models import Contact, Notebook
from jalon.people.enums import ChangeKind
from jalon.people.models import ChangeEvent, Person
from tests.organisations.factories import MembershipFactory
from tests.people.factories import HouseholdMemberFactory, PersonFactory, RsaRightFactory
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def landes():
    return DepartementFactory()


@pytest.fixture
def person(landes):
    person = PersonFactory(departement=landes, last_name="Dupont", first_name="Inès", nir="2850540192123")
    member = HouseholdMemberFactory(person=person, household__departement=landes)
    RsaRightFactory(household=member.household)
    notebook = Notebook.objects.create(person=person)
    Contact.objects.create(notebook=notebook, kind="phone", summary="Point sur la recherche d'emploi.")
    Message.objects.create(
        person=person,
        channel="sms",
        kind="notification",
        subject="Votre code pour accéder à votre carnet de bord",
        body="Votre code pour accéder à votre carnet de bord est : 483920",
        recipient="+33612345678",
    )
    return person


def _admin(landes, kind="cd", role=Role.ADMINISTRATOR):
    return MembershipFactory(role=role, organisation__kind=kind, organisation__departement=landes)


def test_the_departement_administrator_exports_everything_held_on_a_person(person, landes, login_as):
    client = login_as(_admin(landes))
    page = client.get(f"/personnes/{person.pk}/")
    assert f"/rgpd/personnes/{person.pk}/export.json" in page.content.decode()

    response = client.get(f"/rgpd/personnes/{person.pk}/export.json")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    document = json.loads(response.content)
    assert document["person"][0]["last_name"] == "Dupont"
    assert document["person"][0]["nir"].replace(" ", "") == "2850540192123"
    assert "nir_hash" not in document["person"][0]
    assert document["households"][0]["right_state"] == "droit ouvert et versable"
    assert document["contacts"][0]["summary"] == "Point sur la recherche d'emploi."
    # The one-time code is never given back, not even to the person.
    assert "483920" not in response.content.decode()
    assert "[code masqué]" in document["messages"][0]["body"]
    assert any(row["event"] == "consultation du dossier d'une personne" for row in document["audit_events"])
    event = AuditEvent.objects.get(code=AuditCode.PERSON_DATA_EXPORTED)
    assert event.person_id == person.pk and event.data["format"] == "json"

    pdf = client.get(f"/rgpd/personnes/{person.pk}/export.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(__import__("io").BytesIO(pdf.content)).pages)
    assert "Dupont" in text and "483920" not in text
    assert AuditEvent.objects.filter(code=AuditCode.PERSON_DATA_EXPORTED).count() == 2


@pytest.mark.parametrize(
    ("kind", "role"),
    [("association", Role.ADMINISTRATOR), ("cd", Role.ORIENTATION_OFFICER), ("cd", Role.REFERENT)],
)
def test_only_the_departement_administrator_may_export(person, landes, login_as, kind, role):
    client = login_as(_admin(landes, kind=kind, role=role))
    assert client.get(f"/rgpd/personnes/{person.pk}/export.json").status_code == 404
    assert not AuditEvent.objects.filter(code=AuditCode.PERSON_DATA_EXPORTED).exists()


def test_another_departement_gets_not_found(person, login_as):
    client = login_as(_admin(DepartementFactory(code="64", name="Pyrénées-Atlantiques")))
    assert client.get(f"/rgpd/personnes/{person.pk}/export.pdf").status_code == 404


def test_a_rectification_is_logged_with_before_after_who_and_why(person, landes, login_as):
    admin = _admin(landes, role=Role.ORIENTATION_OFFICER)
    client = login_as(admin)
    form = client.get(f"/personnes/{person.pk}/rectifier/")
    assert form.status_code == 200
    data = {
        "last_name": "Dupond",
        "first_name": "Inès",
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
        "email": "ines.dupond@exemple.fr",
        "reason": "Demande de la personne, pièce d'identité présentée.",
    }
    response = client.post(f"/personnes/{person.pk}/rectifier/", data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.last_name, person.normalized_last_name, person.email) == (
        "Dupond",
        "dupond",
        "ines.dupond@exemple.fr",
    )
    event = ChangeEvent.objects.get(person=person, kind=ChangeKind.IDENTITY_UPDATED)
    assert event.actor == admin.user
    assert event.data["old"] == {"last_name": "Dupont", "email": ""}
    assert event.data["new"] == {"last_name": "Dupond", "email": "ines.dupond@exemple.fr"}
    assert event.data["reason"].startswith("Demande de la personne")
    audit = AuditEvent.objects.get(code=AuditCode.PERSON_UPDATED)
    assert audit.data["reason"] == event.data["reason"] and audit.person_id == person.pk

    page = client.get(f"/personnes/{person.pk}/").content.decode()
    assert "Journal des rectifications (1)" in page
    assert "nom d&#x27;usage : Dupont → Dupond" in page and "motif : Demande de la personne" in page


def test_a_rectification_needs_a_reason_and_a_change(person, landes, login_as):
    client = login_as(_admin(landes))
    base = {
        "last_name": person.last_name,
        "first_name": person.first_name,
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
    }
    response = client.post(f"/personnes/{person.pk}/rectifier/", {**base, "last_name": "Autre"})
    assert "Ce champ est obligatoire" in response.content.decode()
    response = client.post(f"/personnes/{person.pk}/rectifier/", {**base, "reason": "erreur"})
    assert "Aucune donnée n&#x27;a changé" in response.content.decode()
    assert Person.objects.get(pk=person.pk).last_name == "Dupont"
    assert not ChangeEvent.objects.filter(kind=ChangeKind.IDENTITY_UPDATED).exists()


def test_a_referent_or_a_partner_cannot_rectify(person, landes, login_as):
    for membership in (_admin(landes, role=Role.REFERENT), _admin(landes, kind="siae")):
        assert login_as(membership).get(f"/personnes/{person.pk}/rectifier/").status_code == 404


def test_the_person_updating_their_contact_is_in_the_log(person):
    from jalon.notebook.person_space.services import person_contact_update

    person_contact_update(person=person, phone="0612345678", email="")
    event = ChangeEvent.objects.get(person=person, kind=ChangeKind.IDENTITY_UPDATED)
    assert event.data["new"]["phone"] == "+33612345678" and "espace" in event.data["reason"]
