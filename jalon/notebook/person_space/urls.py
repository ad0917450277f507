from django.urls import path

from jalon.notebook.person_space import views


# Included under /mon-espace/ with the "person_space" namespace.
urlpatterns = [
    path("", views.login, name="login"),
    path("code/", views.verify, name="verify"),
    path("deconnexion/", views.logout, name="logout"),
    path("carnet/", views.home, name="home"),
    path("carnet/coordonnees/", views.contact, name="contact"),
    path("carnet/projet/", views.project, name="project"),
    path("carnet/mon-carnet.pdf", views.pdf, name="pdf"),
]
