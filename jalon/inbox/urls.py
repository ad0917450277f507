from django.urls import path

from jalon.inbox import views


app_name = "inbox"

urlpatterns = [
    path("", views.inbox_list, name="list"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("<int:pk>/lue/", views.notification_mark_read, name="mark_read"),
    path("tout-lu/", views.notifications_mark_all_read, name="mark_all_read"),
    path("preferences/", views.preferences, name="preferences"),
]
