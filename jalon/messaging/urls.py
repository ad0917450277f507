from django.urls import path

from jalon.messaging import views


app_name = "messaging"

urlpatterns = [
    path("personnes/<int:person_pk>/", views.person_messages, name="person"),
    path("<int:pk>/courrier.pdf", views.letter_download, name="letter"),
]
