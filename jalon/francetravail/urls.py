from django.urls import path

from jalon.francetravail import views


app_name = "francetravail"

urlpatterns = [
    path("<int:person_pk>/", views.situation, name="situation"),
    path("<int:person_pk>/rendez-vous/<int:pk>/presence/", views.attendance_push, name="attendance_push"),
]
