from django.urls import path

from jalon.employers import views


app_name = "employers"

urlpatterns = [
    path("", views.employer_list, name="list"),
    path("export.csv", views.employer_list_csv, name="list_csv"),
    path("ajouter/", views.employer_create, name="create"),
    path("<id:pk>/", views.employer_detail, name="detail"),
    path("<id:pk>/modifier/", views.employer_update, name="update"),
    path("<id:pk>/contacts/ajouter/", views.contact_create, name="contact_create"),
    path("<id:pk>/echanges/ajouter/", views.interaction_create, name="interaction_create"),
    path("<id:pk>/engagements/ajouter/", views.commitment_create, name="commitment_create"),
    path("groupements/", views.groups, name="groups"),
    path("groupements/ajouter/", views.group_create, name="group_create"),
    path("charges-de-relation/", views.officers, name="officers"),
    path("personnes/<id:person_pk>/immersions/", views.person_immersions, name="person_immersions"),
    path("personnes/<id:person_pk>/immersions/ajouter/", views.immersion_create, name="immersion_create"),
    path("immersions/<id:pk>/", views.immersion_detail, name="immersion"),
    path("immersions/<id:pk>/bilan/", views.immersion_review, name="immersion_review"),
    path("immersions/<id:pk>/<slug:action>/", views.immersion_transition, name="immersion_transition"),
]
