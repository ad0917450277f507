import pytest

from tests.territories.factories import CommuneFactory, DepartementFactory, EpciFactory, RegionFactory


@pytest.fixture
def mont_de_marsan(db):
    """A commune of the Landes (région Nouvelle-Aquitaine, code 75) in its EPCI."""
    landes = DepartementFactory(code="40", name="Landes", region=RegionFactory(code="75"))
    epci = EpciFactory(code="244000675", name="Mont-de-Marsan Agglomération")
    return CommuneFactory(code="40192", name="Mont-de-Marsan", departement=landes, epci=epci)
