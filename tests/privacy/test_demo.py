from types import SimpleNamespace

import pytest

from jalon.privacy.demo import build
from jalon.privacy.models import DataSharingConvention
from tests.organisations.factories import OrganisationFactory
from tests.territories.factories import DepartementFactory


@pytest.mark.django_db
def test_the_demo_register_has_a_convention_per_partner_and_is_idempotent():
    landes = DepartementFactory()
    organisations = {
        f"org{index}": OrganisationFactory(kind=kind, departement=landes)
        for index, kind in enumerate(
            ["cd", "sdsei", "france_travail", "caf", "siae", "association", "operateur", "ccas"]
        )
    }
    ctx = SimpleNamespace(organisations=organisations, log=lambda text: None)
    build(ctx)
    conventions = DataSharingConvention.objects.select_related("organisation")
    assert sorted(c.organisation.kind for c in conventions) == sorted(
        ["france_travail", "caf", "siae", "association", "operateur", "ccas"]
    )
    assert {c.legal_basis for c in conventions} >= {"casf_l263_4_1", "legal_obligation", "processor"}
    assert any(not c.is_in_force() for c in conventions) and any(c.expires_on is None for c in conventions)
    build(ctx)
    assert DataSharingConvention.objects.count() == 6
