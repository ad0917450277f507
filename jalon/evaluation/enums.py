from django.db import models


class Register(models.TextChoices):
    """The six evaluative registers of the Pyrénées-Atlantiques plan (§5.2), the usual ones of public evaluation."""

    PERTINENCE = "pertinence", "pertinence"
    INTERNAL_COHERENCE = "coherence_interne", "cohérence interne"
    EXTERNAL_COHERENCE = "coherence_externe", "cohérence externe"
    EFFECTIVENESS = "efficacite", "efficacité"
    EFFICIENCY = "efficience", "efficience"
    IMPACT = "impact", "impact"


class EvaluationTime(models.TextChoices):
    IN_ITINERE = "in_itinere", "in itinere (à mi-parcours)"
    EX_POST = "ex_post", "ex post (en fin de plan)"


class QuestionOrigin(models.TextChoices):
    DOCUMENT = "document", "écrite dans le plan"
    INSTANCE = "instance", "ajoutée par l'instance évaluative"


class SourceKind(models.TextChoices):
    SURVEY = "enquete", "enquête ou questionnaire"
    INTERVIEWS = "entretiens", "entretiens"
    FOCUS_GROUP = "groupe", "groupe d'usagers ou de professionnels"
    DOCUMENTS = "documents", "analyse documentaire"
    DATA = "donnees", "données de gestion"


class MemberKind(models.TextChoices):
    CENTRAL = "central", "instance évaluative en central"
    SDSEI_REFERENT = "referent_sdsei", "référent évaluation d'un SDSEI"
    DATA_TEAM = "mvd", "équipe de valorisation de la donnée (MVD)"
    SUPPORT = "appui", "appui méthodologique"
    PARTNER = "partenaire", "partenaire ou opérateur"
    USERS = "usagers", "représentant des usagers"


class WorkStatus(models.TextChoices):
    PLANNED = "prevu", "prévu"
    IN_PROGRESS = "en_cours", "en cours"
    DONE = "fait", "fait"
    CANCELLED = "abandonne", "abandonné"
