from django.urls import path

from jalon.exits import views


app_name = "exits"

urlpatterns = [
    path("suivi-en-emploi/", views.follow_up, name="follow_up"),
    path("suivi-en-emploi/export.csv", views.follow_up_csv, name="follow_up_csv"),
    path("personnes/<id:person_pk>/", views.person_exits, name="person"),
    path("personnes/<id:person_pk>/terminer/", views.exit_create, name="create"),
    path("<id:pk>/rouvrir/", views.exit_reopen, name="reopen"),
    path("<id:pk>/points/<int:months>/", views.checkpoint_edit, name="checkpoint"),
    path("<id:pk>/fiche-miroir/", views.employer_feedback_create, name="employer_feedback"),
    path("propositions/<id:pk>/ecarter/", views.proposal_dismiss, name="proposal_dismiss"),
]
