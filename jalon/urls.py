from django.conf import settings
from django.contrib import admin
from django.urls import include, path, register_converter

from jalon.core.converters import IdConverter


# `<id:pk>`: a database id; a number too large for the database answers 404 (registered before any include).
register_converter(IdConverter, "id")

admin.site.site_header = "Jalon — back-office"
admin.site.site_title = "Jalon"

urlpatterns = [
    path("", include("jalon.workspace.urls")),
    path("", include("jalon.core.urls")),
    path("", include("jalon.intake.urls")),
    path("compte/", include("jalon.accounts.urls")),
    path("structures/", include("jalon.organisations.urls")),
    path("territoires/", include("jalon.territories.urls")),
    path("notifications/", include("jalon.inbox.urls")),
    path("personnes/", include("jalon.people.urls")),
    path("orientation/", include("jalon.orientation.urls")),
    path("carnets/", include("jalon.notebook.urls")),
    path("mon-espace/", include(("jalon.notebook.person_space.urls", "person_space"))),
    path("offre/", include("jalon.offer.urls")),
    path("entreprises/", include("jalon.employers.urls")),
    path("sorties/", include("jalon.exits.urls")),
    path("droits-et-devoirs/", include("jalon.duties.urls")),
    path("emploi/", include("jalon.employment.urls")),
    path("messages/", include("jalon.messaging.urls")),
    path("rgpd/", include("jalon.privacy.urls")),
    path("observatoire/", include("jalon.observatory.urls")),
    path("programme/", include("jalon.programme.urls")),
    path("france-travail/", include("jalon.francetravail.urls")),
    path("participation/", include("jalon.participation.urls")),
    path("evaluation/", include("jalon.evaluation.urls")),
    path("enquetes/", include("jalon.surveys.urls")),
    path("api/", include("jalon.api.urls")),
    path("jetons-api/", include("jalon.api.token_urls")),
    path("back-office/", admin.site.urls),
]
if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler400 = "jalon.core.views.bad_request"
handler403 = "jalon.core.views.permission_denied"
handler404 = "jalon.core.views.page_not_found"
handler500 = "jalon.core.views.server_error"
