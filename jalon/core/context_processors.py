from django.conf import settings

from jalon.core.navigation import PERSON_SEARCH_URL, navigation_for


def _grouped(entries: list[tuple[str, dict]]) -> list[dict]:
    """Menu entries by group, in the order groups first appear; a group with one entry is that entry alone."""
    groups: dict[str, list[dict]] = {}
    order: list[str | dict] = []
    for group, entry in entries:
        if not group:
            order.append(entry)
            continue
        if group not in groups:
            groups[group] = []
            order.append(group)
        groups[group].append(entry)
    menu = []
    for element in order:
        if isinstance(element, dict):
            menu.append(element)
        elif len(groups[element]) == 1:
            menu.append(groups[element][0])
        else:
            children = groups[element]
            menu.append({"label": element, "children": children, "active": any(child["active"] for child in children)})
    return menu


def shell(request):
    actor = getattr(request, "actor", None)
    current_path = request.path
    nav: list[dict] = []
    header_search = False
    if actor is not None and actor.user is not None and actor.user.is_authenticated:
        items = navigation_for(actor)
        urls = [item.url() for item in items]
        # The header's search field goes with the « Personnes » entry: only where the search page opens.
        header_search = any(item.url_name == PERSON_SEARCH_URL for item in items)
        # The longest matching prefix wins: /orientation/seances/ is "Séances", not "À orienter" (/orientation/).
        matching = [url for url in urls if (current_path == url if url == "/" else current_path.startswith(url))]
        current = max(matching, key=len, default=None)
        nav = _grouped(
            [
                (item.group, {"label": item.label, "url": url, "active": url == current})
                for item, url in zip(items, urls, strict=True)
            ]
        )
    # One instance may serve several Départements (the demo serves two): each professional sees their own.
    departement_name = _departement_name(actor) or settings.JALON_DEPARTEMENT_NAME
    return {
        "SITE_CONFIG": {
            "site_title": "Jalon",
            "site_tagline": f"Parcours d'insertion RSA — Département : {departement_name}",
        },
        "JALON_DEPARTEMENT_NAME": departement_name,
        "main_navigation": nav,
        "header_search": header_search,
        "actor": actor,
        "OIDC_ENABLED": settings.OIDC_ENABLED,
    }


def _departement_name(actor) -> str:
    organisation = getattr(actor, "organisation", None) if actor is not None else None
    departement = getattr(organisation, "departement", None) if organisation is not None else None
    return departement.name if departement is not None else ""
