from django.urls import path

from jalon.workspace import views


app_name = "workspace"

urlpatterns = [
    path("", views.home, name="home"),
    path("agenda/", views.calendar, name="calendar"),
]
