from django.urls import path

from jalon.surveys import views


app_name = "surveys"

urlpatterns = [
    path("", views.home, name="home"),
    path("questionnaires/nouveau/", views.questionnaire_create, name="questionnaire_create"),
    path("questionnaires/<int:pk>/", views.questionnaire, name="questionnaire"),
    path("questionnaires/<int:pk>/questions/nouvelle/", views.question_create, name="question_create"),
    path("questionnaires/<int:pk>/questions/<int:question_pk>/", views.question_update, name="question_update"),
    path(
        "questionnaires/<int:pk>/questions/<int:question_pk>/retirer/", views.question_remove, name="question_remove"
    ),
    path("questionnaires/<int:pk>/campagne/", views.campaign_create, name="campaign_create"),
    path("campagnes/<int:pk>/", views.campaign, name="campaign"),
    path("campagnes/<int:pk>/export/", views.campaign_export, name="campaign_export"),
    path("campagnes/<int:pk>/cloturer/", views.campaign_close, name="campaign_close"),
    path("campagnes/<int:pk>/observatoire/", views.campaign_report, name="campaign_report"),
    path("campagnes/<int:pk>/relecture/", views.texts, name="texts"),
    path("campagnes/<int:pk>/relecture/<uuid:answer_pk>/", views.text_review, name="text_review"),
    path("papier/", views.paper_list, name="paper_list"),
    path("campagnes/<int:pk>/papier/", views.paper_entry, name="paper_entry"),
    path("r/<str:token>/", views.answer, name="answer"),
    path("espace/<int:pk>/", views.space_start, name="space_start"),
]
