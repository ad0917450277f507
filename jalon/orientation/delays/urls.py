from django.urls import path

from jalon.orientation.delays import views


urlpatterns = [
    path("delais/", views.overview, name="delays"),
    path("delais/export.csv", views.overview_csv, name="delays_csv"),
    path("delais/parametres/", views.thresholds, name="delay_thresholds"),
    path("delais/parametres/legaux/", views.thresholds_legal, name="delay_thresholds_legal"),
    path("alertes/", views.alerts, name="alerts"),
    path("alertes/<int:pk>/traiter/", views.alert_close, name="alert_close"),
]
