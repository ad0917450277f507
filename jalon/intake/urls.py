from django.urls import path

from jalon.intake import views


app_name = "intake"

urlpatterns = [
    path("personnes/<int:person_pk>/dsp/", views.dsp_edit, name="dsp_edit"),
]
