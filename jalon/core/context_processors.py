from django.conf import settings

from jalon.core.navigation import navigation_for


def shell(request):
    actor = getattr(request, "actor", None)
    current_path = request.path
    nav = []
    if actor is not None and actor.user is not None and actor.user.is_authenticated:
        items = [(item.label, item.url()) for item in navigation_for(actor)]
        # The longest matching prefix wins: /orientation/seances/ is "Séances", not "À orienter" (/orientation/).
        matching = [url for _, url in items if (current_path == url if url == "/" else current_path.startswith(url))]
        current = max(matching, key=len, default=None)
        nav = [{"label": label, "url": url, "active": url == current} for label, url in items]
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
