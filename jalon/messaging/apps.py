from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "jalon.messaging"
    verbose_name = "messages aux personnes"
