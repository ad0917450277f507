from django.urls import path

from jalon.evaluation import views


app_name = "evaluation"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.plan, name="plan"),
    path("<slug:code>/ouvrir/", views.framework_open, name="framework_open"),
    path("<slug:code>/fiches/<int:pk>/", views.fiche, name="fiche"),
    path("<slug:code>/fiches/<int:pk>/cadre/", views.fiche_set, name="fiche_set"),
    path("<slug:code>/fiches/<int:pk>/programmer/", views.schedule_add, name="schedule_add"),
    path("<slug:code>/programmation/<int:pk>/realisee/", views.schedule_done, name="schedule_done"),
    path("<slug:code>/programmation/<int:pk>/retirer/", views.schedule_remove, name="schedule_remove"),
    path("<slug:code>/questions/ajouter/", views.question_add, name="question_add"),
    path("<slug:code>/questions/<int:pk>/", views.question_update, name="question_update"),
    path("<slug:code>/questions/<int:pk>/sources/", views.source_add, name="source_add"),
    path("<slug:code>/sources/<int:pk>/retirer/", views.source_remove, name="source_remove"),
    path("<slug:code>/questions/<int:pk>/constats/", views.finding_add, name="finding_add"),
    path("<slug:code>/constats/<int:pk>/", views.finding_update, name="finding_update"),
    path("<slug:code>/instance/", views.instance, name="instance"),
    path("<slug:code>/instance/membres/", views.member_add, name="member_add"),
    path("<slug:code>/instance/membres/<int:pk>/sortie/", views.member_end, name="member_end"),
    path("<slug:code>/instance/travaux/", views.work_add, name="work_add"),
    path("<slug:code>/instance/travaux/<int:pk>/", views.work_update, name="work_update"),
    path("<slug:code>/calendrier/", views.calendar, name="calendar"),
    path("<slug:code>/calendrier.csv", views.calendar_export, name="calendar_export"),
    path("<slug:code>/rapports/", views.report_generate, name="report_generate"),
    path("<slug:code>/rapports/<int:pk>/<str:fmt>/", views.report_download, name="report_download"),
]
