from django.urls import path

from jalon.orientation.sessions import views


urlpatterns = [
    path("seances/", views.agenda, name="sessions"),
    path("seances/export.csv", views.agenda_csv, name="sessions_csv"),
    path("seances/nouvelle/", views.session_create, name="session_create"),
    path("seances/inviter/", views.invite, name="session_invite"),
    path("seances/<int:pk>/", views.session_detail, name="session_detail"),
    path("seances/<int:pk>/modifier/", views.session_edit, name="session_edit"),
    path("seances/<int:pk>/presences/", views.attendance, name="session_attendance"),
    path("seances/<int:pk>/etape/", views.advance, name="session_advance"),
    path("seances/<int:pk>/annuler/", views.cancel, name="session_cancel"),
    path("seances/<int:pk>/relancer/", views.remind, name="session_remind"),
    path("seances/participants/<int:pk>/reponse/", views.respond, name="participant_respond"),
    path("seances/participants/<int:pk>/suite/", views.follow_up, name="participant_follow_up"),
]
