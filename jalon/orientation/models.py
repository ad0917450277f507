from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.models import BaseModel
from jalon.orientation.enums import (
    AbsenceFollowUp,
    Attendance,
    CriterionCondition,
    DelayStep,
    InvitationKind,
    InvitationResponse,
    JointDiagnosticExtension,
    JointDiagnosticOutcome,
    LongTermConsequence,
    LongTermTypology,
    OrientationType,
    PersonAgreement,
    ReorientationStatus,
    SessionKind,
    SessionMode,
    SessionStage,
)


class Dispositif(BaseModel):
    """A Département's named way of supporting people (accompagnement global, CAF monoparents…), configurable."""

    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("nom", max_length=150)
    orientation_type = models.CharField("type d'orientation", max_length=20, choices=OrientationType.choices)
    organisations = models.ManyToManyField(
        "organisations.Organisation", verbose_name="structures qui le portent", related_name="dispositifs"
    )
    is_active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "dispositif"
        verbose_name_plural = "dispositifs"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["departement", "name"], name="dispositif_unique_name")]

    def __str__(self):
        return self.name


class OrientationQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_on=None)


class Orientation(BaseModel):
    """One orientation decision. A new decision ends the previous one: the rows are the person's history."""

    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="orientations"
    )
    orientation_type = models.CharField("type d'orientation", max_length=20, choices=OrientationType.choices)
    dispositif = models.ForeignKey(
        Dispositif, verbose_name="dispositif", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="structure en charge", on_delete=models.PROTECT, related_name="+"
    )
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="référent de parcours", on_delete=models.PROTECT, related_name="+"
    )
    person_chose_referent = models.BooleanField("la personne a choisi son référent", default=False)
    person_agreement = models.CharField(
        "avis de la personne", max_length=15, choices=PersonAgreement.choices, default=PersonAgreement.NOT_ASKED
    )
    person_comment = models.TextField("commentaire de la personne", blank=True)
    decided_on = models.DateField("décidée le", default=timezone.localdate)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="décidée par", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_on = models.DateField("fin", null=True, blank=True)
    end_reason = models.CharField("motif de fin", max_length=255, blank=True)
    session = models.ForeignKey(
        "OrientationSession",
        verbose_name="séance",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orientations",
    )
    # The next steps of the path, whose delays are watched (the carnet de bord fills them as they happen).
    first_appointment_on = models.DateField("premier rendez-vous avec le référent", null=True, blank=True)
    contract_signed_on = models.DateField("contrat signé le", null=True, blank=True)
    # The plein-emploi law's steps: a contrat d'engagement (the transition of people oriented before 2025 is done
    # only by one), and for the social path the joint diagnostic with France Travail, within six months or twelve.
    engagement_signed_on = models.DateField("contrat d'engagement signé le", null=True, blank=True)
    joint_diagnostic_on = models.DateField("diagnostic conjoint réalisé le", null=True, blank=True)
    joint_diagnostic_outcome = models.CharField(
        "suite du diagnostic conjoint",
        max_length=20,
        choices=JointDiagnosticOutcome.choices,
        blank=True,
        db_default="",  # rows copied in bulk by the imports name only the columns they fill
    )
    joint_diagnostic_extension = models.CharField(
        "diagnostic conjoint porté à douze mois pour",
        max_length=20,
        choices=JointDiagnosticExtension.choices,
        blank=True,
        db_default="",
    )

    objects = OrientationQuerySet.as_manager()

    class Meta:
        verbose_name = "orientation"
        verbose_name_plural = "orientations"
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(ended_on=None), name="orientation_one_current")
        ]
        indexes = [models.Index(fields=["organisation", "ended_on"], name="orientation_org_current_idx")]

    def __str__(self):
        return f"{self.person} : {self.get_orientation_type_display()} ({self.organisation})"


class ReferentAssignmentQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_on=None)


class ReferentAssignment(BaseModel):
    """Who is the person's référent de parcours, and since when: the history of every change."""

    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="referent_assignments"
    )
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="référent", on_delete=models.PROTECT, related_name="caseload"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="structure", on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField("depuis le", default=timezone.localdate)
    ended_on = models.DateField("jusqu'au", null=True, blank=True)
    reason = models.CharField("motif", max_length=255, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="désigné par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReferentAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "référent désigné"
        verbose_name_plural = "référents désignés"
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(ended_on=None), name="referent_one_current")
        ]
        indexes = [models.Index(fields=["referent", "ended_on"], name="referent_current_idx")]

    def __str__(self):
        return f"{self.referent} → {self.person}"


# The Département's staff who plan, run or oversee orientation sessions (the others are mobilised on them).
SESSION_OVERSEERS = (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.TERRITORY_MANAGER)


class OrientationSessionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(cancelled_at=None)

    def visible_to(self, actor):
        if actor.is_platform_admin:
            return self
        if actor.organisation is None:
            return self.none()
        qs = self.filter(departement_id=actor.organisation.departement_id)
        if actor.acts_for_departement(*SESSION_OVERSEERS):
            return qs
        # Everyone else — référents, France Travail advisers, partners — sees the sessions they are mobilised on.
        return qs.filter(professionals=actor.user)

    def overlapping(self, starts_at, ends_at):
        return self.active().filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class OrientationSession(BaseModel):
    """A cellule d'orientation, an information collective or an individual interview slot."""

    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="structure organisatrice",
        on_delete=models.PROTECT,
        related_name="+",
    )
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name="territoire",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField("type de séance", max_length=20, choices=SessionKind.choices, default=SessionKind.CELL)
    mode = models.CharField("modalité", max_length=20, choices=SessionMode.choices, default=SessionMode.IN_PERSON)
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    place = models.CharField("lieu", max_length=255, blank=True)
    capacity = models.PositiveSmallIntegerField("nombre de places")
    professionals = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="professionnels mobilisés",
        blank=True,
        related_name="orientation_sessions",
    )
    stage = models.CharField("étape", max_length=20, choices=SessionStage.choices, default=SessionStage.PREPARATION)
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)
    cancel_reason = models.CharField("motif d'annulation", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créée par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = OrientationSessionQuerySet.as_manager()

    class Meta:
        verbose_name = "séance d'orientation"
        verbose_name_plural = "séances d'orientation"
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["departement", "starts_at"], name="session_dep_start_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="session_capacity_positive"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_closed(self) -> bool:
        return self.stage == SessionStage.CLOSED


class SessionStageChange(models.Model):
    """Each step of a session as it was reached: when, by whom, with a note."""

    session = models.ForeignKey(OrientationSession, on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.CharField("étape", max_length=20, choices=SessionStage.choices)
    reached_at = models.DateTimeField("atteinte le", default=timezone.now)
    reached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField("note", blank=True)

    class Meta:
        verbose_name = "étape de séance"
        verbose_name_plural = "étapes de séance"
        ordering = ["reached_at", "id"]

    def __str__(self):
        return f"{self.get_stage_display()} — {self.session}"


class SessionParticipant(BaseModel):
    """A person invited to a session: the invitation, their response, their attendance and what followed."""

    session = models.ForeignKey(
        OrientationSession, verbose_name="séance", on_delete=models.CASCADE, related_name="participants"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="session_participations"
    )
    invitation_kind = models.CharField(
        "type d'invitation", max_length=20, choices=InvitationKind.choices, default=InvitationKind.INVITATION
    )
    invited_at = models.DateTimeField("invitée le", default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="invitée par", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminder_sent_at = models.DateTimeField("relance envoyée le", null=True, blank=True)
    response = models.CharField(
        "réponse", max_length=20, choices=InvitationResponse.choices, default=InvitationResponse.NONE
    )
    response_note = models.CharField("précision", max_length=255, blank=True)
    responded_at = models.DateTimeField("réponse le", null=True, blank=True)
    attendance = models.CharField("présence", max_length=10, choices=Attendance.choices, blank=True)
    attendance_recorded_at = models.DateTimeField("présence saisie le", null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="présence saisie par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    absence_follow_up = models.CharField(
        "suite donnée à l'absence", max_length=20, choices=AbsenceFollowUp.choices, blank=True
    )

    class Meta:
        verbose_name = "personne invitée"
        verbose_name_plural = "personnes invitées"
        ordering = ["person__normalized_last_name", "person__normalized_first_name"]
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="participant_once_per_session")]
        indexes = [models.Index(fields=["person", "invited_at"], name="participant_person_idx")]

    def __str__(self):
        return f"{self.person} — {self.session}"


class Interview(BaseModel):
    """The individual orientation interview: the person's auto-positionnement, the common diagnostic of freins,
    and the rule-based proposal with its reasons."""

    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="orientation_interviews"
    )
    participant = models.OneToOneField(
        SessionParticipant,
        verbose_name="participation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interview",
    )
    strengths = models.TextField("points forts (selon la personne)", blank=True)
    needs = models.TextField("besoins (selon la personne)", blank=True)
    obstacles = models.JSONField("freins identifiés", default=list, blank=True)
    diagnostic_note = models.TextField("diagnostic partagé", blank=True)
    proposed_type = models.CharField(
        "orientation proposée", max_length=20, choices=OrientationType.choices, blank=True
    )
    proposed_dispositif = models.ForeignKey(
        Dispositif,
        verbose_name="dispositif proposé",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposal_reasons = models.JSONField("motifs de la proposition", default=list, blank=True)
    conducted_on = models.DateField("date de l'entretien", default=timezone.localdate)
    conducted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="mené par", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    orientation = models.ForeignKey(
        Orientation,
        verbose_name="orientation décidée",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interviews",
    )

    class Meta:
        verbose_name = "entretien d'orientation"
        verbose_name_plural = "entretiens d'orientation"
        ordering = ["-conducted_on", "-id"]

    def __str__(self):
        return f"Entretien de {self.person} du {self.conducted_on:%d/%m/%Y}"


class OrientationCriterion(BaseModel):
    """One rule of a Département's orientation proposal: when the condition holds, it weighs for a type (and a
    dispositif), and its reason is shown ("proposé car : …")."""

    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)
    condition = models.CharField("condition", max_length=30, choices=CriterionCondition.choices)
    value = models.CharField("valeur", max_length=100, blank=True)
    proposed_type = models.CharField("oriente vers", max_length=20, choices=OrientationType.choices)
    proposed_dispositif = models.ForeignKey(
        Dispositif,
        verbose_name="dispositif proposé",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    weight = models.PositiveSmallIntegerField("poids", default=1)
    reason = models.CharField("motif affiché", max_length=255)
    is_active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "critère d'orientation"
        verbose_name_plural = "critères d'orientation"
        ordering = ["departement", "position", "id"]

    def __str__(self):
        return self.reason


class EplMeeting(BaseModel):
    """A meeting of the équipe pluridisciplinaire: its members, its agenda (réorientation requests), its minutes."""

    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name="territoire",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="structure organisatrice",
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_at = models.DateTimeField("date et heure")
    place = models.CharField("lieu", max_length=255, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="membres", blank=True, related_name="epl_meetings"
    )
    other_members = models.TextField("autres participants (hors Jalon)", blank=True)
    minutes = models.TextField("compte rendu", blank=True)
    closed_at = models.DateTimeField("clôturée le", null=True, blank=True)

    class Meta:
        verbose_name = "équipe pluridisciplinaire"
        verbose_name_plural = "équipes pluridisciplinaires"
        ordering = ["-held_at"]

    def __str__(self):
        return f"EPL du {timezone.localtime(self.held_at):%d/%m/%Y}"


class ReorientationRequest(BaseModel):
    """A request to change a person's orientation, put on the agenda of an EPL and decided with a reason."""

    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="reorientation_requests"
    )
    from_orientation = models.ForeignKey(
        Orientation,
        verbose_name="orientation en cours",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reorientation_requests",
    )
    requested_on = models.DateField("demandée le", default=timezone.localdate)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="demandée par", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by_person = models.BooleanField("demandée par la personne", default=False)
    reason = models.TextField("motif de la demande")
    requested_type = models.CharField(
        "orientation souhaitée", max_length=20, choices=OrientationType.choices, blank=True
    )
    requested_dispositif = models.ForeignKey(
        Dispositif,
        verbose_name="dispositif souhaité",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        "statut", max_length=20, choices=ReorientationStatus.choices, default=ReorientationStatus.REQUESTED
    )
    epl_meeting = models.ForeignKey(
        EplMeeting,
        verbose_name="équipe pluridisciplinaire",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda",
    )
    scheduled_on = models.DateField("inscrite le", null=True, blank=True)
    decided_on = models.DateField("décidée le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="décidée par", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField("motif de la décision", blank=True)
    new_orientation = models.ForeignKey(
        Orientation,
        verbose_name="nouvelle orientation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "demande de réorientation"
        verbose_name_plural = "demandes de réorientation"
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["demandee", "inscrite"]),
                name="reorientation_one_pending",
            )
        ]

    def __str__(self):
        return f"Réorientation de {self.person} ({self.get_status_display()})"


class DelayThresholds(BaseModel):
    """A Département's delays, in days from the opening of the right, and its reminder settings."""

    departement = models.OneToOneField(
        "territories.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    invitation_days = models.PositiveSmallIntegerField("première invitation sous (jours)", default=15)
    orientation_days = models.PositiveSmallIntegerField("orientation sous (jours)", default=30)
    first_appointment_days = models.PositiveSmallIntegerField(
        "premier rendez-vous avec le référent sous (jours après l'orientation)", default=30
    )
    contract_days = models.PositiveSmallIntegerField("contrat sous (jours après l'orientation)", default=60)
    joint_diagnostic_days = models.PositiveSmallIntegerField(
        "diagnostic conjoint du parcours social sous (jours après l'orientation)", default=183
    )
    joint_diagnostic_extended_days = models.PositiveSmallIntegerField(
        "diagnostic conjoint prolongé sous (jours après l'orientation)", default=365
    )
    transition_days = models.PositiveSmallIntegerField(
        "contrat d'engagement des personnes accompagnées avant 2025 sous (jours après le 1er janvier 2025)",
        default=730,
    )
    reminder_days_before = models.PositiveSmallIntegerField("relance avant une séance (jours)", default=2)

    class Meta:
        verbose_name = "délais d'orientation"
        verbose_name_plural = "délais d'orientation"

    def __str__(self):
        return f"Délais — {self.departement}"

    def days_for(self, step: str, *, extended: bool = False) -> int:
        """The step's delay; `extended` for a joint diagnostic brought to twelve months."""
        if step == DelayStep.JOINT_DIAGNOSTIC and extended:
            return self.joint_diagnostic_extended_days
        return {
            DelayStep.INVITATION: self.invitation_days,
            DelayStep.ORIENTATION: self.orientation_days,
            DelayStep.FIRST_APPOINTMENT: self.first_appointment_days,
            DelayStep.CONTRACT: self.contract_days,
            DelayStep.JOINT_DIAGNOSTIC: self.joint_diagnostic_days,
            DelayStep.TRANSITION: self.transition_days,
        }[DelayStep(step)]


class DelayAlertQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at=None)


class DelayAlert(BaseModel):
    """A delay past its threshold for one person and one step; closed when the step is done or by hand."""

    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="delay_alerts"
    )
    step = models.CharField("étape", max_length=20, choices=DelayStep.choices)
    due_on = models.DateField("échéance")
    raised_on = models.DateField("levée le", default=timezone.localdate)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="structure à qui elle s'adresse",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="destinataire",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delay_alerts",
    )
    closed_at = models.DateTimeField("traitée le", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="traitée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    close_reason = models.CharField("motif", max_length=255, blank=True)

    objects = DelayAlertQuerySet.as_manager()

    class Meta:
        verbose_name = "alerte de délai"
        verbose_name_plural = "alertes de délai"
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "step"], condition=Q(closed_at=None), name="alert_one_open")
        ]
        indexes = [
            models.Index(fields=["organisation", "closed_at"], name="alert_org_open_idx"),
            # The alerts screen lists the open alerts by due date: walked in order, 25 at a time.
            models.Index(fields=["due_on", "id"], condition=Q(closed_at=None), name="alert_open_due_idx"),
        ]

    def __str__(self):
        return f"{self.get_step_display()} en retard — {self.person}"


class LongTermReview(BaseModel):
    """The new diagnosis of a person in the RSA for more than four years, with the Landes typology."""

    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="long_term_reviews"
    )
    reviewed_on = models.DateField("date du diagnostic", default=timezone.localdate)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="réalisé par", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    typology = models.CharField("typologie", max_length=20, choices=LongTermTypology.choices)
    consequence = models.CharField("suite donnée", max_length=20, choices=LongTermConsequence.choices)
    comment = models.TextField("commentaire", blank=True)
    reorientation_request = models.ForeignKey(
        ReorientationRequest,
        verbose_name="demande de réorientation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "diagnostic longue durée"
        verbose_name_plural = "diagnostics longue durée"
        ordering = ["-reviewed_on", "-id"]

    def __str__(self):
        return f"{self.person} — {self.get_typology_display()}"
