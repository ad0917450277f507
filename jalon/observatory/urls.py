from django.urls import path

from jalon.observatory import views


app_name = "observatory"

urlpatterns = [
    path("orientation/", views.orientation_figures, name="orientation_figures"),
    path("orientation/export.csv", views.orientation_figures_csv, name="orientation_figures_csv"),
]
