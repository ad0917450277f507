from django.urls import path

from jalon.observatory import views, views_opendata


app_name = "observatory"

urlpatterns = [
    path("orientation/", views.orientation_figures, name="orientation_figures"),
    path("orientation/export.csv", views.orientation_figures_csv, name="orientation_figures_csv"),
    path("indicateurs/", views.catalogue, name="catalogue"),
    path("indicateurs/export.csv", views.catalogue_csv, name="catalogue_csv"),
    path("indicateurs/<str:code>/", views.indicator_detail, name="indicator"),
    path("donnees-ouvertes/", views_opendata.opendata_list, name="opendata_list"),
    path("donnees-ouvertes/reglages/", views_opendata.opendata_settings, name="opendata_settings"),
    path("donnees-ouvertes/<str:code>/<str:level>/", views_opendata.opendata_dataset, name="opendata_dataset"),
    path(
        "donnees-ouvertes/<str:code>/<str:level>/telecharger/<str:file_format>/",
        views_opendata.opendata_download,
        name="opendata_download",
    ),
]
