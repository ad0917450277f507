from django.urls import path

from jalon.participation import views


app_name = "participation"

urlpatterns = [
    path("", views.body_list, name="bodies"),
    path("nouvelle/", views.body_create, name="body_create"),
    path("observatoire/", views.counts_report, name="counts_report"),
    path("propositions/", views.proposal_list, name="proposals"),
    path("propositions/export/", views.proposal_export, name="proposals_export"),
    path("<int:pk>/", views.body_detail, name="body"),
    path("<int:pk>/membres/ajouter/", views.member_add, name="member_add"),
    path("<int:pk>/membres/<int:member_pk>/depart/", views.member_leave, name="member_leave"),
    path("<int:pk>/reunions/nouvelle/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/reunions/<int:meeting_pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/reunions/<int:meeting_pk>/modifier/", views.meeting_update, name="meeting_update"),
    path("<int:pk>/reunions/<int:meeting_pk>/presences/", views.attendance_record, name="attendance"),
    path("<int:pk>/reunions/<int:meeting_pk>/frais/", views.expense_add, name="expense_add"),
    path("<int:pk>/reunions/<int:meeting_pk>/compte-rendu/", views.minutes_file, name="minutes_file"),
    path("<int:pk>/propositions/nouvelle/", views.proposal_create, name="proposal_create"),
    path("<int:pk>/propositions/<int:proposal_pk>/reponse/", views.proposal_answer, name="proposal_answer"),
    path("<int:pk>/epl/<int:meeting_pk>/presences/", views.epl_attendance, name="epl_attendance"),
]
