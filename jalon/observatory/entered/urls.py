"""Mounted under the observatory's namespace, at /observatoire/saisies/."""

from django.urls import path

from jalon.observatory.entered import views


urlpatterns = [
    path("", views.entered_list, name="entered_list"),
    path("export.csv", views.entered_list_csv, name="entered_list_csv"),
    path("validation/", views.entered_queue, name="entered_queue"),
    path("reglages/", views.entered_setups, name="entered_setups"),
    path("valeur/<int:pk>/", views.entered_detail, name="entered_detail"),
    path("valeur/<int:pk>/valider/", views.entered_validate, name="entered_validate"),
    path("valeur/<int:pk>/renvoyer/", views.entered_send_back, name="entered_send_back"),
    path("valeur/<int:pk>/justificatif/", views.entered_evidence, name="entered_evidence"),
    path("indicateur/<str:code>/historique/", views.entered_history, name="entered_history"),
    path("indicateur/<str:code>/reglage/", views.entered_setup, name="entered_setup"),
    path("indicateur/<str:code>/<str:period>/", views.entered_form, name="entered_form"),
]
