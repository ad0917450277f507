from django.urls import include, path

from jalon.observatory import views, views_cohorts, views_committees, views_dashboards, views_oarsa, views_opendata


app_name = "observatory"

urlpatterns = [
    path("orientation/", views.orientation_figures, name="orientation_figures"),
    path("orientation/export.csv", views.orientation_figures_csv, name="orientation_figures_csv"),
    path("indicateurs/", views.catalogue, name="catalogue"),
    path("indicateurs/export.csv", views.catalogue_csv, name="catalogue_csv"),
    path("indicateurs/<str:code>/", views.indicator_detail, name="indicator"),
    path("cohortes/", views_cohorts.cohort, name="cohort"),
    path("cohortes/trajectoires/", views_cohorts.cohort_trajectories, name="cohort_trajectories"),
    path("qualite/", views_cohorts.quality_panel, name="quality"),
    path("qualite/<slug:check>/", views_cohorts.quality_list, name="quality_list"),
    path("qualite/<slug:check>/export.csv", views_cohorts.quality_list_csv, name="quality_list_csv"),
    path("synthese/", views_dashboards.summary, name="summary"),
    path("objectifs/", views_dashboards.targets, name="targets"),
    path("portraits/", views_dashboards.portraits, name="portraits"),
    path("portraits/<str:level>/<str:code>/<int:year>.pdf", views_dashboards.portrait_pdf, name="portrait_pdf"),
    path("saisies/", include("jalon.observatory.entered.urls")),
    path("donnees-ouvertes/", views_opendata.opendata_list, name="opendata_list"),
    path("donnees-ouvertes/reglages/", views_opendata.opendata_settings, name="opendata_settings"),
    path("donnees-ouvertes/<str:code>/<str:level>/", views_opendata.opendata_dataset, name="opendata_dataset"),
    path(
        "donnees-ouvertes/<str:code>/<str:level>/telecharger/<str:file_format>/",
        views_opendata.opendata_download,
        name="opendata_download",
    ),
    path("oarsa/", views_oarsa.oarsa_return, name="oarsa_return"),
    path("oarsa/export.xlsx", views_oarsa.oarsa_workbook_download, name="oarsa_xlsx"),
    path("oarsa/personnes/", views_oarsa.oarsa_persons, name="oarsa_persons"),
    path("oarsa/personnes.csv", views_oarsa.oarsa_persons_csv, name="oarsa_persons_csv"),
    path("oarsa/historiques.csv", views_oarsa.oarsa_history_csv, name="oarsa_history_csv"),
    path("comites-emploi/", views_committees.committees_export, name="committees_export"),
    path("comites-emploi/decisions.csv", views_committees.committees_csv, name="committees_csv"),
]
