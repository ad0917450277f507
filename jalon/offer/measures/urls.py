from django.urls import path

from jalon.offer.measures import views


urlpatterns = [
    path("mesures/<int:person_pk>/", views.measures, name="measures"),
    path("chiffres/", views.figures, name="figures"),
    path("chiffres/export.csv", views.figures_csv, name="figures_csv"),
]
