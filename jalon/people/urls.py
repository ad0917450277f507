from django.urls import path

from jalon.people import views


app_name = "people"

urlpatterns = [
    path("", views.person_search, name="search"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/fiche.pdf", views.person_file_pdf_download, name="file_pdf"),
    path("<int:pk>/rectifier/", views.person_rectify, name="rectify"),
    path("foyers/<int:pk>/", views.household_detail, name="household"),
    path("doublons/", views.duplicate_list, name="duplicates"),
    path("doublons/<int:pk>/", views.duplicate_review, name="duplicate_review"),
    path("doublons/<int:pk>/decision/", views.duplicate_resolve, name="duplicate_resolve"),
]
