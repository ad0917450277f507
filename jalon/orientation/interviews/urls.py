from django.urls import path

from jalon.orientation.interviews import views


urlpatterns = [
    path("criteres/", views.criteria_list, name="criteria"),
    path("criteres/nouveau/", views.criterion_create, name="criterion_create"),
    path("criteres/par-defaut/", views.criteria_defaults, name="criteria_defaults"),
    path("criteres/nationaux/", views.criteria_national, name="criteria_national"),
    path("criteres/<int:pk>/modifier/", views.criterion_edit, name="criterion_edit"),
    path("criteres/<int:pk>/deplacer/", views.criterion_move, name="criterion_move"),
    path("criteres/<int:pk>/activation/", views.criterion_toggle, name="criterion_toggle"),
    path("personnes/<int:person_pk>/entretien/", views.interview_new, name="interview_new"),
    path("personnes/<int:person_pk>/entretien/proposition/", views.interview_proposal, name="interview_proposal"),
]
