from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "jalon.inbox"
    verbose_name = "boîte de réception"
