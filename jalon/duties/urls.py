from django.urls import path

from jalon.duties import views


app_name = "duties"

urlpatterns = [
    path("", views.procedure_list, name="list"),
    path("personnes/<id:person_pk>/", views.person_duties, name="person"),
    path("personnes/<id:person_pk>/manquement/", views.failure_create, name="record"),
    path("<id:pk>/", views.procedure_detail, name="detail"),
    path("<id:pk>/inviter/", views.failure_invite, name="invite"),
    path("<id:pk>/observations/", views.answer_record, name="answer"),
    path("<id:pk>/decision/", views.decision_take, name="decide"),
    path("<id:pk>/remobilisation/", views.decision_reverse, name="reverse"),
    path("fichiers-caf-msa/", views.caf_exports, name="exports"),
    path("reglages/", views.duty_settings, name="settings"),
    path("fichiers-caf-msa/<id:pk>.csv", views.caf_export_csv, name="export_csv"),
]
