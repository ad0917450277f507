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
    # 9xx: Django admin back-office
    ADMIN_OBJECT_ADDED = 901, "back-office : ajout"
    ADMIN_OBJECT_CHANGED = 902, "back-office : modification"
    ADMIN_OBJECT_DELETED = 903, "back-office : suppression"
