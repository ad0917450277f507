from django.db import models


class BodyKind(models.TextChoices):
    COMMITTEE = "comite_usagers", "comité consultatif des usagers"
    EPL = "epl", "usagers membres de l'équipe pluridisciplinaire"


class Seat(models.TextChoices):
    TITULAR = "titulaire", "titulaire"
    SUBSTITUTE = "suppleant", "suppléant"


class ConsentChannel(models.TextChoices):
    SIGNED = "ecrit", "formulaire écrit signé"
    INTERVIEW = "entretien", "oralement, en entretien (noté par le professionnel)"
    EMAIL = "courriel", "par courriel"
    PERSON_SPACE = "espace", "depuis son espace personnel"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "présent"
    EXCUSED = "excuse", "excusé"
    ABSENT = "absent", "absent"


class ExpenseNature(models.TextChoices):
    TRANSPORT = "transport", "transport"
    MEAL = "repas", "repas"
    CHILDCARE = "garde", "garde d'enfant"
    ALLOWANCE = "indemnite", "indemnité de participation"


class ProposalStatus(models.TextChoices):
    STUDY = "etude", "à l'étude"
    ACCEPTED = "acceptee", "acceptée"
    IN_PROGRESS = "en_cours", "en cours"
    DONE = "realisee", "réalisée"
    REFUSED = "refusee", "refusée"


# The statuses of a proposal that the Département took up: they count as « suivies d'effet ».
TAKEN_UP = (ProposalStatus.ACCEPTED, ProposalStatus.IN_PROGRESS, ProposalStatus.DONE)
