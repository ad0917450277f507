from django.urls import path

from jalon.employment import views


app_name = "employment"

urlpatterns = [
    path("offres/", views.offers, name="offers"),
    path("offres/export.csv", views.offers_csv, name="offers_csv"),
    path("offres/nouvelle/", views.offer_create, name="offer_create"),
    path("offres/<id:pk>/", views.offer_detail, name="offer"),
    path("offres/<id:pk>/modifier/", views.offer_edit, name="offer_edit"),
    path("offres/<id:pk>/positionner/<id:person_pk>/", views.positioning_create, name="positioning_create"),
    path("positionnements/<id:pk>/", views.positioning_detail, name="positioning"),
    path("positionnements/<id:pk>/sortie/", views.positioning_exit, name="positioning_exit"),
    path("personnes/<id:person_pk>/", views.person_employment, name="person"),
    path("personnes/<id:person_pk>/formations/nouvelle/", views.training_create, name="training_create"),
    path("formations/<id:pk>/issue/", views.training_outcome, name="training_outcome"),
    path("formations/<id:pk>/sortie/", views.training_exit, name="training_exit"),
    path("mesures/<id:pk>/sortie/", views.measure_exit, name="measure_exit"),
]
