from django.urls import path

from jalon.notebook import figures_views


# Included by the lead in jalon/notebook/urls.py (namespace "notebook").
urlpatterns = [
    path("chiffres/", figures_views.figures, name="figures"),
    path("chiffres/export.csv", figures_views.figures_csv, name="figures_csv"),
]
