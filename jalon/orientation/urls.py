from django.urls import path

from jalon.orientation import views


app_name = "orientation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("personnes/<int:person_pk>/decision/", views.decide, name="decide"),
    path("portefeuille/", views.caseload, name="caseload"),
    path("personnes/<int:person_pk>/referent/", views.change_referent, name="change_referent"),
]
