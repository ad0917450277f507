import json

import pytest
from data_inclusion.schema import v1
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from jalon.core.periods import add_months
from jalon.notebook.referentials import freins_default_create
from jalon.offer.demo import PATHS, build
from jalon.offer.enums import OfferStatus
from jalon.offer.measures.figures import offer_figures
from jalon.offer.models import Measure, PlateauTechnique, Referral, ReferralStatus, Service, Structure
from jalon.territories.models import Territory


pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_ctx(django_db_setup, django_db_blocker):
    from jalon.demo.builder import demo_build

    with django_db_blocker.unblock():
        call_command("load_cog", "--departements", "40", verbosity=0)
        ctx = demo_build(departement_code="40", log=lambda _message: None, households=300)
        build(ctx)  # the second call is a no-op
        yield ctx
        call_command("flush", "--no-input", verbosity=0)
        freins_default_create()  # a migration's data, which the flush removed: the next tests expect it


def test_the_demo_offer_covers_every_territory_and_thematique(demo_ctx):
    services = Service.objects.filter(departement_id="40")
    published = services.filter(status=OfferStatus.PUBLISHED)
    assert published.count() >= 150
    assert services.filter(status=OfferStatus.DRAFT).exists() or services.filter(status=OfferStatus.ARCHIVED).exists()
    categories = {code.split("--")[0] for codes in published.values_list("thematiques", flat=True) for code in codes}
    assert len(categories) >= 14
    for service in published:
        service.full_clean()  # every code is one of the package's
    # Every territory is served: its EPCI are in the zone of some services.
    for territory in Territory.objects.filter(departement_id="40"):
        epcis = set(territory.communes.exclude(epci=None).values_list("epci_id", flat=True))
        assert published.filter(eligibility_zone__has_any=sorted(epcis)).exists(), territory
    # The demo associations and SIAE have their structure with their Jalon account.
    assert Structure.objects.filter(organisation=demo_ctx.organisations["aci"]).exists()
    assert Structure.objects.filter(departement_id="40", organisation=None).count() > 30
    # Funding labels on part of the services (the referral figures group by them).
    labelled = published.filter(funding_labels__isnull=False).distinct().count()
    assert 0 < labelled < published.count()


def _served(url: str) -> list[dict]:
    """Every record of a paginated list of the public API, page after page, as an anonymous caller."""
    client, records = APIClient(), []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        records.extend(response.json()["results"])
        url = response.json()["next"]
    return records


def test_every_record_the_api_and_the_export_serve_is_valid_for_data_inclusion(demo_ctx, tmp_path):
    published = Service.objects.filter(status=OfferStatus.PUBLISHED)
    structures = _served(reverse("api:offer_structures"))
    services = _served(reverse("api:offer_services"))
    assert len(services) == published.count() > 150
    assert len(structures) == Structure.objects.filter(services__in=published).distinct().count()
    call_command("export_offer", str(tmp_path / "offre.json"), verbosity=0)
    exported = json.loads((tmp_path / "offre.json").read_text(encoding="utf-8"))
    # The export leaves out what the package refuses: nothing may be left out.
    assert len(exported["services"]) == len(services)
    assert len(exported["structures"]) == len(structures)
    for schema, records in (
        (v1.Structure, structures + exported["structures"]),
        (v1.Service, services + exported["services"]),
    ):
        for record in records:
            schema.model_validate(record)  # raises on the first invalid record, with its field and value


def test_the_demo_referrals_go_through_every_status_with_their_history(demo_ctx):
    referrals = Referral.objects.filter(person__departement_id="40").annotate(steps=Count("events"))
    assert set(referrals.values_list("status", flat=True)) == set(ReferralStatus.values)
    for referral in referrals:
        assert referral.steps == len(PATHS[referral.status])
        assert referral.service.status == OfferStatus.PUBLISHED
    # Some go to a structure with a Jalon account (its members answer), others through the secure link.
    assert referrals.exclude(structure__organisation=None).exists()
    assert referrals.filter(structure__organisation=None).exists()


def test_the_fiche_4_and_landes_indicators_are_computed_on_the_demo(demo_ctx):
    today = timezone.localdate()
    assert (
        PlateauTechnique.objects.filter(departement_id="40").count()
        == Territory.objects.filter(departement_id="40").count()
    )
    figures = offer_figures(departement_id="40", start=add_months(today, -12), end=today)
    assert any(row.participants > 0 for row in figures.plateaux)
    assert all(row.with_measure <= row.participants for row in figures.plateaux)
    kinds = set(Measure.objects.filter(person__departement_id="40").values_list("kind", flat=True))
    assert {"iae", "pmsmp"} <= kinds
    assert figures.totals["iae_employees"] > 0
