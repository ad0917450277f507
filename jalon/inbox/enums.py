from django.db import models


class NotificationKind(models.TextChoices):
    REFERRAL_RECEIVED = "orientation_recue", "Orientation reçue"
    REFERRAL_ANSWERED = "orientation_repondue", "Réponse à une orientation"
    PERSON_MESSAGE = "message_personne", "Message d'une personne"
    DELAY_ALERT = "alerte_delai", "Alerte de délai"
    REORIENTATION_TO_DECIDE = "reorientation", "Réorientation à décider"
    CONTRACT_TO_RENEW = "contrat_a_renouveler", "Contrat à renouveler"
    ENTRY_DUE = "saisie_indicateur", "Valeur d'indicateur à saisir"
    EMPLOYMENT_AT_RISK = "suivi_emploi_risque", "Suivi en emploi : situation à risque"
    CASELOAD_TRANSFERRED = "portefeuille_confie", "Personnes confiées"
    BODY_LATE = "instance_en_retard", "Instance du plan en retard"


class ReadState(models.TextChoices):
    UNREAD = "non_lues", "Non lues"
    READ = "lues", "Lues"
