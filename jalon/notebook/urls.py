from django.urls import include, path


app_name = "notebook"

# Each area of the carnet has its own module; their URL names stay in the "notebook" namespace.
urlpatterns = [
    path("", include("jalon.notebook.carnet.urls")),
    path("", include("jalon.notebook.followup.urls")),
    path("", include("jalon.notebook.team.urls")),
    path("", include("jalon.notebook.figures_urls")),
]
