from django.urls import path

from jalon.organisations import views


app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("nouvelle/", views.organisation_create, name="create"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/modifier/", views.organisation_update, name="update"),
    path("<int:pk>/inviter/", views.invitation_create, name="invite"),
    path("<int:pk>/invitations/<int:invitation_pk>/revoquer/", views.invitation_revoke, name="invitation_revoke"),
    path("<int:pk>/membres/<int:membership_pk>/", views.membership_update, name="membership_update"),
    path("<int:pk>/membres/<int:membership_pk>/retirer/", views.membership_deactivate, name="membership_deactivate"),
    path("invitation/<uuid:token>/", views.invitation_accept, name="invitation_accept"),
    path("structure-courante/", views.membership_switch, name="switch"),
]
