"""Employers and immersions: the directory of establishments a Département and its partners work with (SIRET,
NAF, size, commune, contacts), their « Les entreprises s'engagent » commitments, the log of interactions, the
groupements d'employeurs, the chargé(e)s de relation entreprises per territory, and the PMSMP agreements with
their review.

The directory holds no personal data of beneficiaries: it is shared by every professional of the département.
An immersion is a person's: it is reached through the carnet's rules (`selectors.py`).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from jalon.core.models import BaseModel
from jalon.core.validators import EmailAddressField, validate_siret
from jalon.employers.enums import (
    HireContract,
    ImmersionStatus,
    InteractionKind,
    ReviewOutcome,
    SizeBand,
)
from jalon.employers.naf import naf_label, validate_naf


# --- the directory ----------------------------------------------------------------------------------------------


class EmployerQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """The directory of the actor's département, shared by the Département and its partners."""
        if actor.is_platform_admin:
            return self
        if actor.organisation is None:
            return self.none()
        return self.filter(departement_id=actor.organisation.departement_id)

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        compact = text.replace(" ", "")
        if compact.isdigit():
            return self.filter(siret__startswith=compact)
        return self.filter(Q(name__icontains=text) | Q(commune__name__icontains=text))

    def engaged_on(self, day: datetime.date):
        """Members of « Les entreprises s'engagent » on `day`."""
        return self.filter(engaged_since__lte=day).filter(Q(engaged_until=None) | Q(engaged_until__gte=day))


class Employer(BaseModel):
    """One establishment (a SIRET), in the directory of one département."""

    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    siret = models.CharField("SIRET", max_length=14, validators=[validate_siret])
    name = models.CharField("raison sociale ou enseigne", max_length=200)
    naf_code = models.CharField("code NAF (rév. 2)", max_length=6, validators=[validate_naf])
    size_band = models.CharField("effectif salarié", max_length=2, choices=SizeBand.choices, blank=True)
    commune = models.ForeignKey(
        "territories.Commune", verbose_name="commune", on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField("adresse", max_length=255, blank=True)
    engaged_since = models.DateField("membre de « Les entreprises s'engagent » depuis le", null=True, blank=True)
    engaged_until = models.DateField("jusqu'au", null=True, blank=True)
    note = models.TextField("notes", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créée par", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="structure qui l'a ajoutée",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = EmployerQuerySet.as_manager()

    class Meta:
        verbose_name = "employeur"
        verbose_name_plural = "employeurs"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["departement", "siret"], name="employer_unique_siret"),
            models.CheckConstraint(
                condition=Q(engaged_until=None) | Q(engaged_since__lte=models.F("engaged_until")),
                name="employer_engagement_in_order",
            ),
        ]
        indexes = [models.Index(fields=["departement", "name"], name="employer_dep_name_idx")]

    def __str__(self):
        return self.name

    @property
    def naf_label(self) -> str:
        return naf_label(self.naf_code)

    def is_engaged_on(self, day: datetime.date) -> bool:
        return bool(
            self.engaged_since and self.engaged_since <= day and (not self.engaged_until or day <= self.engaged_until)
        )


class EmployerContact(BaseModel):
    """A person to call at the employer (a professional contact, not a beneficiary)."""

    employer = models.ForeignKey(Employer, verbose_name="employeur", on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField("nom", max_length=150)
    job_title = models.CharField("fonction", max_length=150, blank=True)
    email = EmailAddressField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)

    class Meta:
        verbose_name = "contact d'un employeur"
        verbose_name_plural = "contacts des employeurs"
        ordering = ["name", "id"]

    def __str__(self):
        return f"{self.name} ({self.job_title})" if self.job_title else self.name


class Commitment(BaseModel):
    """An employer's yearly commitment in « Les entreprises s'engagent », and what it achieved. Immersions and hires
    achieved are also counted from Jalon's own records (immersions validated, exits to this employer); sponsorship
    and job-datings are declared."""

    employer = models.ForeignKey(
        Employer, verbose_name="employeur", on_delete=models.CASCADE, related_name="commitments"
    )
    year = models.PositiveSmallIntegerField("année")
    immersions_offered = models.PositiveSmallIntegerField("immersions proposées", default=0)
    hires = models.PositiveSmallIntegerField("recrutements", default=0)
    sponsorships = models.PositiveSmallIntegerField("parrainages", default=0)
    job_datings = models.PositiveSmallIntegerField("job-datings", default=0)
    immersions_done = models.PositiveSmallIntegerField("immersions réalisées (déclarées)", default=0)
    hires_done = models.PositiveSmallIntegerField("recrutements réalisés (déclarés)", default=0)
    sponsorships_done = models.PositiveSmallIntegerField("parrainages réalisés", default=0)
    job_datings_done = models.PositiveSmallIntegerField("job-datings réalisés", default=0)
    note = models.TextField("précisions", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="saisi par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "engagement annuel"
        verbose_name_plural = "engagements annuels"
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["employer", "year"], name="commitment_once_a_year")]

    def __str__(self):
        return f"Engagement {self.year} de {self.employer}"


class Interaction(BaseModel):
    """One contact with an employer: a visit, a call, a job-dating…"""

    employer = models.ForeignKey(
        Employer, verbose_name="employeur", on_delete=models.CASCADE, related_name="interactions"
    )
    occurred_on = models.DateField("date")
    kind = models.CharField("type", max_length=12, choices=InteractionKind.choices)
    note = models.TextField("compte rendu", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="structure", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "échange avec un employeur"
        verbose_name_plural = "échanges avec les employeurs"
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["occurred_on"], name="interaction_date_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} le {self.occurred_on:%d/%m/%Y}"


class EmployerGroupQuerySet(models.QuerySet):
    def visible_to(self, actor):
        if actor.is_platform_admin:
            return self
        if actor.organisation is None:
            return self.none()
        return self.filter(departement_id=actor.organisation.departement_id)

    def active_on(self, day: datetime.date):
        return self.filter(created_on__lte=day).filter(Q(dissolved_on=None) | Q(dissolved_on__gt=day))


class EmployerGroup(BaseModel):
    """A groupement d'employeurs (C. trav. L. 1253-1): employers pooling jobs, often seasonal (ANEFA)."""

    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("nom", max_length=200)
    siret = models.CharField("SIRET du groupement", max_length=14, blank=True, validators=[validate_siret])
    commune = models.ForeignKey(
        "territories.Commune", verbose_name="siège", on_delete=models.PROTECT, related_name="+"
    )
    sector = models.CharField("secteur", max_length=150, blank=True)
    created_on = models.DateField("constitué le")
    dissolved_on = models.DateField("dissous le", null=True, blank=True)
    members = models.ManyToManyField(Employer, verbose_name="employeurs membres", blank=True, related_name="groups")
    animated_by = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="animé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = EmployerGroupQuerySet.as_manager()

    class Meta:
        verbose_name = "groupement d'employeurs"
        verbose_name_plural = "groupements d'employeurs"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["departement", "name"], name="employer_group_unique_name")]

    def __str__(self):
        return self.name


class RelationsOfficerQuerySet(models.QuerySet):
    def current(self, day: datetime.date | None = None):
        day = day or timezone.localdate()
        return self.filter(started_on__lte=day).filter(Q(ended_on=None) | Q(ended_on__gte=day))


class RelationsOfficer(BaseModel):
    """A chargé(e) de relation entreprises: a Département professional assigned to territories. Jalon has no role of
    that name: it is an assignment, on top of the person's role (a référent, a chargé d'orientation…)."""

    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="chargé(e) de relation entreprises",
        on_delete=models.CASCADE,
        related_name="employer_relations",
    )
    territories = models.ManyToManyField(
        "territories.Territory", verbose_name="territoires", related_name="relations_officers"
    )
    started_on = models.DateField("depuis le")
    ended_on = models.DateField("jusqu'au", null=True, blank=True)

    objects = RelationsOfficerQuerySet.as_manager()

    class Meta:
        verbose_name = "chargé(e) de relation entreprises"
        verbose_name_plural = "chargé(e)s de relation entreprises"
        ordering = ["user__last_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "user"], condition=Q(ended_on=None), name="relations_officer_once"
            )
        ]

    def __str__(self):
        return self.user.get_full_name() or self.user.email


# --- immersions (PMSMP) -----------------------------------------------------------------------------------------


MAX_IMMERSION_DAYS = 30  # « une durée maximale d'un mois » (D. 5135-3), 30 calendar days as Immersion Facilitée counts
MAX_OBJECTIVES = 3


class ImmersionQuerySet(models.QuerySet):
    def validated(self):
        return self.filter(status=ImmersionStatus.ACCEPTED_BY_VALIDATOR)

    def validated_between(self, start, end):
        return self.validated().filter(validated_on__gte=start, validated_on__lte=end)

    def reviewed(self):
        return self.exclude(review_outcome="")

    def for_departement(self, code: str):
        return self.filter(person__departement_id=code)


class Immersion(BaseModel):
    """A PMSMP agreement (période de mise en situation en milieu professionnel): a person, an employer, a prescriber
    (the organisation that follows the person), at most a month, one to three objectives; then its review."""

    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="immersions"
    )
    employer = models.ForeignKey(
        Employer, verbose_name="entreprise d'accueil", on_delete=models.PROTECT, related_name="immersions"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="prescripteur", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "statut", max_length=24, choices=ImmersionStatus.choices, default=ImmersionStatus.DRAFT, db_index=True
    )
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin")
    objectives = models.JSONField("objectifs", default=list)
    job_title = models.CharField("métier observé", max_length=150)
    activities = models.TextField("activités", blank=True)
    weekly_hours = models.DecimalField("heures par semaine", max_digits=4, decimal_places=1, null=True, blank=True)
    tutor_name = models.CharField("tuteur ou tutrice", max_length=150, blank=True)
    tutor_phone = models.CharField("téléphone du tuteur", max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créée par", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    person_signed_on = models.DateField("signée par la personne le", null=True, blank=True)
    employer_signed_on = models.DateField("signée par l'entreprise le", null=True, blank=True)
    submitted_on = models.DateField("soumise à signature le", null=True, blank=True)
    counsellor_validated_on = models.DateField("pré-validée le", null=True, blank=True)
    validated_on = models.DateField("validée le", null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="validée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status_reason = models.CharField("motif (refus, annulation, modification)", max_length=255, blank=True)
    # The after-immersion review (bilan).
    review_outcome = models.CharField("bilan", max_length=10, choices=ReviewOutcome.choices, blank=True, default="")
    last_day_present = models.DateField("dernier jour de présence", null=True, blank=True)
    missed_hours = models.DecimalField("heures manquées", max_digits=5, decimal_places=1, null=True, blank=True)
    led_to_job = models.BooleanField("a débouché sur une embauche", null=True, blank=True)
    hire_contract = models.CharField(
        "contrat proposé", max_length=12, choices=HireContract.choices, blank=True, default=""
    )
    hire_starts_on = models.DateField("embauche le", null=True, blank=True)
    employer_feedback = models.TextField("appréciation de l'entreprise", blank=True)
    reviewed_on = models.DateField("bilan fait le", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="bilan saisi par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ImmersionQuerySet.as_manager()

    class Meta:
        verbose_name = "immersion (PMSMP)"
        verbose_name_plural = "immersions (PMSMP)"
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="immersion_dates_in_order"),
            models.CheckConstraint(
                condition=Q(led_to_job=True) | Q(hire_contract=""), name="immersion_contract_only_if_hired"
            ),
        ]
        indexes = [models.Index(fields=["validated_on"], name="immersion_validated_idx")]

    def __str__(self):
        return f"Immersion chez {self.employer} du {self.starts_on:%d/%m/%Y} au {self.ends_on:%d/%m/%Y}"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def objective_labels(self) -> list[str]:
        from jalon.employers.enums import ImmersionObjective

        labels = dict(ImmersionObjective.choices)
        return [labels.get(code, code) for code in self.objectives]
