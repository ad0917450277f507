from django.urls import path

from jalon.offer.plateaux import views


urlpatterns = [
    path("plateaux/", views.plateau_list, name="plateaux"),
    path("plateaux/<int:pk>/", views.plateau_detail, name="plateau_detail"),
]
