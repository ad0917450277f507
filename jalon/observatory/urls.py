from django.urls import include, path

from jalon.observatory import views


app_name = "observatory"

urlpatterns = [
    path("orientation/", views.orientation_figures, name="orientation_figures"),
    path("orientation/export.csv", views.orientation_figures_csv, name="orientation_figures_csv"),
    path("indicateurs/", views.catalogue, name="catalogue"),
    path("indicateurs/export.csv", views.catalogue_csv, name="catalogue_csv"),
    path("indicateurs/<str:code>/", views.indicator_detail, name="indicator"),
    path("saisies/", include("jalon.observatory.entered.urls")),
]
