from django.urls import path

from jalon.notebook.carnet import views


urlpatterns = [
    path("<int:person_pk>/", views.detail, name="detail"),
    path("<int:person_pk>/situation/", views.freins_edit, name="freins"),
    path("<int:person_pk>/projets/nouveau/", views.project_edit, name="project_create"),
    path("<int:person_pk>/projets/<int:pk>/", views.project_edit, name="project_edit"),
    path("<int:person_pk>/metiers/", views.rome_search, name="rome_search"),
    path("<int:person_pk>/objectifs/", views.objectives, name="objectives"),
    path("<int:person_pk>/objectifs/nouveau/", views.objective_edit, name="objective_create"),
    path("<int:person_pk>/objectifs/<int:pk>/", views.objective_edit, name="objective_edit"),
    path("<int:person_pk>/objectifs/<int:objective_pk>/actions/nouvelle/", views.action_edit, name="action_create"),
    path("<int:person_pk>/objectifs/<int:objective_pk>/actions/<int:pk>/", views.action_edit, name="action_edit"),
    path("<int:person_pk>/chronologie/", views.timeline, name="timeline"),
]
