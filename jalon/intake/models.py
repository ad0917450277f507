from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.models import BaseModel
from jalon.intake.enums import (
    DeclaredObstacle,
    DrivingLicence,
    DuplicateStatus,
    EducationLevel,
    ImportKind,
    ImportStatus,
    ProfessionalSituation,
    SpreadsheetDateFormat,
    SpreadsheetField,
)
from jalon.people.enums import Organisme


class ImportRunQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """The Département's imports, for its administrators only: a partner never sees nor feeds them."""
        if actor.is_platform_admin:
            return self
        if not actor.acts_for_departement(Role.ADMINISTRATOR):
            return self.none()
        return self.filter(departement_id=actor.organisation.departement_id)


class ImportRun(BaseModel):
    """One import of one file, by a command or a screen, with what it did."""

    kind = models.CharField("type", max_length=20, choices=ImportKind.choices)
    status = models.CharField("statut", max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="structure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="lancé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_by_label = models.CharField("lancé par (libellé)", max_length=254, blank=True)
    file_name = models.CharField("fichier", max_length=255)
    file_size = models.BigIntegerField("taille (octets)", default=0)
    file_sha256 = models.CharField("empreinte SHA-256", max_length=64, db_index=True, blank=True)
    # The uploaded file while it waits for the worker; deleted once processed.
    stored_file = models.FileField("fichier déposé", upload_to="imports/%Y/%m/", blank=True)
    header = models.JSONField("en-tête du fichier", default=dict, blank=True)
    # A CAF/MSA flux addressed to another Département (IDEPARTE) is imported only when explicitly asked.
    other_departement_allowed = models.BooleanField("flux d'un autre Département accepté", default=False)
    same_as = models.ForeignKey(
        "self", verbose_name="même fichier que", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField("début", null=True, blank=True)
    finished_at = models.DateTimeField("fin", null=True, blank=True)
    bytes_done = models.BigIntegerField("octets traités", default=0)
    households_created = models.PositiveIntegerField("foyers créés", default=0)
    households_updated = models.PositiveIntegerField("foyers modifiés", default=0)
    households_unchanged = models.PositiveIntegerField("foyers inchangés", default=0)
    persons_created = models.PositiveIntegerField("personnes créées", default=0)
    persons_updated = models.PositiveIntegerField("personnes modifiées", default=0)
    rejected = models.PositiveIntegerField("lignes rejetées", default=0)
    duplicates_found = models.PositiveIntegerField("doublons possibles", default=0)
    events_created = models.PositiveIntegerField("événements", default=0)
    error = models.TextField("erreur", blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = "import"
        verbose_name_plural = "imports"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.file_name} ({self.created_at:%d/%m/%Y %H:%M})"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @property
    def progress_percent(self) -> int:
        return min(100, int(100 * self.bytes_done / self.file_size)) if self.file_size else 0


class RejectedRow(models.Model):
    run = models.ForeignKey(ImportRun, verbose_name="import", on_delete=models.CASCADE, related_name="rejected_rows")
    line = models.PositiveIntegerField("ligne")
    identifier = models.CharField("identifiant", max_length=50, blank=True)
    reason = models.TextField("motif")

    class Meta:
        verbose_name = "ligne rejetée"
        verbose_name_plural = "lignes rejetées"
        ordering = ["run", "line"]

    def __str__(self):
        return f"ligne {self.line} : {self.reason}"


class DuplicateCandidateQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=DuplicateStatus.PENDING)

    def visible_to(self, actor):
        from jalon.people.models import Person

        visible = Person.objects.visible_to(actor).values("pk")
        return self.filter(person__in=visible, other__in=visible)


class DuplicateCandidate(BaseModel):
    """Two files that may be the same person; an administrator merges them or marks them distinct."""

    person = models.ForeignKey("people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(
        "people.Person", verbose_name="autre dossier", on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField("ressemblance")
    reasons = models.JSONField("raisons", default=list)
    status = models.CharField(
        "statut", max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.PENDING
    )
    found_by_run = models.ForeignKey(
        ImportRun,
        verbose_name="trouvé lors de l'import",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="examiné par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("examiné le", null=True, blank=True)

    objects = DuplicateCandidateQuerySet.as_manager()

    class Meta:
        verbose_name = "doublon possible"
        verbose_name_plural = "doublons possibles"
        ordering = ["-score", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["person", "other"], name="duplicate_unique_pair")]

    def __str__(self):
        return f"{self.person} ≈ {self.other}"


rome_code_validator = RegexValidator(
    r"^[A-N][0-9]{4}$", "Le code ROME est une lettre suivie de 4 chiffres, par exemple K2204."
)


def validate_obstacle_codes(value) -> None:
    if not isinstance(value, list) or any(code not in DeclaredObstacle.values for code in value):
        raise ValidationError("Frein inconnu : choisissez parmi les freins proposés.")


# The key questions of the DSP: it is complete when each has an answer. For the declared obstacles, an empty
# list is an answer ("no obstacle"); only None means the question was not asked.
DSP_KEY_QUESTIONS = (
    "professional_situation",
    "education_level",
    "driving_licence",
    "has_vehicle",
    "declared_obstacles",
    "project",
)


def dsp_complete_q(prefix: str = "") -> Q:
    """The SQL twin of `SocioProfessionalData.is_complete`; `prefix` is the path from the queried model
    (e.g. "dsp__" from Person). Positive lookups only, so that a missing DSP row never counts as answered."""
    return Q(
        **{
            f"{prefix}professional_situation__gt": "",
            f"{prefix}education_level__gt": "",
            f"{prefix}driving_licence__gt": "",
            f"{prefix}has_vehicle__isnull": False,
            f"{prefix}declared_obstacles__isnull": False,
            f"{prefix}project__gt": "",
        }
    )


class SocioProfessionalDataQuerySet(models.QuerySet):
    def complete(self):
        return self.filter(dsp_complete_q())


class SocioProfessionalData(BaseModel):
    """The DSP collected at intake (by an agent, or by the person): one per person."""

    person = models.OneToOneField(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="dsp"
    )
    professional_situation = models.CharField(
        "situation professionnelle", max_length=30, choices=ProfessionalSituation.choices, blank=True
    )
    education_level = models.CharField(
        "niveau de formation", max_length=10, choices=EducationLevel.choices, blank=True
    )
    last_job = models.CharField("dernier emploi occupé", max_length=255, blank=True)
    last_job_rome_code = models.CharField(
        "code ROME du dernier emploi", max_length=5, blank=True, validators=[rome_code_validator]
    )
    last_job_end_date = models.DateField("fin du dernier emploi", null=True, blank=True)
    driving_licence = models.CharField("permis de conduire", max_length=10, choices=DrivingLicence.choices, blank=True)
    has_vehicle = models.BooleanField("dispose d'un véhicule", null=True, blank=True)
    declared_obstacles = models.JSONField(
        "freins déclarés", null=True, blank=True, default=None, validators=[validate_obstacle_codes]
    )
    project = models.TextField("projet de la personne", blank=True)
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="rempli par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filled_by_person = models.BooleanField("rempli par la personne elle-même", default=False)
    filled_on = models.DateField("rempli le", null=True, blank=True)

    objects = SocioProfessionalDataQuerySet.as_manager()

    class Meta:
        verbose_name = "données socio-professionnelles"
        verbose_name_plural = "données socio-professionnelles"

    def __str__(self):
        return f"DSP de {self.person}"

    def clean(self):
        super().clean()
        if self.last_job_end_date and self.last_job_end_date > timezone.localdate():
            raise ValidationError(
                {"last_job_end_date": "La date de fin du dernier emploi ne peut pas être dans le futur."}
            )

    def _is_answered(self, field: str) -> bool:
        value = getattr(self, field)
        if field in ("has_vehicle", "declared_obstacles"):
            return value is not None
        return bool(value.strip())

    @property
    def completeness(self) -> int:
        """Share of the key questions answered, 0 to 100."""
        answered = sum(self._is_answered(field) for field in DSP_KEY_QUESTIONS)
        return round(100 * answered / len(DSP_KEY_QUESTIONS))

    @property
    def is_complete(self) -> bool:
        return all(self._is_answered(field) for field in DSP_KEY_QUESTIONS)

    @property
    def missing_questions(self) -> list[str]:
        """Labels of the key questions still unanswered."""
        return [
            str(cast(models.Field, self._meta.get_field(field)).verbose_name)
            for field in DSP_KEY_QUESTIONS
            if not self._is_answered(field)
        ]

    @property
    def declared_obstacle_labels(self) -> list[str]:
        return [DeclaredObstacle(code).label for code in self.declared_obstacles or []]


class ImportProfileQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """The profiles of the actor's current organisation."""
        if actor.organisation_id is None:
            return self.none()
        return self.filter(organisation_id=actor.organisation_id)


class ImportProfile(BaseModel):
    """How an organisation's beneficiary lists are laid out: which column holds which field, how dates are
    written, which organisme (CAF or MSA) the matricules belong to when no column says so."""

    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="structure", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField("nom", max_length=100)
    # {SpreadsheetField value: column header}
    mapping = models.JSONField("correspondance des colonnes", default=dict, blank=True)
    date_format = models.CharField(
        "format des dates",
        max_length=10,
        choices=SpreadsheetDateFormat.choices,
        default=SpreadsheetDateFormat.DAY_MONTH_YEAR,
    )
    organisme = models.CharField(
        "organisme par défaut", max_length=3, choices=Organisme.choices, default=Organisme.CAF
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ImportProfileQuerySet.as_manager()

    class Meta:
        verbose_name = "profil d'import"
        verbose_name_plural = "profils d'import"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="import_profile_unique_name")]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        mapping = self.mapping
        if not isinstance(mapping, dict) or any(
            field not in SpreadsheetField.values or not isinstance(header, str) for field, header in mapping.items()
        ):
            raise ValidationError({"mapping": "La correspondance des colonnes est mal formée."})
