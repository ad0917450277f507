"""The main navigation, by role. Each later app adds its entries here, next to the roles that use them."""

from dataclasses import dataclass

from django.urls import reverse

from jalon.core.enums import Role
from jalon.core.scoping import view_opens_for


# The menu's groups, by task; a group the viewer sees one entry of is shown as that entry alone.
ORIENTATION = "Orientation"
FOLLOW_UP = "Accompagnement"
OFFER = "Offre"
# The plan and its figures: the pilot's and analyst's work.
FIGURES = "Pilotage"
ADMINISTRATION = "Administration"


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[Role, ...]  # empty: every professional
    group: str = ""

    def url(self) -> str:
        return reverse(self.url_name)


ALL_ROLES: tuple[Role, ...] = ()
PERSON_SEARCH_URL = "people:search"

NAVIGATION: list[NavItem] = [
    NavItem("Accueil", "workspace:home", ALL_ROLES),
    NavItem(
        "À orienter",
        "orientation:queue",
        (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.TERRITORY_MANAGER),
        group=ORIENTATION,
    ),
    NavItem(
        "Séances",
        "orientation:sessions",
        (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.TERRITORY_MANAGER, Role.REFERENT),
        group=ORIENTATION,
    ),
    NavItem(
        "Délais",
        "orientation:delays",
        (Role.ORIENTATION_OFFICER, Role.TERRITORY_MANAGER, Role.ADMINISTRATOR, Role.PROGRAMME_PILOT),
        group=ORIENTATION,
    ),
    NavItem("Alertes", "orientation:alerts", (Role.REFERENT,), group=ORIENTATION),
    NavItem(
        "EPL",
        "orientation:epl_list",
        (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.TERRITORY_MANAGER),
        group=ORIENTATION,
    ),
    # The suspension-remobilisation procedures: the Président's, run by the Département's own staff.
    NavItem(
        "Droits et devoirs",
        "duties:list",
        (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR),
        group=ORIENTATION,
    ),
    NavItem(
        "Longue durée",
        "orientation:long_term_list",
        (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.TERRITORY_MANAGER, Role.REFERENT),
        group=ORIENTATION,
    ),
    # Sessions and appointments, week by week: the day's work of whoever holds them (a manager opens their team's).
    NavItem(
        "Agenda",
        "workspace:calendar",
        (Role.REFERENT, Role.ORIENTATION_OFFICER, Role.PARTNER, Role.TERRITORY_MANAGER, Role.ADMINISTRATOR),
        group=FOLLOW_UP,
    ),
    NavItem("Suivi", "notebook:caseload", (Role.REFERENT, Role.TERRITORY_MANAGER), group=FOLLOW_UP),
    NavItem(
        "Orientations reçues",
        "offer:referrals_received",
        (Role.PARTNER, Role.REFERENT, Role.ADMINISTRATOR, Role.ORIENTATION_OFFICER),
        group=FOLLOW_UP,
    ),
    NavItem(
        "Orientations envoyées",
        "offer:referrals_sent",
        (Role.REFERENT, Role.ORIENTATION_OFFICER, Role.PARTNER),
        group=FOLLOW_UP,
    ),
    NavItem("Mon portefeuille", "orientation:caseload", (Role.REFERENT,), group=FOLLOW_UP),
    # The same page for those who lead référents: their people, référent by référent, and the transfers.
    NavItem(
        "Portefeuilles des référents",
        "orientation:caseload",
        (Role.TERRITORY_MANAGER, Role.ADMINISTRATOR),
        group=FOLLOW_UP,
    ),
    NavItem(
        "Suivi en emploi",
        "exits:follow_up",
        (Role.REFERENT, Role.PARTNER, Role.TERRITORY_MANAGER, Role.ADMINISTRATOR),
        group=FOLLOW_UP,
    ),
    NavItem(
        "Offres d'emploi",
        "employment:offers",
        (Role.REFERENT, Role.PARTNER, Role.TERRITORY_MANAGER, Role.ADMINISTRATOR, Role.ORIENTATION_OFFICER),
        group=FOLLOW_UP,
    ),
    NavItem(
        "Personnes",
        PERSON_SEARCH_URL,
        (Role.ADMINISTRATOR, Role.ORIENTATION_OFFICER, Role.REFERENT, Role.TERRITORY_MANAGER),
        group=FOLLOW_UP,
    ),
    NavItem(
        "Plan d'action",
        "programme:list",
        (Role.PROGRAMME_PILOT, Role.ADMINISTRATOR, Role.TERRITORY_MANAGER, Role.ANALYST),
        group=FIGURES,
    ),
    NavItem("Enquêtes", "surveys:home", (Role.PROGRAMME_PILOT, Role.ANALYST, Role.ADMINISTRATOR), group=FIGURES),
    NavItem(
        "Participation des usagers",
        "participation:bodies",
        (Role.PROGRAMME_PILOT, Role.ADMINISTRATOR, Role.TERRITORY_MANAGER, Role.ANALYST),
        group=FIGURES,
    ),
    NavItem(
        "Évaluation du plan",
        "evaluation:index",
        (Role.PROGRAMME_PILOT, Role.ADMINISTRATOR, Role.ANALYST),
        group=FIGURES,
    ),
    NavItem(
        "Synthèse de l'observatoire",
        "observatory:summary",
        (Role.PROGRAMME_PILOT, Role.ANALYST, Role.TERRITORY_MANAGER, Role.ADMINISTRATOR),
        group=FIGURES,
    ),
    NavItem(
        "Portraits de territoire",
        "observatory:portraits",
        (Role.PROGRAMME_PILOT, Role.ANALYST, Role.TERRITORY_MANAGER, Role.ADMINISTRATOR),
        group=FIGURES,
    ),
    NavItem("Objectifs des indicateurs", "observatory:targets", (Role.PROGRAMME_PILOT,), group=FIGURES),
    NavItem(
        "Chiffres de l'orientation",
        "observatory:orientation_figures",
        (Role.PROGRAMME_PILOT, Role.ANALYST, Role.TERRITORY_MANAGER, Role.ADMINISTRATOR),
        group=FIGURES,
    ),
    NavItem(
        "Indicateurs de l'observatoire",
        "observatory:catalogue",
        (Role.PROGRAMME_PILOT, Role.ANALYST, Role.TERRITORY_MANAGER, Role.ADMINISTRATOR),
        group=FIGURES,
    ),
    # Whoever owns an entered indicator (a partner's member too): the view's own check filters the menu.
    NavItem("Valeurs à saisir", "observatory:entered_list", ALL_ROLES, group=FIGURES),
    NavItem(
        "Cohortes et trajectoires",
        "observatory:cohort",
        (Role.PROGRAMME_PILOT, Role.ANALYST, Role.TERRITORY_MANAGER, Role.ADMINISTRATOR),
        group=FIGURES,
    ),
    NavItem(
        "Qualité des données",
        "observatory:quality",
        (Role.PROGRAMME_PILOT, Role.ANALYST, Role.TERRITORY_MANAGER, Role.ADMINISTRATOR),
        group=FIGURES,
    ),
    NavItem(
        "Données ouvertes",
        "observatory:opendata_list",
        (Role.PROGRAMME_PILOT, Role.ANALYST),
        group=FIGURES,
    ),
    NavItem(
        "Retour OARSA (DREES)",
        "observatory:oarsa_return",
        (Role.PROGRAMME_PILOT, Role.ANALYST, Role.ADMINISTRATOR),
        group=FIGURES,
    ),
    NavItem(
        "Décisions pour les comités emploi",
        "observatory:committees_export",
        (Role.PROGRAMME_PILOT, Role.ADMINISTRATOR),
        group=FIGURES,
    ),
    NavItem(
        "Chiffres des carnets",
        "notebook:figures",
        (Role.PROGRAMME_PILOT, Role.ANALYST, Role.TERRITORY_MANAGER, Role.ADMINISTRATOR),
        group=FIGURES,
    ),
    NavItem(
        "Chiffres des mesures et plateaux",
        "offer:figures",
        (Role.PROGRAMME_PILOT, Role.ANALYST, Role.TERRITORY_MANAGER, Role.ADMINISTRATOR),
        group=FIGURES,
    ),
    NavItem(
        "Questionnaires papier",
        "surveys:paper_list",
        (Role.ORIENTATION_OFFICER, Role.REFERENT, Role.TERRITORY_MANAGER),
        group=FOLLOW_UP,
    ),
    NavItem("Offre d'insertion", "offer:search", ALL_ROLES, group=OFFER),
    NavItem("Entreprises", "employers:list", ALL_ROLES, group=OFFER),
    NavItem("Plateaux techniques", "offer:plateaux", ALL_ROLES, group=OFFER),
    NavItem("Services de ma structure", "offer:my_services", (Role.ADMINISTRATOR, Role.PARTNER), group=OFFER),
    NavItem(
        "Couverture de l'offre",
        "offer:coverage",
        (Role.TERRITORY_MANAGER, Role.ADMINISTRATOR, Role.PROGRAMME_PILOT),
        group=OFFER,
    ),
    NavItem("Imports", "intake:imports", (Role.ADMINISTRATOR,), group=ADMINISTRATION),
    NavItem("Critères d'orientation", "orientation:criteria", (Role.ADMINISTRATOR,), group=ADMINISTRATION),
    NavItem("Doublons", "people:duplicates", (Role.ADMINISTRATOR,), group=ADMINISTRATION),
    NavItem("Structures", "organisations:list", (Role.ADMINISTRATOR,), group=ADMINISTRATION),
    NavItem(
        "Territoires",
        "territories:list",
        (Role.ADMINISTRATOR, Role.TERRITORY_MANAGER, Role.PROGRAMME_PILOT, Role.ANALYST),
        group=ADMINISTRATION,
    ),
    NavItem("Journal d'audit", "core:audit_log", (Role.ADMINISTRATOR,), group=ADMINISTRATION),
]


def _view_opens_for(item: NavItem, actor) -> bool:
    """Asks the view's own access decorator, so that a menu never offers a page that would answer 404."""
    return view_opens_for(actor, item.url())


def navigation_for(actor) -> list[NavItem]:
    if actor.is_platform_admin:
        return list(NAVIGATION)
    return [
        item for item in NAVIGATION if (not item.roles or actor.role in item.roles) and _view_opens_for(item, actor)
    ]
