from django.db import models


class Organisme(models.TextChoices):
    CAF = "CAF", "CAF"
    MSA = "MSA", "MSA"


class HouseholdRole(models.TextChoices):
    APPLICANT = "DEM", "demandeur"
    PARTNER = "CJT", "conjoint"
    CHILD = "ENF", "enfant"
    OTHER_CHILD = "AUT", "autre personne à charge"
    OTHER = "", "autre"


class Sex(models.TextChoices):
    MALE = "1", "homme"
    FEMALE = "2", "femme"
    UNKNOWN = "", "non renseigné"


class RightState(models.IntegerChoices):
    """ETATDOSRSA of the CAF/MSA flux."""

    PENDING = 0, "demande en attente"
    REFUSED = 1, "refusé"
    OPEN = 2, "droit ouvert et versable"
    OPEN_SUSPENDED = 3, "droit ouvert et suspendu"
    PAYMENT_SUSPENDED = 4, "droit ouvert, versement suspendu"
    CLOSED = 5, "droit clos"
    CLOSED_EARLIER = 6, "droit clos sur mois antérieur"

    @classmethod
    def open_states(cls) -> tuple[int, ...]:
        return (cls.OPEN, cls.OPEN_SUSPENDED, cls.PAYMENT_SUSPENDED)

    @classmethod
    def closed_states(cls) -> tuple[int, ...]:
        return (cls.CLOSED, cls.CLOSED_EARLIER)


class ChangeKind(models.TextChoices):
    """What happened to a person or a household; these events feed the orientation queue."""

    NEW_ENTRANT = "new_entrant", "nouvel entrant"
    RIGHT_OPENED = "right_opened", "droit ouvert"
    SUSPENDED = "suspended", "droit suspendu"
    RESUMED = "resumed", "droit repris"
    CLOSED = "closed", "droit clos"
    STATE_CHANGED = "state_changed", "état du droit modifié"
    JOINED_HOUSEHOLD = "joined_household", "entrée dans le foyer"
    LEFT_HOUSEHOLD = "left_household", "sortie du foyer"
    BECAME_SUBJECT = "became_subject", "soumis aux droits et devoirs"
    NO_LONGER_SUBJECT = "no_longer_subject", "plus soumis aux droits et devoirs"
    IDENTITY_UPDATED = "identity_updated", "identité ou coordonnées modifiées"
    MERGED = "merged", "dossiers fusionnés"
    ORIENTED = "oriented", "orientation décidée"
    REFERENT_CHANGED = "referent_changed", "référent de parcours désigné"
    INVITED = "invited", "invitation à une séance d'orientation"
    ATTENDANCE = "attendance", "présence à une séance d'orientation"
    SIGNALLED = "signalled", "absence signalée à l'équipe pluridisciplinaire"
    REORIENTATION_REQUESTED = "reorientation_asked", "réorientation demandée"
    REORIENTATION_DECIDED = "reorientation_done", "réorientation décidée"
