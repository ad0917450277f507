from django.urls import path

from jalon.privacy import views


app_name = "privacy"

urlpatterns = [
    path("personnes/<int:pk>/export.<str:file_format>", views.person_export, name="person_export"),
    path("conventions/", views.convention_list, name="conventions"),
    path("conventions/nouvelle/", views.convention_create, name="convention_create"),
    path("conventions/<int:pk>/", views.convention_edit, name="convention_edit"),
    path("conventions/<int:pk>/document/", views.convention_document, name="convention_document"),
]
