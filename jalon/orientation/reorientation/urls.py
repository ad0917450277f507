from django.urls import path  # noqa: F401

from jalon.orientation.reorientation import views  # noqa: F401


urlpatterns: list = []
