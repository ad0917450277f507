import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.privacy.models import DataSharingConvention
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def landes():
    return DepartementFactory()


@pytest.fixture
def partner(landes):
    return OrganisationFactory(kind="siae", departement=landes, name="Atelier des Landes")


def _form(partner, **extra):
    return {
        "organisation": partner.pk,
        "purpose": "Accompagnement des salariés en insertion",
        "legal_basis": "casf_l263_4_1",
        "data_categories": ["identity", "contact", "orientation"],
        "signed_on": "2026-01-15",
        "expires_on": "2029-01-14",
        **extra,
    }


def test_the_departement_administrator_keeps_the_register(landes, partner, login_as):
    admin = MembershipFactory(role=Role.ADMINISTRATOR, organisation__kind="cd", organisation__departement=landes)
    client = login_as(admin)
    assert "Conventions de partage" in client.get("/").content.decode()
    document = SimpleUploadedFile("convention.pdf", PDF, content_type="application/pdf")
    response = client.post("/rgpd/conventions/nouvelle/", {**_form(partner), "document": document})
    assert response.status_code == 302
    convention = DataSharingConvention.objects.get()
    assert convention.data_categories == ["identity", "contact", "orientation"]
    assert AuditEvent.objects.get(code=AuditCode.CONVENTION_CREATED).subject_id == str(convention.pk)

    response = client.post(f"/rgpd/conventions/{convention.pk}/", _form(partner, expires_on=""))
    assert response.status_code == 302
    convention.refresh_from_db()
    assert convention.expires_on is None and convention.document  # the document stays
    updated = AuditEvent.objects.get(code=AuditCode.CONVENTION_UPDATED)
    assert updated.data["old"] == {"expires_on": "2029-01-14"} and updated.data["new"] == {"expires_on": None}

    page = client.get("/rgpd/conventions/").content.decode()
    assert "Atelier des Landes" in page and "sans terme" in page
    assert client.get(f"/rgpd/conventions/{convention.pk}/document/").content == PDF


def test_bad_input_gets_a_french_message_and_writes_nothing(landes, partner, login_as):
    admin = MembershipFactory(role=Role.ADMINISTRATOR, organisation__kind="cd", organisation__departement=landes)
    client = login_as(admin)
    not_pdf = SimpleUploadedFile("convention.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = client.post(
        "/rgpd/conventions/nouvelle/",
        {**_form(partner, expires_on="2025-01-01", data_categories=[]), "document": not_pdf},
    )
    page = response.content.decode()
    assert "postérieure à la date de signature" in page
    assert "Cochez au moins une catégorie" in page
    assert "doit être un fichier PDF" in page
    assert not DataSharingConvention.objects.exists()
    # A Département's own service is not a partner.
    response = client.post("/rgpd/conventions/nouvelle/", _form(admin.organisation))
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_the_partner_administrator_reads_only_its_own_conventions(landes, partner, login_as):
    own = DataSharingConvention.objects.create(
        organisation=partner,
        purpose="Suivi des parcours",
        legal_basis="casf_l263_4_1",
        data_categories=["identity"],
        signed_on=datetime.date(2026, 1, 1),
    )
    other = OrganisationFactory(kind="association", departement=landes, name="Autre association")
    DataSharingConvention.objects.create(
        organisation=other,
        purpose="Ateliers numériques",
        legal_basis="processor",
        data_categories=["contact"],
        signed_on=datetime.date(2026, 1, 1),
    )
    client = login_as(MembershipFactory(role=Role.ADMINISTRATOR, organisation=partner))
    page = client.get("/rgpd/conventions/").content.decode()
    assert "Suivi des parcours" in page and "Ateliers numériques" not in page
    assert "Ajouter une convention" not in page
    assert client.get("/rgpd/conventions/nouvelle/").status_code == 404
    assert client.get(f"/rgpd/conventions/{own.pk}/").status_code == 404


@pytest.mark.parametrize("role", [Role.REFERENT, Role.PARTNER, Role.ANALYST])
def test_other_roles_get_not_found(landes, role, login_as):
    client = login_as(MembershipFactory(role=role, organisation__kind="cd", organisation__departement=landes))
    assert client.get("/rgpd/conventions/").status_code == 404
