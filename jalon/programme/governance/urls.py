"""Under `<code>/instances/` of the programme's URLs; the names stay in the `programme:` namespace."""

from django.urls import path

from jalon.programme.governance import views


urlpatterns = [
    path("", views.bodies, name="governance_bodies"),
    path("<int:body_pk>/", views.body_detail, name="governance_body"),
    path("<int:body_pk>/reunions/nouvelle/", views.meeting_create, name="governance_meeting_create"),
    path("reunions/<int:pk>/", views.meeting_detail, name="governance_meeting"),
    path("reunions/<int:pk>/modifier/", views.meeting_update, name="governance_meeting_update"),
    path("reunions/<int:pk>/documents/", views.document_add, name="governance_document_add"),
    path("reunions/<int:pk>/decisions/nouvelle/", views.decision_create, name="governance_decision_create"),
    path("documents/<int:pk>/", views.document_download, name="governance_document"),
    path("decisions/", views.decisions, name="governance_decisions"),
    path("decisions/export.csv", views.decisions_export, name="governance_decisions_csv"),
    path("decisions/<int:pk>/modifier/", views.decision_update, name="governance_decision_update"),
    path("decisions/<int:pk>/realisee/", views.decision_done, name="governance_decision_done"),
]
