import datetime

import factory

from jalon.offer.enums import OfferStatus
from jalon.offer.models import FundingLabel, Service, Structure


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    source = "dora"
    source_id = factory.Sequence(lambda n: f"dora--structure-{n}")
    name = factory.Sequence(lambda n: f"Association d'insertion {n}")
    updated_on = datetime.date(2025, 3, 1)
    siret = "13003013300016"
    insee_code = "40192"
    postal_code = "40000"
    commune_name = "Mont-de-Marsan"
    email = "contact@exemple.fr"
    website = "https://exemple.fr/"
    networks = ["mission-locale"]


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    source = factory.SelfAttribute("structure.source")
    source_id = factory.Sequence(lambda n: f"dora--service-{n}")
    structure = factory.SubFactory(StructureFactory)
    name = factory.Sequence(lambda n: f"Atelier permis de conduire {n}")
    description = "Un accompagnement vers le permis de conduire, en petit groupe."
    updated_on = datetime.date(2025, 3, 1)
    kind = "accompagnement"
    thematiques = ["mobilite--preparer-un-permis"]
    fee = "gratuit"
    publics = ["beneficiaires-des-minimas-sociaux"]
    reception_modes = ["en-presentiel"]
    eligibility_zone = ["40"]
    mobilisation_modes = ["telephoner"]
    mobilisable_by = ["professionnels"]
    status = OfferStatus.PUBLISHED

    class Params:
        draft = factory.Trait(status=OfferStatus.DRAFT)
        archived = factory.Trait(status=OfferStatus.ARCHIVED)


class FundingLabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingLabel

    code = factory.Sequence(lambda n: f"label-{n}")
    label = factory.Sequence(lambda n: f"Financé par le Département ({n})")
