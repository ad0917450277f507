import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from jalon.core.models import BaseModel
from jalon.notebook.enums import (
    ContactKind,
    ContractEndReason,
    ContractWanted,
    FreinKind,
    FreinNature,
    FreinStatus,
    HoursReductionReason,
    NoteVisibility,
    WorkingTime,
    WorkStatus,
)
from jalon.orientation.enums import Attendance, SessionMode


# --- reference data ---------------------------------------------------------------------------------------------


class RomeCode(models.Model):
    """A job family of France Travail's ROME (reference data, loaded by `load_rome`)."""

    code = models.CharField("code ROME", max_length=5, primary_key=True)
    label = models.CharField("intitulé", max_length=255)
    # False once a release no longer has it: kept, since carnets may still point to it.
    active = models.BooleanField("en vigueur", default=True)

    class Meta:
        verbose_name = "code ROME"
        verbose_name_plural = "codes ROME"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} — {self.label}"


class RomeAppellation(models.Model):
    """A job title as people say it ("Aide-soignant / Aide-soignante"), attached to one ROME code."""

    code = models.CharField("code OGR", max_length=10, primary_key=True)
    label = models.CharField("appellation", max_length=255)
    normalized_label = models.CharField(max_length=255, editable=False, db_index=True)
    rome = models.ForeignKey(RomeCode, verbose_name="code ROME", on_delete=models.PROTECT, related_name="appellations")
    # False once a release no longer has it: kept for the carnets that name it, no longer proposed.
    active = models.BooleanField("en vigueur", default=True)

    class Meta:
        verbose_name = "appellation ROME"
        verbose_name_plural = "appellations ROME"
        ordering = ["label"]

    def __str__(self):
        return self.label


class FreinCategory(BaseModel):
    """One entry of the diagnostic référentiel (France Travail): data an administrator edits, mapped to the
    data·inclusion thématiques so that the offer can propose services for a frein."""

    code = models.SlugField("code", max_length=40, unique=True)
    label = models.CharField("libellé", max_length=150)
    kind = models.CharField("nature", max_length=20, choices=FreinKind.choices, default=FreinKind.SOCIAL)
    thematiques = models.JSONField("thématiques data·inclusion", default=list, blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    is_active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "frein du référentiel"
        verbose_name_plural = "référentiel des freins"
        ordering = ["position", "label"]

    def __str__(self):
        return self.label


class ContractType(BaseModel):
    """A kind of contract a Département uses (CER, PPAE, CEJ…), with its usual length and renewal notice."""

    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    code = models.SlugField("code", max_length=20)
    name = models.CharField("nom", max_length=150)
    usual_months = models.PositiveSmallIntegerField("durée habituelle (mois)", default=6)
    renewal_notice_days = models.PositiveSmallIntegerField("rappel avant l'échéance (jours)", default=30)
    # Set on the contrat d'engagement (loi n° 2023-1196): its weekly activity hours, lower only on a decision.
    minimum_weekly_hours = models.PositiveSmallIntegerField(
        "heures d'activité hebdomadaires minimales", null=True, blank=True
    )
    is_active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "type de contrat"
        verbose_name_plural = "types de contrat"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["departement", "code"], name="contract_type_unique_code")]

    def __str__(self):
        return self.name


class AccompanimentRule(BaseModel):
    """The référentiel d'accompagnement of a dispositif: at least one contact every N weeks."""

    dispositif = models.OneToOneField(
        "orientation.Dispositif",
        verbose_name="dispositif",
        on_delete=models.CASCADE,
        related_name="accompaniment_rule",
    )
    max_weeks_between_contacts = models.PositiveSmallIntegerField("un contact au moins toutes les (semaines)")
    first_appointment_days = models.PositiveSmallIntegerField(
        "premier rendez-vous sous (jours après l'orientation)", default=30
    )

    class Meta:
        verbose_name = "référentiel d'accompagnement"
        verbose_name_plural = "référentiels d'accompagnement"

    def __str__(self):
        return f"{self.dispositif} : un contact toutes les {self.max_weeks_between_contacts} semaines"


# --- the notebook -----------------------------------------------------------------------------------------------


class Notebook(BaseModel):
    """The carnet de bord of one person followed: everything below hangs from it. `version` grows with every
    write so that two professionals editing at once never overwrite each other (optimistic locking)."""

    person = models.OneToOneField(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="notebook"
    )
    version = models.PositiveIntegerField("version", default=1)
    last_activity_at = models.DateTimeField("dernière mise à jour", default=timezone.now)
    last_contact_on = models.DateField("dernier contact", null=True, blank=True)
    # Set when the path ends (an exit, recorded by a later app through `notebook_close`): the carnet is kept and
    # read, but takes no more writes until the path is reopened.
    closed_on = models.DateField("parcours clos le", null=True, blank=True)
    # The organisation that ended the path keeps reading the carnet (follow-up in employment, a possible return)
    # after the exit has ended the orientation that let it see the person.
    closed_by_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="parcours clos par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "carnet de bord"
        verbose_name_plural = "carnets de bord"
        indexes = [models.Index(fields=["last_contact_on"], name="notebook_last_contact_idx")]

    def __str__(self):
        return f"Carnet de {self.person}"

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


class NotebookFrein(BaseModel):
    """The person's situation on one entry of the référentiel."""

    notebook = models.ForeignKey(Notebook, on_delete=models.CASCADE, related_name="freins")
    category = models.ForeignKey(FreinCategory, verbose_name="frein", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("statut", max_length=20, choices=FreinStatus.choices, default=FreinStatus.NOT_EXPLORED)
    nature = models.CharField("nature", max_length=20, choices=FreinNature.choices, blank=True)
    identified_on = models.DateField("repéré le", null=True, blank=True)
    resolved_on = models.DateField("levé le", null=True, blank=True)
    comment = models.TextField("précisions", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="mis à jour par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "frein de la personne"
        verbose_name_plural = "situation et freins"
        ordering = ["category__position", "category__label"]
        constraints = [
            models.UniqueConstraint(fields=["notebook", "category"], name="notebook_frein_once"),
            models.CheckConstraint(
                condition=Q(resolved_on=None) | Q(identified_on=None) | Q(resolved_on__gte=F("identified_on")),
                name="notebook_frein_dates_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.category} : {self.get_status_display()}"


class ProfessionalProject(BaseModel):
    """A professional project: the job aimed at (ROME) and the elements of the offre raisonnable d'emploi."""

    notebook = models.ForeignKey(Notebook, on_delete=models.CASCADE, related_name="projects")
    appellation = models.ForeignKey(
        RomeAppellation, verbose_name="métier visé", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rome = models.ForeignKey(
        RomeCode, verbose_name="code ROME", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("intitulé du projet", max_length=255, blank=True)
    contract_types = models.JSONField("types de contrat recherchés", default=list, blank=True)
    working_time = models.CharField(
        "temps de travail", max_length=20, choices=WorkingTime.choices, default=WorkingTime.ANY
    )
    mobility_km = models.PositiveSmallIntegerField("mobilité (km)", null=True, blank=True)
    expected_monthly_wage = models.PositiveIntegerField("salaire attendu (€ net par mois)", null=True, blank=True)
    strengths = models.TextField("atouts et compétences", blank=True)
    is_main = models.BooleanField("projet principal", default=True)

    class Meta:
        verbose_name = "projet professionnel"
        verbose_name_plural = "projets professionnels"
        ordering = ["-is_main", "-created_at"]

    def __str__(self):
        return self.title or str(self.appellation or self.rome or "projet professionnel")

    def contract_type_labels(self) -> list[str]:
        return [str(ContractWanted(code).label) for code in self.contract_types if code in ContractWanted.values]


class Objective(BaseModel):
    """What the person and the référent aim at, linked to a frein or to the project."""

    notebook = models.ForeignKey(Notebook, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField("objectif", max_length=255)
    frein = models.ForeignKey(
        NotebookFrein,
        verbose_name="frein",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objectives",
    )
    project = models.ForeignKey(
        ProfessionalProject,
        verbose_name="projet professionnel",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objectives",
    )
    status = models.CharField("statut", max_length=20, choices=WorkStatus.choices, default=WorkStatus.PLANNED)
    starts_on = models.DateField("début", null=True, blank=True)
    due_on = models.DateField("échéance", null=True, blank=True)
    done_on = models.DateField("atteint le", null=True, blank=True)
    carried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="porté par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "objectif"
        verbose_name_plural = "objectifs"
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on=None) | Q(starts_on=None) | Q(due_on__gte=F("starts_on")),
                name="objective_dates_in_order",
            )
        ]

    def __str__(self):
        return self.title


class Action(BaseModel):
    """A step towards an objective, carried by a professional or an organisation (or the person)."""

    objective = models.ForeignKey(Objective, verbose_name="objectif", on_delete=models.CASCADE, related_name="actions")
    title = models.CharField("action", max_length=255)
    status = models.CharField("statut", max_length=20, choices=WorkStatus.choices, default=WorkStatus.PLANNED)
    starts_on = models.DateField("début", null=True, blank=True)
    due_on = models.DateField("échéance", null=True, blank=True)
    done_on = models.DateField("réalisée le", null=True, blank=True)
    carried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="portée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    carried_by_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="structure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    carried_by_person = models.BooleanField("portée par la personne", default=False)

    class Meta:
        verbose_name = "action"
        verbose_name_plural = "actions"
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on=None) | Q(starts_on=None) | Q(due_on__gte=F("starts_on")),
                name="action_dates_in_order",
            )
        ]

    def __str__(self):
        return self.title


class ContractQuerySet(models.QuerySet):
    def to_renew(self, today):
        """Contracts in force that end within their type's renewal notice, with no later contract already made."""
        notices = dict(ContractType.objects.values_list("pk", "renewal_notice_days"))
        if not notices:
            return self.none()
        ending_soon = Q()
        for pk, days in notices.items():
            ending_soon |= Q(contract_type_id=pk, ends_on__lte=today + datetime.timedelta(days=days))
        later = Contract.objects.filter(notebook_id=OuterRef("notebook_id"), starts_on__gt=OuterRef("ends_on"))
        # A contract ended early is not renewed: it was ended for a reason.
        return self.filter(ending_soon, ends_on__gte=today, end_reason="").exclude(Exists(later))


class Contract(BaseModel):
    """The contract of engagement (CER, PPAE, CEJ…) with its objectives, dates and signature."""

    notebook = models.ForeignKey(Notebook, on_delete=models.CASCADE, related_name="contracts")
    contract_type = models.ForeignKey(
        ContractType, verbose_name="type de contrat", on_delete=models.PROTECT, related_name="contracts"
    )
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin")
    objectives = models.ManyToManyField(Objective, verbose_name="objectifs", blank=True, related_name="contracts")
    # The contrat d'engagement's action plan and weekly activity hours (empty on the other types).
    actions = models.ManyToManyField(Action, verbose_name="plan d'action", blank=True, related_name="contracts")
    weekly_hours = models.PositiveSmallIntegerField("heures d'activité hebdomadaires prévues", null=True, blank=True)
    hours_reduction_reason = models.CharField(
        "motif de la réduction ou dispense d'heures",
        max_length=20,
        choices=HoursReductionReason.choices,
        blank=True,
        default="",
    )
    hours_reduction_note = models.CharField("précision sur la réduction", max_length=255, blank=True)
    hours_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="réduction décidée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hours_decided_on = models.DateField("réduction décidée le", null=True, blank=True)
    signed_on = models.DateField("signé le", null=True, blank=True)
    signed_by_person = models.BooleanField("signé par la personne", default=False)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="signé pour la structure par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="structure", on_delete=models.PROTECT, related_name="+"
    )
    renewal_reminded_on = models.DateField("rappel de renouvellement le", null=True, blank=True)
    # Ended before its term: `ends_on` becomes the real end (every reader of « in force » stays right), the planned
    # end is kept with the reason.
    planned_ends_on = models.DateField("fin prévue", null=True, blank=True)
    end_reason = models.CharField(
        "motif de fin anticipée", max_length=20, choices=ContractEndReason.choices, blank=True, default=""
    )
    end_note = models.CharField("précision sur la fin", max_length=255, blank=True)
    renews = models.ForeignKey(
        "self",
        verbose_name="renouvelle le contrat",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewals",
    )

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = "contrat d'engagement"
        verbose_name_plural = "contrats d'engagement"
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="contract_ends_after_start")
        ]

    def __str__(self):
        return f"{self.contract_type} du {self.starts_on:%d/%m/%Y} au {self.ends_on:%d/%m/%Y}"


class ContractAmendment(BaseModel):
    """An avenant: the contract's end date, objectives or weekly activity hours changed, with the before and after."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="amendments")
    amended_on = models.DateField("date de l'avenant")
    previous_ends_on = models.DateField("fin avant l'avenant")
    new_ends_on = models.DateField("fin après l'avenant")
    objectives_before = models.JSONField("objectifs avant", default=list)
    objectives_after = models.JSONField("objectifs après", default=list)
    previous_weekly_hours = models.PositiveSmallIntegerField(
        "heures par semaine avant l'avenant", null=True, blank=True
    )
    new_weekly_hours = models.PositiveSmallIntegerField("heures par semaine après l'avenant", null=True, blank=True)
    reason = models.CharField("objet de l'avenant", max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "avenant au contrat"
        verbose_name_plural = "avenants aux contrats"
        ordering = ["amended_on", "pk"]

    def __str__(self):
        return f"Avenant du {self.amended_on:%d/%m/%Y}"


class Appointment(BaseModel):
    """A planned appointment with the person; attendance recorded after it."""

    notebook = models.ForeignKey(Notebook, on_delete=models.CASCADE, related_name="appointments")
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    mode = models.CharField("modalité", max_length=20, choices=SessionMode.choices, default=SessionMode.IN_PERSON)
    place = models.CharField("lieu", max_length=255, blank=True)
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="avec", on_delete=models.PROTECT, related_name="notebook_appointments"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="structure", on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField("objet", max_length=255, blank=True)
    attendance = models.CharField("présence", max_length=10, choices=Attendance.choices, blank=True)
    cancelled_at = models.DateTimeField("annulé le", null=True, blank=True)

    class Meta:
        verbose_name = "rendez-vous"
        verbose_name_plural = "rendez-vous"
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["professional", "starts_at"], name="appointment_pro_start_idx"),
            # A carnet's appointments of a period, counted for each carnet by the observatory: the probe reads the
            # period's entries only, not the carnet's whole history.
            models.Index(
                fields=["notebook", "starts_at"], name="appointment_carnet_start_idx", condition=Q(cancelled_at=None)
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="appointment_ends_after_start")
        ]

    def __str__(self):
        return f"Rendez-vous du {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"


class Contact(BaseModel):
    """A contact with the person (visit, phone, e-mail, home visit, workshop) and its short summary."""

    notebook = models.ForeignKey(Notebook, on_delete=models.CASCADE, related_name="contacts")
    occurred_on = models.DateField("date", default=timezone.localdate)
    kind = models.CharField("type de contact", max_length=20, choices=ContactKind.choices)
    summary = models.TextField("résumé")
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="professionnel", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="structure", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    appointment = models.OneToOneField(
        Appointment,
        verbose_name="rendez-vous",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact",
    )

    class Meta:
        verbose_name = "contact"
        verbose_name_plural = "contacts"
        ordering = ["-occurred_on", "-id"]
        # A carnet's contacts of a period (the observatory's counts, « perdu de vue »), as for appointments.
        indexes = [models.Index(fields=["notebook", "occurred_on"], name="contact_carnet_day_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.occurred_on:%d/%m/%Y}"


class TeamMember(BaseModel):
    """A professional around the person besides the référent unique, invited by the référent."""

    notebook = models.ForeignKey(Notebook, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="professionnel", on_delete=models.PROTECT, related_name="notebook_teams"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="structure", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField("rôle auprès de la personne", max_length=150)
    started_on = models.DateField("depuis le", default=timezone.localdate)
    ended_on = models.DateField("jusqu'au", null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="invité par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "membre de l'équipe"
        verbose_name_plural = "équipe autour de la personne"
        ordering = ["started_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["notebook", "user"], condition=Q(ended_on=None), name="team_member_once")
        ]

    def __str__(self):
        return f"{self.user} ({self.organisation})"


class Consent(BaseModel):
    """The person's consent to share their carnet with an organisation: recorded, revocable, kept as history."""

    notebook = models.ForeignKey(Notebook, on_delete=models.CASCADE, related_name="consents")
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="structure", on_delete=models.PROTECT, related_name="+"
    )
    given_on = models.DateField("donné le", default=timezone.localdate)
    revoked_on = models.DateField("retiré le", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="recueilli par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "consentement au partage"
        verbose_name_plural = "consentements au partage"
        ordering = ["-given_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["notebook", "organisation"], condition=Q(revoked_on=None), name="consent_one_active"
            )
        ]

    def __str__(self):
        return f"Partage avec {self.organisation}"


class Note(BaseModel):
    """A note, either shared with the team and the person or private to its author's organisation."""

    notebook = models.ForeignKey(Notebook, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="structure", on_delete=models.PROTECT, related_name="+"
    )
    visibility = models.CharField("visibilité", max_length=10, choices=NoteVisibility.choices)
    text = models.TextField("note")
    # Written by the person from their own space (author is then empty, organisation the référent's).
    written_by_person = models.BooleanField("écrite par la personne", default=False)

    class Meta:
        verbose_name = "note"
        verbose_name_plural = "notes"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Note du {timezone.localtime(self.created_at):%d/%m/%Y}"


class PersonAccessCode(models.Model):
    """A one-time code that lets the person into their own space (no password). Only its hash is kept."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="access_codes")
    channel = models.CharField("envoyé par", max_length=10)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField("expire le")
    used_at = models.DateTimeField("utilisé le", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("essais", default=0)

    class Meta:
        verbose_name = "code de connexion de la personne"
        verbose_name_plural = "codes de connexion des personnes"
        indexes = [models.Index(fields=["person", "created_at"], name="access_code_person_idx")]

    def __str__(self):
        return f"Code pour {self.person_id} ({self.created_at:%d/%m/%Y %H:%M})"
