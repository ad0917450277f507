"""The main navigation, by role. Each later app adds its entries here, next to the roles that use them."""

from dataclasses import dataclass

from django.urls import resolve, reverse

from jalon.core.enums import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[Role, ...]  # empty: every professional

    def url(self) -> str:
        return reverse(self.url_name)


ALL_ROLES: tuple[Role, ...] = ()

NAVIGATION: list[NavItem] = [
    NavItem("Accueil", "core:home", ALL_ROLES),
    NavItem("À orienter", "orientation:queue", (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.TERRITORY_MANAGER)),
    NavItem(
        "Séances",
        "orientation:sessions",
        (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.TERRITORY_MANAGER, Role.REFERENT),
    ),
    NavItem(
        "Délais",
        "orientation:delays",
        (Role.ORIENTATION_OFFICER, Role.TERRITORY_MANAGER, Role.ADMINISTRATOR, Role.PROGRAMME_PILOT),
    ),
    NavItem("Alertes", "orientation:alerts", (Role.REFERENT,)),
    NavItem("EPL", "orientation:epl_list", (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.TERRITORY_MANAGER)),
    NavItem(
        "Longue durée",
        "orientation:long_term_list",
        (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.TERRITORY_MANAGER, Role.REFERENT),
    ),
    NavItem("Suivi", "notebook:caseload", (Role.REFERENT, Role.TERRITORY_MANAGER)),
    NavItem(
        "Orientations reçues",
        "offer:referrals_received",
        (Role.PARTNER, Role.REFERENT, Role.ADMINISTRATOR, Role.ORIENTATION_OFFICER),
    ),
    NavItem("Orientations envoyées", "offer:referrals_sent", (Role.REFERENT, Role.ORIENTATION_OFFICER, Role.PARTNER)),
    NavItem("Mon portefeuille", "orientation:caseload", (Role.REFERENT,)),
    NavItem(
        "Personnes",
        "people:search",
        (Role.ADMINISTRATOR, Role.ORIENTATION_OFFICER, Role.REFERENT, Role.TERRITORY_MANAGER),
    ),
    NavItem(
        "Chiffres de l'orientation",
        "orientation:figures",
        (Role.PROGRAMME_PILOT, Role.ANALYST, Role.TERRITORY_MANAGER, Role.ADMINISTRATOR),
    ),
    NavItem(
        "Chiffres des carnets",
        "notebook:figures",
        (Role.PROGRAMME_PILOT, Role.ANALYST, Role.TERRITORY_MANAGER, Role.ADMINISTRATOR),
    ),
    NavItem(
        "Chiffres des mesures et plateaux",
        "offer:figures",
        (Role.PROGRAMME_PILOT, Role.ANALYST, Role.TERRITORY_MANAGER, Role.ADMINISTRATOR),
    ),
    NavItem("Offre d'insertion", "offer:search", ALL_ROLES),
    NavItem("Plateaux techniques", "offer:plateaux", ALL_ROLES),
    NavItem("Services de ma structure", "offer:my_services", (Role.ADMINISTRATOR, Role.PARTNER)),
    NavItem(
        "Couverture de l'offre",
        "offer:coverage",
        (Role.TERRITORY_MANAGER, Role.ADMINISTRATOR, Role.PROGRAMME_PILOT),
    ),
    NavItem("Imports", "intake:imports", (Role.ADMINISTRATOR,)),
    NavItem("Critères d'orientation", "orientation:criteria", (Role.ADMINISTRATOR,)),
    NavItem("Doublons", "people:duplicates", (Role.ADMINISTRATOR,)),
    NavItem("Structures", "organisations:list", (Role.ADMINISTRATOR,)),
    NavItem(
        "Territoires",
        "territories:list",
        (Role.ADMINISTRATOR, Role.TERRITORY_MANAGER, Role.PROGRAMME_PILOT, Role.ANALYST),
    ),
    NavItem("Journal d'audit", "core:audit_log", (Role.ADMINISTRATOR,)),
]


def _view_opens_for(item: NavItem, actor) -> bool:
    """Asks the view's own access decorator, so that a menu never offers a page that would answer 404."""
    may_open = getattr(resolve(item.url()).func, "may_open", None)
    return may_open is None or may_open(actor)


def navigation_for(actor) -> list[NavItem]:
    if actor.is_platform_admin:
        return list(NAVIGATION)
    return [
        item for item in NAVIGATION if (not item.roles or actor.role in item.roles) and _view_opens_for(item, actor)
    ]
