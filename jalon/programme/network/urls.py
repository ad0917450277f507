"""Mounted under the programme's namespace, at /programme/<code>/animation/."""

from django.urls import path

from jalon.programme.network import views


urlpatterns = [
    path("", views.event_list, name="network_events"),
    path("evenements.csv", views.event_list_export, name="network_events_csv"),
    path("evenements/nouveau/", views.event_create, name="network_event_create"),
    path("evenements/<int:pk>/", views.event_detail, name="network_event"),
    path("evenements/<int:pk>/inscription/", views.event_register, name="network_register"),
    path("evenements/<int:pk>/desinscription/", views.event_unregister, name="network_unregister"),
    path("evenements/<int:pk>/presences/", views.event_attendance, name="network_attendance"),
    path("fiches/<int:pk>/report/", views.network_report, name="network_report"),
    path("documents/", views.document_list, name="network_documents"),
    path("documents/nouveau/", views.document_create, name="network_document_create"),
    path("documents/<int:pk>/", views.document_detail, name="network_document"),
    path("documents/<int:pk>/version/", views.document_version_add, name="network_document_version"),
    path("documents/versions/<int:pk>/fichier/", views.document_file, name="network_document_file"),
]
