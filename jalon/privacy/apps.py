from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "jalon.privacy"
    label = "privacy"
    verbose_name = "Données personnelles"
