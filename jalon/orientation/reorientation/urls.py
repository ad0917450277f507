from django.urls import path

from jalon.orientation.reorientation import views


urlpatterns = [
    path("personnes/<int:person_pk>/reorientation/", views.request_create, name="reorientation_request"),
    path("reorientations/<int:pk>/retrait/", views.request_withdraw, name="reorientation_withdraw"),
    path("epl/", views.epl_list, name="epl_list"),
    path("epl/<int:pk>/", views.epl_detail, name="epl_detail"),
    path("epl/<int:pk>/modifier/", views.epl_update, name="epl_update"),
    path("epl/<int:pk>/ordre-du-jour/", views.epl_agenda_add, name="epl_agenda_add"),
    path("epl/<int:pk>/demandes/<int:request_pk>/decision/", views.epl_decide, name="epl_decide"),
    path("epl/<int:pk>/demandes/<int:request_pk>/report/", views.epl_postpone, name="epl_postpone"),
    path("epl/<int:pk>/cloture/", views.epl_close, name="epl_close"),
    path("longue-duree/", views.long_term_list, name="long_term_list"),
    path("personnes/<int:person_pk>/diagnostic-longue-duree/", views.long_term_review, name="long_term_review"),
    path("personnes/<int:person_pk>/diagnostic-conjoint/", views.joint_diagnostic, name="joint_diagnostic"),
    path(
        "personnes/<int:person_pk>/diagnostic-conjoint/prolongation/",
        views.joint_diagnostic_extend,
        name="joint_diagnostic_extend",
    ),
]
