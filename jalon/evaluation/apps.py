from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "jalon.evaluation"
    verbose_name = "évaluation des plans (référentiel, instance évaluative, rapports)"
