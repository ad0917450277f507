"""Screens of the partners' API tokens (mounted apart from the API itself, which answers JSON only)."""

from django.urls import path

from jalon.api import views


app_name = "api_tokens"

urlpatterns = [
    path("", views.token_list, name="list"),
    path("nouveau/", views.token_issue_start, name="issue_start"),
    path("structures/<int:organisation_pk>/nouveau/", views.token_issue, name="issue"),
    path("<int:pk>/revoquer/", views.token_revoke, name="revoke"),
]
