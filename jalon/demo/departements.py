"""What a demo Département looks like: its territories (real EPCI groupings) and its organisations.

Public institutions carry their real names; associations, SIAE and operators are marked "(démo)".
"""

from dataclasses import dataclass, field

from jalon.organisations.enums import OrganisationKind as Kind
from jalon.territories.enums import TerritoryKind


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name: str
    kind: Kind
    commune: str  # INSEE code
    parent: str | None = None
    territory: str | None = None  # name of the territory it serves, if local


@dataclass(frozen=True)
class DemoDepartement:
    code: str
    territory_kind: TerritoryKind
    # territory name -> SIREN of the EPCI whose communes it groups
    territories: dict[str, list[str]]
    organisations: list[DemoOrganisation] = field(default_factory=list)
    email_domain: str = "demo.jalon.test"


LANDES = DemoDepartement(
    code="40",
    territory_kind=TerritoryKind.SOCIAL_ACTION_TERRITORY,
    email_domain="landes.demo.jalon.test",
    territories={
        "Territoire de Mont-de-Marsan": ["244000808", "200035541", "244000774", "244000824"],
        "Territoire de Dax": ["244000675", "200069417", "200069631", "244000881"],
        "Territoire du Sud Landes": ["244000865", "244000659"],
        "Territoire de la Haute Lande et du littoral nord": [
            "244000543",
            "244000873",
            "200069656",
            "244000691",
            "244000857",
        ],
        "Territoire de Chalosse-Tursan": ["200030435", "200069649", "244000766"],
    },
    organisations=[
        DemoOrganisation(
            "cd",
            "Département des Landes — Direction de la solidarité départementale",
            Kind.CONSEIL_DEPARTEMENTAL,
            "40192",
        ),
        DemoOrganisation(
            "orientation",
            "Département des Landes — Plateforme d'orientation",
            Kind.CONSEIL_DEPARTEMENTAL,
            "40192",
            parent="cd",
        ),
        DemoOrganisation(
            "tas_mdm",
            "Action sociale — Territoire de Mont-de-Marsan",
            Kind.TERRITORIAL_SERVICE,
            "40192",
            parent="cd",
            territory="Territoire de Mont-de-Marsan",
        ),
        DemoOrganisation(
            "tas_dax",
            "Action sociale — Territoire de Dax",
            Kind.TERRITORIAL_SERVICE,
            "40088",
            parent="cd",
            territory="Territoire de Dax",
        ),
        DemoOrganisation(
            "tas_sud",
            "Action sociale — Territoire du Sud Landes",
            Kind.TERRITORIAL_SERVICE,
            "40284",
            parent="cd",
            territory="Territoire du Sud Landes",
        ),
        DemoOrganisation(
            "tas_nord",
            "Action sociale — Territoire de la Haute Lande et du littoral nord",
            Kind.TERRITORIAL_SERVICE,
            "40197",
            parent="cd",
            territory="Territoire de la Haute Lande et du littoral nord",
        ),
        DemoOrganisation(
            "tas_chalosse",
            "Action sociale — Territoire de Chalosse-Tursan",
            Kind.TERRITORIAL_SERVICE,
            "40282",
            parent="cd",
            territory="Territoire de Chalosse-Tursan",
        ),
        DemoOrganisation(
            "ft_mdm",
            "France Travail — agence de Mont-de-Marsan",
            Kind.FRANCE_TRAVAIL,
            "40192",
            territory="Territoire de Mont-de-Marsan",
        ),
        DemoOrganisation(
            "ft_dax", "France Travail — agence de Dax", Kind.FRANCE_TRAVAIL, "40088", territory="Territoire de Dax"
        ),
        DemoOrganisation(
            "ft_tarnos",
            "France Travail — agence de Tarnos",
            Kind.FRANCE_TRAVAIL,
            "40312",
            territory="Territoire du Sud Landes",
        ),
        DemoOrganisation("caf", "CAF des Landes", Kind.CAF, "40192"),
        DemoOrganisation("msa", "MSA Sud Aquitaine", Kind.MSA, "40192"),
        DemoOrganisation("ml", "Mission locale des Landes", Kind.MISSION_LOCALE, "40192"),
        DemoOrganisation("cap_emploi", "Cap emploi Landes", Kind.CAP_EMPLOI, "40192"),
        DemoOrganisation(
            "ccas_mdm", "CCAS de Mont-de-Marsan", Kind.CCAS, "40192", territory="Territoire de Mont-de-Marsan"
        ),
        DemoOrganisation("ccas_dax", "CCAS de Dax", Kind.CCAS, "40088", territory="Territoire de Dax"),
        DemoOrganisation("bge", "BGE Landes (démo)", Kind.ASSOCIATION, "40192"),
        DemoOrganisation("asso_mobilite", "Mobilité solidaire landaise (démo)", Kind.ASSOCIATION, "40088"),
        DemoOrganisation(
            "aci",
            "Atelier chantier d'insertion Les Pins solidaires (démo)",
            Kind.SIAE,
            "40192",
            territory="Territoire de Mont-de-Marsan",
        ),
        DemoOrganisation(
            "ei", "Entreprise d'insertion Adour Recyclerie (démo)", Kind.SIAE, "40088", territory="Territoire de Dax"
        ),
        DemoOrganisation("operateur", "Remobilisation Landes Emploi (démo)", Kind.OPERATOR, "40192"),
    ],
)

PYRENEES_ATLANTIQUES = DemoDepartement(
    code="64",
    territory_kind=TerritoryKind.SDSEI,
    email_domain="pa.demo.jalon.test",
    territories={
        "SDSEI Pau agglomération": ["200067254"],
        "SDSEI Adour BAB et Pays basque": ["200067106"],
        "SDSEI Orthez-Lacq et Béarn des Gaves": ["200039204", "200067288"],
        "SDSEI Nord-Est Béarn": ["200067296", "200072106", "200067239"],
        "SDSEI Haut Béarn et vallées": ["200067262", "246400337", "246401756"],
    },
    organisations=[
        DemoOrganisation(
            "cd",
            "Département des Pyrénées-Atlantiques — Direction opérationnelle de la politique insertion",
            Kind.CONSEIL_DEPARTEMENTAL,
            "64445",
        ),
        DemoOrganisation(
            "orientation",
            "Département des Pyrénées-Atlantiques — Cellule d'orientation",
            Kind.CONSEIL_DEPARTEMENTAL,
            "64445",
            parent="cd",
        ),
        DemoOrganisation(
            "tas_mdm",
            "SDSEI Pau agglomération",
            Kind.TERRITORIAL_SERVICE,
            "64445",
            parent="cd",
            territory="SDSEI Pau agglomération",
        ),
        DemoOrganisation(
            "tas_dax",
            "SDSEI Adour BAB et Pays basque",
            Kind.TERRITORIAL_SERVICE,
            "64102",
            parent="cd",
            territory="SDSEI Adour BAB et Pays basque",
        ),
        DemoOrganisation(
            "tas_sud",
            "SDSEI Orthez-Lacq et Béarn des Gaves",
            Kind.TERRITORIAL_SERVICE,
            "64430",
            parent="cd",
            territory="SDSEI Orthez-Lacq et Béarn des Gaves",
        ),
        DemoOrganisation(
            "tas_nord",
            "SDSEI Nord-Est Béarn",
            Kind.TERRITORIAL_SERVICE,
            "64445",
            parent="cd",
            territory="SDSEI Nord-Est Béarn",
        ),
        DemoOrganisation(
            "tas_chalosse",
            "SDSEI Haut Béarn et vallées",
            Kind.TERRITORIAL_SERVICE,
            "64422",
            parent="cd",
            territory="SDSEI Haut Béarn et vallées",
        ),
        DemoOrganisation(
            "ft_mdm",
            "France Travail — agence de Pau",
            Kind.FRANCE_TRAVAIL,
            "64445",
            territory="SDSEI Pau agglomération",
        ),
        DemoOrganisation(
            "ft_dax",
            "France Travail — agence de Bayonne",
            Kind.FRANCE_TRAVAIL,
            "64102",
            territory="SDSEI Adour BAB et Pays basque",
        ),
        DemoOrganisation("caf", "CAF du Béarn et de la Soule", Kind.CAF, "64445"),
        DemoOrganisation("msa", "MSA Sud Aquitaine", Kind.MSA, "64445"),
        DemoOrganisation("ml", "Mission locale Pau Pyrénées", Kind.MISSION_LOCALE, "64445"),
        DemoOrganisation(
            "aci",
            "Atelier chantier d'insertion Gave et Forêt (démo)",
            Kind.SIAE,
            "64445",
            territory="SDSEI Pau agglomération",
        ),
        DemoOrganisation("operateur", "Plateau technique Béarn insertion (démo)", Kind.OPERATOR, "64445"),
    ],
)

DEMO_DEPARTEMENTS = {d.code: d for d in (LANDES, PYRENEES_ATLANTIQUES)}
