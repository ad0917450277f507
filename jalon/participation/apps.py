from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "jalon.participation"
    verbose_name = "participation des usagers"
