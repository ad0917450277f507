from django.urls import include, path

from jalon.orientation import views


app_name = "orientation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("export.csv", views.queue_csv, name="queue_csv"),
    path("personnes/<int:person_pk>/decision/", views.decide, name="decide"),
    path("portefeuille/", views.caseload, name="caseload"),
    path("portefeuille/<int:referent_pk>/transfert/", views.caseload_transfer, name="caseload_transfer"),
    path("portefeuille/export.csv", views.caseload_csv, name="caseload_csv"),
    path("personnes/<int:person_pk>/referent/", views.change_referent, name="change_referent"),
    # Each area of orientation has its own module; their URL names stay in the "orientation" namespace.
    path("", include("jalon.orientation.sessions.urls")),
    path("", include("jalon.orientation.interviews.urls")),
    path("", include("jalon.orientation.reorientation.urls")),
    path("", include("jalon.orientation.delays.urls")),
]
