from django.urls import path

from jalon.territories import views


app_name = "territories"

urlpatterns = [
    path("", views.territory_list, name="list"),
    path("nouveau/", views.territory_create, name="create"),
    path("<int:pk>/", views.territory_detail, name="detail"),
    path("<int:pk>/modifier/", views.territory_update, name="update"),
    path("<int:pk>/supprimer/", views.territory_delete, name="delete"),
]
