from django.urls import path

from jalon.territories import views


app_name = "territories"

urlpatterns = [
    path("", views.territory_list, name="list"),
]
