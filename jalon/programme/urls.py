from django.urls import include, path

from jalon.programme import views


app_name = "programme"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("<slug:code>/", views.programme_detail, name="detail"),
    path("<slug:code>/actions.csv", views.programme_actions_export, name="actions_csv"),
    path("<slug:code>/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("<slug:code>/etapes/", views.timeline, name="timeline"),
    path("<slug:code>/bilan/<int:year>/", views.yearly_report, name="bilan"),
    path("<slug:code>/actions/<int:pk>/", views.action_detail, name="action"),
    path("<slug:code>/actions/<int:pk>/modifier/", views.action_update, name="action_update"),
    path("<slug:code>/actions/<int:pk>/bilan/", views.action_review, name="action_review"),
    path("<slug:code>/actions/<int:pk>/offre/", views.offer_link, name="offer_link"),
    path("<slug:code>/actions/<int:pk>/etapes/<int:step_pk>/", views.step_update, name="step_update"),
    path("<slug:code>/actions/<int:pk>/cibles/<int:indicator_pk>/", views.target_set, name="target_set"),
    path("<slug:code>/financement/", include("jalon.programme.funding.urls")),
    path("<slug:code>/instances/", include("jalon.programme.governance.urls")),
    path("<slug:code>/engagements/", include("jalon.programme.commitments.urls")),
    path("<slug:code>/animation/", include("jalon.programme.network.urls")),
]
