"""A small plan in the data files' format, written by hand, for the loader and the screens' tests."""

import copy

from jalon.observatory.services import catalogue_load
from jalon.programme.loader import programme_load
from tests.organisations.factories import OrganisationFactory
from tests.territories.factories import DepartementFactory


SMALL_PLAN = {
    "programme": {
        "code": "test-pti-2021-2025",
        "departement": "40",
        "kind": "pti",
        "title": "Pacte de test 2021-2025",
        "start": "2021-01-01",
        "end": "2025-12-31",
        "document": "Pacte de test",
        "source": "Page de titre",
    },
    "organisations": [
        {"key": "cd40", "name": "Département des Landes", "kind": "cd", "signatory": True, "circle": 1},
        {"key": "caf", "name": "CAF", "kind": "caf", "signatory": True, "circle": 1},
        {"key": "etat", "name": "Préfecture des Landes", "kind": "etat", "signatory": True, "circle": 1},
        {"key": "aml", "name": "Association des maires des Landes", "kind": "autre", "signatory": False},
    ],
    "funding_sources": [
        {"code": "SPIE", "name": "Service public de l'insertion et de l'emploi", "funder": "etat"},
        {"code": "CALPAE", "name": "Convention d'appui à la lutte contre la pauvreté", "funder": "etat"},
    ],
    "axes": [
        {
            "code": "A",
            "title": "Proposer un accompagnement adapté",
            "kind": "path",
            "source": "Tableau de synthèse",
            "objectives": [{"code": "A-O1", "title": "Optimiser l'accueil et l'orientation", "level": "strategic"}],
        },
        {"code": "C", "title": "Animer une offre lisible", "kind": "transversal", "objectives": []},
    ],
    "actions": [
        {
            "code": "A.1",
            "number": 1,
            "title": "Généraliser le recueil DSP simplifié",
            "axis": "A",
            "objective": "A-O1",
            "sheet": True,
            "schedule": "Sept. 2021",
            "steps": [
                {"title": "Recueil par la CAF", "start": "2021-09-01", "end": "2021-12-31"},
                {"title": "Bilan", "start": "2022-06-01", "end": None},
            ],
            "pilots": ["cd40", "caf"],
            "contributors": ["aml"],
            "funding": {
                "sources": ["SPIE"],
                "amounts": [
                    {"label": "prestataire", "amount_eur": 50000, "per": "year", "source_code": "SPIE"},
                    {"label": "référents", "amount_eur": 190000, "per": "year", "source_code": "CALPAE"},
                ],
            },
            "indicators": [
                {
                    "code": "L01",
                    "targets": [{"year": 2021, "value": 100, "unit": "%", "text": "100 % des nouveaux entrants"}],
                },
                {"code": "L03", "targets": [{"year": 2022, "value": 80, "unit": "%", "text": "80 % orientés"}]},
            ],
            "source": "Fiche action A.1",
        },
        {
            "code": "C.2",
            "number": 2,
            "title": "Forum annuel",
            "axis": "C",
            "objective": None,
            "sheet": False,
            "pilots": ["cd40"],
            "source": "Tableau de synthèse",
            "notes": ["numéro déduit de l'ordre des tableaux"],
        },
    ],
    "bodies": [
        {
            "code": "copil",
            "name": "Comité de pilotage élargi",
            "kind": "copil",
            "level": "departement",
            "chairs": ["cd40", "etat"],
            "members": ["cd40", "etat", "caf"],
            "frequency": "annual",
            "min_meetings_per_year": 1,
        }
    ],
}


def small_plan() -> dict:
    return copy.deepcopy(SMALL_PLAN)


def plan_prerequisites():
    """What a plan is loaded onto: the Landes with its Conseil départemental and its CAF, and the catalogue."""
    departement = DepartementFactory(code="40")
    OrganisationFactory(name="Conseil départemental des Landes", kind="cd", departement=departement)
    OrganisationFactory(name="CAF des Landes", kind="caf", departement=departement)
    catalogue_load()
    return departement


def load_small_plan():
    plan_prerequisites()
    return programme_load(data=small_plan())
