from django.db import models


class Role(models.TextChoices):
    """What a professional does in an organisation; decides navigation, home page and scope."""

    ADMINISTRATOR = "administrateur", "administrateur"
    ORIENTATION_OFFICER = "charge_orientation", "chargé d'orientation"
    REFERENT = "referent", "référent de parcours"
    PARTNER = "partenaire", "professionnel partenaire"
    TERRITORY_MANAGER = "manager_territoire", "manager de territoire"
    PROGRAMME_PILOT = "pilote", "pilote PDI/PTI"
    ANALYST = "analyste", "analyste / observatoire"


class AuditCode(models.IntegerChoices):
    """Stable audit event codes: never renumber, only add. Hundreds group the domain."""

    # 1xx: authentication
    LOGIN = 101, "connexion"
    LOGOUT = 102, "déconnexion"
    LOGIN_FAILED = 103, "échec de connexion"
    LOCKED_OUT = 104, "compte verrouillé après échecs"
    PASSWORD_RESET_REQUESTED = 105, "demande de réinitialisation du mot de passe"
    PASSWORD_CHANGED = 106, "mot de passe modifié"
    TWO_FACTOR_ENROLLED = 107, "double authentification activée"
    TWO_FACTOR_FAILED = 108, "code de double authentification refusé"
    ORGANISATION_SWITCHED = 109, "changement de structure courante"
    # 2xx: organisations, memberships, invitations
    ORGANISATION_CREATED = 201, "structure créée"
    ORGANISATION_UPDATED = 202, "structure modifiée"
    MEMBERSHIP_CREATED = 211, "membre ajouté"
    MEMBERSHIP_UPDATED = 212, "membre modifié"
    MEMBERSHIP_DEACTIVATED = 213, "membre retiré"
    INVITATION_SENT = 221, "invitation envoyée"
    INVITATION_ACCEPTED = 222, "invitation acceptée"
    INVITATION_REVOKED = 223, "invitation révoquée"
    USER_CREATED = 231, "utilisateur créé"
    # 3xx: territories
    TERRITORY_CREATED = 301, "territoire créé"
    TERRITORY_UPDATED = 302, "territoire modifié"
    TERRITORY_DELETED = 303, "territoire supprimé"
    COG_LOADED = 310, "référentiel géographique chargé"
    # 4xx: persons and households
    PERSON_VIEWED = 401, "consultation du dossier d'une personne"
    HOUSEHOLD_VIEWED = 402, "consultation d'un foyer"
    PERSON_UPDATED = 403, "dossier d'une personne modifié"
    PERSONS_MERGED = 404, "dossiers fusionnés"
    PERSONS_MARKED_DISTINCT = 405, "doublon écarté (personnes distinctes)"
    PERSON_SEARCHED = 406, "recherche de personnes"
    # 5xx: imports and intake
    IMPORT_DONE = 501, "import terminé"
    IMPORT_FAILED = 502, "import refusé"
    IMPORT_ALREADY_DONE = 503, "fichier déjà importé"
    IMPORT_REPORT_DOWNLOADED = 504, "rapport de rejets téléchargé"
    DSP_UPDATED = 511, "données socio-professionnelles modifiées"
    IMPORT_PROFILE_SAVED = 512, "profil d'import enregistré"
    # 6xx: orientation
    ORIENTATION_DECIDED = 601, "orientation décidée"
    REFERENT_ASSIGNED = 602, "référent de parcours désigné"
    SESSION_CREATED = 603, "séance d'orientation créée"
    SESSION_UPDATED = 604, "séance d'orientation modifiée"
    SESSION_CANCELLED = 605, "séance d'orientation annulée"
    SESSION_INVITED = 606, "personnes invitées à une séance"
    ATTENDANCE_RECORDED = 607, "présence enregistrée"
    INTERVIEW_RECORDED = 608, "entretien d'orientation enregistré"
    CRITERIA_CHANGED = 609, "critères d'orientation modifiés"
    REORIENTATION_REQUESTED = 610, "réorientation demandée"
    EPL_MEETING_SAVED = 611, "équipe pluridisciplinaire enregistrée"
    REORIENTATION_DECIDED = 612, "réorientation décidée"
    THRESHOLDS_CHANGED = 613, "délais d'orientation modifiés"
    ALERTS_RAISED = 614, "alertes de délai levées"
    LONG_TERM_REVIEWED = 615, "diagnostic d'un bénéficiaire de longue durée"
    ALERT_CLOSED = 616, "alerte traitée"
    # 7xx: messages to persons
    MESSAGE_SENT = 701, "message envoyé à une personne"
    MESSAGES_VIEWED = 702, "consultation des messages d'une personne"
    LETTER_DOWNLOADED = 703, "courrier téléchargé"
    RESPONSE_RECORDED = 704, "réponse de la personne enregistrée"
    # 8xx: carnet de bord
    ROME_LOADED = 801, "référentiel ROME chargé"
    NOTEBOOK_CREATED = 802, "carnet de bord ouvert"
    # 9xx: Django admin back-office
    ADMIN_OBJECT_ADDED = 901, "back-office : ajout"
    ADMIN_OBJECT_CHANGED = 902, "back-office : modification"
    ADMIN_OBJECT_DELETED = 903, "back-office : suppression"
