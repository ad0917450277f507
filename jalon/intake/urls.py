from django.urls import path

from jalon.intake import views


app_name = "intake"

urlpatterns = [
    path("personnes/<int:person_pk>/dsp/", views.dsp_edit, name="dsp_edit"),
    path("imports/", views.import_list, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/rejets.csv", views.import_rejected_csv, name="import_rejected_csv"),
    path("imports/tableur/", views.spreadsheet_upload, name="spreadsheet_upload"),
    path("imports/<int:pk>/correspondance/", views.spreadsheet_mapping, name="spreadsheet_mapping"),
    path("imports/<int:pk>/apercu/", views.spreadsheet_preview, name="spreadsheet_preview"),
]
