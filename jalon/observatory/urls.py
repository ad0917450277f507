from django.urls import include, path

from jalon.observatory import views, views_cohorts, views_dashboards


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
]
