"""The orientation decisions of a period for the employment committees (CNE/CDPE), on the golden Département
(tests/observatory/test_golden.py): columns, pseudonyms, no identity leaving, delays, access."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.notebook.models import Contract, ContractType
from jalon.observatory.committees import HEADER, age_band
from jalon.observatory.oarsa_history import pseudonym, pseudonym_key
from jalon.people.crypto import nir_encrypt, nir_hash
from tests.observatory.test_golden import world  # noqa: F401  (the golden Département)
from tests.organisations.factories import MembershipFactory


pytestmark = pytest.mark.django_db

URL = reverse("observatory:committees_csv")
PERIOD = {"debut": "2025-01-01", "fin": "2025-12-31"}


def _lines(response):
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    return text, list(csv.DictReader(io.StringIO(text), delimiter=";"))


@pytest.fixture
def engaged(world):  # noqa: F811
    """A's last contract made a signed contrat d'engagement."""
    a = world.people["A"]
    ce = ContractType.objects.create(departement_id="40", code="ce", name="Contrat d'engagement", usual_months=12)
    contract = Contract.objects.filter(notebook__person=a).order_by("-starts_on").first()
    Contract.objects.filter(pk=contract.pk).update(contract_type=ce, signed_on=datetime.date(2025, 10, 1))
    return a


def test_one_line_per_decision_with_the_documented_columns(world, engaged, login_as):  # noqa: F811
    a = engaged
    type(a).objects.filter(pk=a.pk).update(
        nir_encrypted=nir_encrypt("2800540192123"), nir_hash=nir_hash("2800540192123"), address="12 rue des Arènes"
    )
    pilot = login_as(MembershipFactory(role=Role.PROGRAMME_PILOT, organisation=world.cd))
    text, lines = _lines(pilot.get(URL, PERIOD))
    assert list(lines[0]) == HEADER
    # The decisions of 2025 (test_golden P05): A, B, C, E, H (05/05), H (01/09), I; M merged into A is left out.
    assert len(lines) == 7
    # Nothing that names the person leaves.
    for person in world.people.values():
        for leak in (person.last_name, person.first_name, person.birth_date.isoformat()):
            assert leak not in text
        assert str(person.pk) not in {line["identifiant"] for line in lines}
    for leak in ("2800540192123", nir_hash("2800540192123"), "rue des Arènes"):
        assert leak not in text
    key = pseudonym_key()
    (line,) = [line for line in lines if line["identifiant"] == pseudonym(a.pk, key)]
    # A: born 1980, oriented to the Département on 05/03/2025, 54 days after her request (OARSA B13), her
    # contrat d'engagement signed on 01/10/2025, 210 days later.
    assert line["tranche_age"] == "40-49 ans" and line["commune_insee"] == "40192"
    assert (line["date_orientation"], line["categorie_organisme"]) == ("2025-03-05", "departement")
    assert line["delai_demande_orientation_jours"] == "54"
    assert (line["contrat_engagement_signe"], line["date_signature_contrat"]) == ("oui", "2025-10-01")
    assert line["delai_orientation_contrat_jours"] == "210"
    assert {row["contrat_engagement_signe"] for row in lines if row is not line} == {"non"}  # CERs do not count
    event = AuditEvent.objects.get(code=AuditCode.PERSON_SEARCHED, data__export="comités pour l'emploi")
    assert a.pk in event.data["persons"] and event.data["debut"] == "2025-01-01"


def test_the_pseudonym_is_stable_from_one_file_to_the_next(world, login_as):  # noqa: F811
    admin = login_as(MembershipFactory(role=Role.ADMINISTRATOR, organisation=world.cd))
    _, first = _lines(admin.get(URL, PERIOD))
    _, second = _lines(admin.get(URL, {"debut": "2025-03-01", "fin": "2025-03-31"}))
    a = pseudonym(world.people["A"].pk, pseudonym_key())
    assert a in {line["identifiant"] for line in first} and a in {line["identifiant"] for line in second}


@pytest.mark.parametrize(
    ("born", "band"),
    [
        (datetime.date(2001, 3, 6), "moins de 25 ans"),  # 24 the day before their birthday
        (datetime.date(2000, 3, 5), "25-29 ans"),
        (datetime.date(1965, 1, 1), "60 ans et plus"),
        (None, ""),
    ],
)
def test_age_bands_at_the_decision(born, band):
    assert age_band(born, datetime.date(2025, 3, 5)) == band


@pytest.mark.parametrize("role", [Role.ANALYST, Role.ORIENTATION_OFFICER, Role.REFERENT])
def test_only_the_administrator_and_the_pilot_take_the_file(world, login_as, role):  # noqa: F811
    client = login_as(MembershipFactory(role=role, organisation=world.cd))
    assert client.get(URL, PERIOD).status_code == 404
    assert client.get(reverse("observatory:committees_export")).status_code == 404
    assert not AuditEvent.objects.filter(code=AuditCode.PERSON_SEARCHED).exists()


def test_a_bad_period_is_refused_in_french_and_nothing_leaves(world, login_as):  # noqa: F811
    admin = login_as(MembershipFactory(role=Role.ADMINISTRATOR, organisation=world.cd))
    response = admin.get(URL, {"debut": "2025-12-31", "fin": "2025-01-01"})
    assert response.status_code == 400
    assert "La fin de la période doit suivre son début." in response.content.decode()
    assert not AuditEvent.objects.filter(code=AuditCode.PERSON_SEARCHED).exists()
    page = admin.get(reverse("observatory:committees_export"), PERIOD).content.decode()
    assert f"{URL}?debut=2025-01-01&amp;fin=2025-12-31" in page
