from django.urls import path

from jalon.notebook.team import views


urlpatterns = [
    path("<int:person_pk>/equipe/", views.team, name="team"),
    path("<int:person_pk>/equipe/consentements/<int:pk>/retrait/", views.consent_revoke, name="consent_revoke"),
    path("<int:person_pk>/equipe/membres/<int:pk>/fin/", views.member_end, name="team_member_end"),
]
