from django.urls import path

from jalon.offer.directory import views


urlpatterns = [
    path("services/", views.service_search, name="search"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    path("services/<int:pk>/modifier/", views.service_update, name="service_update"),
    path("services/<int:pk>/confirmer/", views.service_confirm, name="service_confirm"),
    path("services/<int:pk>/statut/", views.service_status, name="service_status"),
    path("structures/<int:pk>/", views.structure_detail, name="structure_detail"),
    path("structures/<int:structure_pk>/nouveau-service/", views.service_create, name="service_create"),
    path("mes-services/", views.my_services, name="my_services"),
    path("couverture/", views.coverage, name="coverage"),
    path("couverture.csv", views.coverage_csv, name="coverage_csv"),
]
