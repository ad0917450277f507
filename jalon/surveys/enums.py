from django.db import models


class QuestionKind(models.TextChoices):
    SINGLE = "choix_unique", "choix unique"
    MULTIPLE = "choix_multiple", "choix multiple"
    SCALE = "echelle", "échelle"
    TEXT = "texte", "texte libre"


# The kinds whose answers are among the question's choices (counted in the results).
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE)


class Population(models.TextChoices):
    CELL_ATTENDANCE = "cellule", "personnes présentes à une cellule d'orientation pendant la période"
    REFERRAL_ENDED = (
        "orientation_service",
        "personnes dont l'orientation vers un service s'est terminée pendant la période",
    )
    EXIT_TO_EMPLOYMENT = "sortie_emploi", "personnes sorties vers l'emploi il y a N mois"
    PROFESSIONALS = "professionnels", "professionnels du département, par rôle"


class ResponseChannel(models.TextChoices):
    LINK = "lien", "lien reçu par SMS ou e-mail"
    SPACE = "espace", "espace personnel"
    PAPER = "papier", "questionnaire papier saisi par un professionnel"


class InvitationChannel(models.TextChoices):
    SMS = "sms", "SMS"
    EMAIL = "email", "e-mail"
    SPACE = "espace", "espace personnel seulement"


class TextReview(models.TextChoices):
    PENDING = "a_relire", "à relire"
    APPROVED = "publiee", "publiable"
    REJECTED = "ecartee", "écartée"
