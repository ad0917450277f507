from django.urls import path  # noqa: F401

from jalon.orientation.delays import views  # noqa: F401


urlpatterns: list = []
