import factory

from jalon.territories.models import Commune, Departement, Epci, Region, Territory


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "75"
    name = "Nouvelle-Aquitaine"


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ["code"]

    code = "40"
    name = "Landes"
    region = factory.SubFactory(RegionFactory)


class EpciFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Epci
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"2000{n:05d}")
    name = factory.Sequence(lambda n: f"CC de l'EPCI {n}")
    kind = "CC"
    population = 10000


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"40{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    departement = factory.SubFactory(DepartementFactory)
    postal_codes = factory.LazyAttribute(lambda o: [f"{o.code[:2]}000"])
    population = 1000


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory

    departement = factory.SubFactory(DepartementFactory)
    name = factory.Sequence(lambda n: f"Territoire {n}")
