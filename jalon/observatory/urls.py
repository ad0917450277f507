from django.urls import path

from jalon.observatory import views, views_oarsa


app_name = "observatory"

urlpatterns = [
    path("orientation/", views.orientation_figures, name="orientation_figures"),
    path("orientation/export.csv", views.orientation_figures_csv, name="orientation_figures_csv"),
    path("indicateurs/", views.catalogue, name="catalogue"),
    path("indicateurs/export.csv", views.catalogue_csv, name="catalogue_csv"),
    path("indicateurs/<str:code>/", views.indicator_detail, name="indicator"),
    path("oarsa/", views_oarsa.oarsa_return, name="oarsa_return"),
    path("oarsa/export.xlsx", views_oarsa.oarsa_workbook_download, name="oarsa_xlsx"),
    path("oarsa/personnes/", views_oarsa.oarsa_persons, name="oarsa_persons"),
    path("oarsa/personnes.csv", views_oarsa.oarsa_persons_csv, name="oarsa_persons_csv"),
    path("oarsa/historiques.csv", views_oarsa.oarsa_history_csv, name="oarsa_history_csv"),
]
