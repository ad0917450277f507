"""Mounted under the programme's namespace, at /programme/<code>/engagements/."""

from django.urls import path

from jalon.programme.commitments import views


urlpatterns = [
    path("", views.by_signatory, name="commitments_by_signatory"),
    path("signataires.csv", views.by_signatory_export, name="commitments_by_signatory_csv"),
    path("actions/", views.by_action, name="commitments_by_action"),
    path("actions.csv", views.by_action_export, name="commitments_by_action_csv"),
    path("nouveau/", views.commitment_create, name="commitment_create"),
    path("<int:pk>/modifier/", views.commitment_update, name="commitment_update"),
    path("<int:pk>/realise/", views.commitment_account, name="commitment_account"),
]
