from django.urls import path  # noqa: F401

from jalon.orientation.interviews import views  # noqa: F401


urlpatterns: list = []
