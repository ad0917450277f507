import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.offer.directory import selectors
from jalon.offer.directory.services import stale_services_remind
from tests.conftest import actor_for
from tests.offer.directory.conftest import make_service
from tests.offer.factories import StructureFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import TerritoryFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def territories(geo):
    dax = TerritoryFactory(departement=geo.landes, name="SDSEI de Dax")
    dax.communes.set([geo.dax, geo.saint_paul])
    marsan = TerritoryFactory(departement=geo.landes, name="SDSEI de Mont-de-Marsan")
    marsan.communes.set([geo.mont_de_marsan])
    return dax, marsan


def counts(coverage, category_code):
    index = [code for code, _ in coverage.categories].index(category_code)
    return {row.label: row.counts[index] for row in coverage.rows}


def test_coverage_per_thematique_and_territory_with_zones_blanches(geo, territories, django_assert_max_num_queries):
    make_service(eligibility_zone=["40279"], thematiques=["mobilite--preparer-un-permis"])  # Saint-Paul only
    make_service(eligibility_zone=["244000865"], thematiques=["mobilite--acceder-a-un-vehicule"])  # Grand Dax
    make_service(eligibility_zone=["40"], thematiques=["famille--garde-denfants"])  # the whole département
    make_service(
        eligibility_zone=["france"], thematiques=["famille--soutien-aidants", "mobilite--financer-ma-mobilite"]
    )
    make_service(eligibility_zone=["33"], thematiques=["sante--acces-aux-soins"])  # Gironde
    make_service(eligibility_zone=["40192"], thematiques=["mobilite--preparer-un-permis"], draft=True)
    actor = actor_for(MembershipFactory(role=Role.TERRITORY_MANAGER, organisation__departement=geo.landes))

    with django_assert_max_num_queries(3):
        coverage = selectors.offer_coverage(actor=actor, departement_id="40")

    assert [row.label for row in coverage.rows] == ["SDSEI de Dax", "SDSEI de Mont-de-Marsan"]
    assert counts(coverage, "mobilite") == {"SDSEI de Dax": 3, "SDSEI de Mont-de-Marsan": 1}
    assert counts(coverage, "famille") == {"SDSEI de Dax": 2, "SDSEI de Mont-de-Marsan": 2}
    assert counts(coverage, "sante") == {"SDSEI de Dax": 0, "SDSEI de Mont-de-Marsan": 0}
    # 16 categories: Dax has 2 covered, Mont-de-Marsan 2 covered.
    assert [row.blank_count for row in coverage.rows] == [14, 14]
    assert coverage.blank_cells == 28

    rows = selectors.coverage_rows(coverage)
    assert rows[0] == ["regroupement", "territoire", "thématique", "services", "zone blanche"]
    assert ["territoire", "SDSEI de Dax", "Mobilité", 3, "non"] in rows
    assert ["territoire", "SDSEI de Mont-de-Marsan", "Santé", 0, "oui"] in rows


def test_coverage_by_epci(geo):
    make_service(eligibility_zone=["40088"], thematiques=["mobilite--preparer-un-permis"])
    actor = actor_for(MembershipFactory(role=Role.TERRITORY_MANAGER, organisation__departement=geo.landes))
    coverage = selectors.offer_coverage(actor=actor, departement_id="40", grouping=selectors.BY_EPCI)
    assert counts(coverage, "mobilite") == {"CA du Grand Dax": 1, "Mont-de-Marsan Agglomération": 0}


def test_coverage_csv_export(geo, territories, login_as):
    make_service(eligibility_zone=["40"], thematiques=["mobilite--preparer-un-permis"])
    client = login_as(MembershipFactory(role=Role.ADMINISTRATOR, organisation__departement=geo.landes))
    response = client.get("/offre/couverture.csv")
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "territoire;SDSEI de Dax;Mobilité;1;non" in content
    assert "territoire;SDSEI de Dax;Santé;0;oui" in content


def test_stale_services_and_the_reminder_digest(geo, settings):
    settings.JALON_OFFER_STALE_MONTHS = 6
    today = datetime.date(2026, 11, 22)
    organisation = OrganisationFactory(name="Mobilité 40", departement=geo.landes)
    members = [MembershipFactory(organisation=organisation, role=Role.PARTNER) for _ in range(2)]
    MembershipFactory(organisation=organisation, role=Role.PARTNER, is_active=False)
    structure = StructureFactory(organisation=organisation)
    make_service(structure=structure, updated_on=datetime.date(2026, 1, 1))
    make_service(
        structure=structure, updated_on=datetime.date(2026, 1, 1), last_confirmed_on=datetime.date(2026, 5, 1)
    )
    make_service(
        structure=structure, updated_on=datetime.date(2026, 1, 1), last_confirmed_on=datetime.date(2026, 10, 1)
    )
    make_service(structure=structure, updated_on=datetime.date(2026, 1, 1), draft=True)
    make_service(structure=StructureFactory(), updated_on=datetime.date(2020, 1, 1))  # no Jalon account

    assert selectors.stale_services(today=today).count() == 3
    assert selectors.stale_counts_by_organisation(today=today) == {organisation.pk: 2}

    assert stale_services_remind(today=today) == 2

    assert sorted(message.to[0] for message in mail.outbox) == sorted(member.user.email for member in members)
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "Jalon : 2 services de l'offre à confirmer"
    assert "- Mobilité 40 : 2 services à confirmer" in body
    assert "/offre/mes-services/" in body
    event = AuditEvent.objects.get(code=AuditCode.OFFER_STALE_REMINDED)
    assert event.data["courriels"] == 2 and event.data["services"] == 2


def test_no_reminder_when_everything_is_fresh(geo):
    make_service(
        structure=StructureFactory(organisation=OrganisationFactory()), last_confirmed_on=timezone.localdate()
    )
    assert stale_services_remind() == 0
    assert mail.outbox == []


def test_the_daily_run_reminds_stale_services_on_the_first_of_the_month_only(geo, settings):
    settings.JALON_OFFER_STALE_MONTHS = 6
    organisation = OrganisationFactory(name="Mobilité 40", departement=geo.landes)
    MembershipFactory(organisation=organisation, role=Role.PARTNER)
    make_service(structure=StructureFactory(organisation=organisation), updated_on=datetime.date(2026, 1, 1))

    out = io.StringIO()
    call_command("offer_daily", "--date", "2026-11-30", stdout=out)
    assert "Services à confirmer" not in out.getvalue()
    assert mail.outbox == []

    call_command("offer_daily", "--date", "2026-12-01", stdout=out)
    assert "Services à confirmer : 1 rappel(s) envoyé(s) aux structures." in out.getvalue()
    assert len(mail.outbox) == 1
