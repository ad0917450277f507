"""The measures and plateaux figures export hands out as text the names a spreadsheet would run as formulas:
plateaux, and services and structures that come from partners' files."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from jalon.core.enums import Role
from jalon.notebook.models import Notebook
from jalon.offer.models import PathStep, PlateauTechnique, Referral, ReferralStatus
from tests.offer.factories import ServiceFactory, StructureFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import PersonFactory
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db


def test_the_offer_figures_export_neutralises_plateau_service_and_structure_names(login_as):
    landes = DepartementFactory()
    plateau = PlateauTechnique.objects.create(
        departement=landes,
        name='=HYPERLINK("//x.fr")',
        path_step=PathStep.BARRIERS,
        lead_structure=StructureFactory(),
        starts_on=datetime.date(2026, 1, 1),
        target_participants=4,
        professionals=1,
    )
    service = ServiceFactory(name="@SUM(1)", structure=StructureFactory(name="+33612345678"), plateau=plateau)
    person = PersonFactory(departement=landes)
    sent = datetime.datetime(2026, 9, 1, 9, tzinfo=datetime.UTC)
    Referral.objects.create(
        person=person,
        notebook=Notebook.objects.create(person=person),
        service=service,
        structure=service.structure,
        sender_organisation=OrganisationFactory(),
        consent_given=True,
        consent_recorded_at=sent,
        status=ReferralStatus.SENT,
        sent_at=sent,
    )
    pilot = MembershipFactory(role=Role.PROGRAMME_PILOT, organisation__kind="cd", organisation__departement=landes)

    response = login_as(pilot).get(reverse("offer:figures_csv"), {"debut": "2026-09-01", "fin": "2026-09-30"})
    content = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    first_cells = {row[0] if row[0] not in ("service", "structure") else (row[0], row[1]) for row in rows if row}
    assert '\'=HYPERLINK("//x.fr")' in first_cells
    assert ("structure", "'+33612345678") in first_cells
    assert ("service", "'@SUM(1) — +33612345678") in first_cells
    assert ["2026-09", "0", "0", "0", "0", "0", "0"] in rows  # figures stay figures
