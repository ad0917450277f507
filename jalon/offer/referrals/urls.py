from django.urls import path

from jalon.offer.referrals import views


urlpatterns = [
    path("orientations/recues/", views.referrals_received, name="referrals_received"),
    path("orientations/recues/export.csv", views.referrals_received_csv, name="referrals_received_csv"),
    path("orientations/envoyees/", views.referrals_sent, name="referrals_sent"),
    path("orientations/envoyees/export.csv", views.referrals_sent_csv, name="referrals_sent_csv"),
    path("orientations/<int:pk>/", views.referral_detail, name="referral_detail"),
    path(
        "orientations/<int:pk>/<str:action>/",
        views.referral_action,
        name="referral_action",
    ),
    path("orientations/lien/<str:token>/", views.referral_link, name="referral_link"),
    path("orientations/carnet/<int:person_pk>/", views.notebook_referrals, name="notebook_referrals"),
    path("orientations/carnet/<int:person_pk>/nouvelle/", views.referral_create, name="referral_create"),
]
