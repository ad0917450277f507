"""The money's screens: who reads them (the Département's staff), who writes (the pilot and administrator; the
SDSEI manager on their territory's envelopes), and everyone else gets 404."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from jalon.core.enums import Role
from jalon.organisations.models import Organisation
from jalon.programme.funding.models import Commitment, Payment
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.programme.funding.conftest import NOW


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def _url(case, name, **kwargs):
    return reverse(f"programme:{name}", kwargs={"code": case.programme.code, **kwargs})


def test_the_pilot_reads_the_budget_the_execution_and_a_line(case, login_as):
    client = login_as(case.pilot)
    budget = client.get(_url(case, "funding_budget")).content.decode()
    assert "A.1 — 2023 — SPIE" in budget and "170\xa0000 €" in budget and "alerte" in budget
    execution = client.get(_url(case, "funding_execution")).content.decode()
    assert "Département (consolidé)" in execution and "109\xa0000 €" in execution
    assert _url(case, "funding_line", pk=case.l1.pk) in execution
    line = client.get(_url(case, "funding_line", pk=case.l1.pk)).content.decode()
    assert "Nord" in line and "Sud" in line and case.c_north_1.reference in line
    filtered = client.get(_url(case, "funding_budget"), {"territory": case.south.pk}).content.decode()
    assert "40\xa0000 €" in filtered and "C.2 — 2024" not in filtered


def test_the_budget_exports_as_csv_and_xlsx(case, login_as):
    client = login_as(case.pilot)
    csv = b"".join(client.get(_url(case, "funding_budget_csv")).streaming_content).decode()
    assert "A.1;2023;SPIE;Nord;60000.00;54000.00;15000.00;90;25;non" in csv
    xlsx = client.get(_url(case, "funding_budget_csv"), {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_pilot_splits_a_line_and_a_bad_split_is_refused_on_the_form(case, login_as):
    client = login_as(case.pilot)
    url = _url(case, "funding_line_split", pk=case.l3.pk)
    data = {"amount_eur": "20000", f"t{case.north.pk}": "15000", f"t{case.south.pk}": "4000"}
    page = client.post(url, data).content.decode()
    assert "la répartition doit tomber juste" in page and not case.l3.envelopes.exists()
    response = client.post(url, {**data, f"t{case.south.pk}": "5000"})
    assert response.status_code == 302 and case.l3.envelopes.count() == 2


def test_the_manager_pays_on_their_envelope_and_not_on_anothers(case, login_as):
    client = login_as(case.manager)
    line = client.get(_url(case, "funding_line", pk=case.l1.pk)).content.decode()
    # The manager reads every envelope's totals but only their territory's commitments.
    assert "Sud" in line and case.c_north_1.reference in line and case.c_south.reference not in line
    assert "Modifier la ligne" not in line
    response = client.post(
        _url(case, "funding_payment_create", pk=case.c_north_2.pk),
        {"amount_eur": "2000", "paid_on": "2023-06-10", "reference": "MANDAT-42"},
    )
    assert response.status_code == 302
    assert Payment.objects.get(reference="MANDAT-42").commitment == case.c_north_2
    assert client.get(_url(case, "funding_payment_create", pk=case.c_south.pk)).status_code == 404
    assert client.get(_url(case, "funding_commitment_create", pk=case.l2.pk)).status_code == 404
    assert client.get(_url(case, "funding_line_split", pk=case.l1.pk)).status_code == 404
    before = Commitment.objects.count()
    south = case.l1.envelopes.get(territory=case.south)
    page = client.post(
        _url(case, "funding_commitment_create", pk=case.l1.pk),
        {
            "envelope": south.pk,
            "operator": case.op1.pk,
            "instrument": "subvention",
            "reference": "X",
            "amount_eur": "10",
            "committed_on": "2023-06-01",
        },
    )
    assert page.status_code == 200 and Commitment.objects.count() == before  # Sud is not offered


def test_the_plans_other_readers_and_other_departements_get_404(case, login_as):
    caf = login_as(MembershipFactory(role=Role.REFERENT, organisation=Organisation.objects.get(kind="caf")))
    # The CAF reads the plan (it signs it) but not its money.
    assert caf.get(reverse("programme:detail", args=[case.programme.code])).status_code == 200
    for name, kwargs in [("funding_budget", {}), ("funding_execution", {}), ("funding_line", {"pk": case.l1.pk})]:
        assert caf.get(_url(case, name, **kwargs)).status_code == 404
    other = login_as(
        MembershipFactory(
            role=Role.ADMINISTRATOR,
            organisation=OrganisationFactory(kind="cd", departement__code="64", departement__name="PA"),
        )
    )
    assert other.get(_url(case, "funding_budget")).status_code == 404
    analyst = login_as(MembershipFactory(role=Role.ANALYST, organisation=case.pilot.organisation))
    assert analyst.get(_url(case, "funding_budget")).status_code == 200
    assert analyst.get(_url(case, "funding_line_create")).status_code == 404
    assert analyst.get(_url(case, "funding_payment_create", pk=case.c_l2.pk)).status_code == 404


def test_the_fiche_and_the_plan_link_to_the_money(case, login_as):
    client = login_as(case.pilot)
    fiche = client.get(reverse("programme:action", args=[case.programme.code, case.l1.action_id])).content.decode()
    assert _url(case, "funding_line", pk=case.l1.pk) in fiche
    plan = client.get(reverse("programme:detail", args=[case.programme.code])).content.decode()
    assert _url(case, "funding_budget") in plan


def test_the_homes_show_the_execution_and_the_managers_envelopes(case, login_as):
    home = login_as(case.pilot).get("/").content.decode()
    assert "Financement du plan" in home and "engagée à 90 % ou plus" in home
    manager_home = login_as(case.manager).get("/").content.decode()
    assert "Les enveloppes ouvertes de votre territoire" in manager_home and "Nord" in manager_home


def test_the_pilot_records_a_marche_and_its_lots_within_its_amount(case, login_as):
    from jalon.offer.plateaux.models import PathStep, PlateauTechnique
    from jalon.programme.funding.models import Contract, Lot
    from tests.offer.factories import StructureFactory

    plateau = PlateauTechnique.objects.create(
        departement=case.programme.departement,
        name="Plateau mobilité Nord",
        path_step=PathStep.BARRIERS,
        lead_structure=StructureFactory(),
        starts_on=datetime.date(2023, 1, 1),
        target_participants=10,
        professionals=2,
    )
    client = login_as(case.pilot)
    assert "Enregistrer un marché" in client.get(_url(case, "funding_contracts")).content.decode()
    response = client.post(
        _url(case, "funding_contract_create"),
        {
            "title": "Marché d'insertion 2023",
            "procedure": "bons_commande",
            "starts_on": "2023-01-01",
            "ends_on": "2024-12-31",
            "amount_eur": "80000",
            "amount_is_max": "on",
        },
    )
    contract = Contract.objects.get(title="Marché d'insertion 2023")
    assert response.url == _url(case, "funding_contract", pk=contract.pk) and contract.amount_is_max

    lot_url = _url(case, "funding_lot_create", pk=contract.pk)
    lot = {"number": 1, "title": "Accompagnement Nord", "territory": case.north.pk, "path_step": "accompagnement"}
    lot |= {"holder": case.op1.pk, "co_contractors": [case.op2.pk], "plateaux": [plateau.pk]}
    refused = client.post(lot_url, {**lot, "amount_eur": "90000"}).content.decode()
    assert "Les lots dépasseraient le montant du marché" in refused and not Lot.objects.exists()
    assert client.post(lot_url, {**lot, "amount_eur": "50000"}).status_code == 302

    saved = Lot.objects.get(contract=contract)
    assert (saved.holder, list(saved.co_contractors.all()), list(saved.plateaux.all())) == (
        case.op1,
        [case.op2],
        [plateau],
    )
    page = client.get(_url(case, "funding_contract", pk=contract.pk)).content.decode()
    assert "Accompagnement Nord" in page and "Plateau mobilité Nord" in page
    # The manager reads the marchés; he records none.
    manager = login_as(case.manager)
    assert "Enregistrer un marché" not in manager.get(_url(case, "funding_contracts")).content.decode()
    assert manager.get(_url(case, "funding_contract_create")).status_code == 404


def test_a_partner_system_reads_the_consolidated_execution(case, login_as):
    url = reverse("api:programme_execution", kwargs={"code": case.programme.code})

    execution = login_as(case.manager).get(url).json()

    # The hand-built case (conftest): voted 170 000 €, committed 109 000 €, paid 45 000 €.
    assert execution["total"]["voted"] == "170000.00" and execution["total"]["committed"] == "109000.00"
    assert execution["total"]["paid"] == "45000.00" and execution["total"]["committed_rate"] == 64
    assert [(t["line"], t["voted"]) for t in execution["by_territory"]][:2] == [
        ("Nord", "60000.00"),
        ("Sud", "40000.00"),
    ]
    caf_referent = MembershipFactory(role=Role.REFERENT, organisation=Organisation.objects.get(name="CAF des Landes"))
    assert login_as(caf_referent).get(url).status_code == 404  # reads the plan, not its money
