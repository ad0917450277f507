from django.conf import settings

from jalon.core.navigation import navigation_for


def shell(request):
    actor = getattr(request, "actor", None)
    current_path = request.path
    nav = []
    if actor is not None and actor.user is not None and actor.user.is_authenticated:
        for item in navigation_for(actor):
            url = item.url()
            active = current_path == url if url == "/" else current_path.startswith(url)
            nav.append({"label": item.label, "url": url, "active": active})
    return {
        "SITE_CONFIG": {
            "site_title": "Jalon",
            "site_tagline": f"Parcours d'insertion RSA — Département : {settings.JALON_DEPARTEMENT_NAME}",
        },
        "JALON_DEPARTEMENT_NAME": settings.JALON_DEPARTEMENT_NAME,
        "main_navigation": nav,
        "actor": actor,
        "OIDC_ENABLED": settings.OIDC_ENABLED,
    }
