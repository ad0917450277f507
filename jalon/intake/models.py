from django.conf import settings
from django.db import models

from jalon.core.models import BaseModel
from jalon.intake.enums import DuplicateStatus, ImportKind, ImportStatus


class ImportRunQuerySet(models.QuerySet):
    def visible_to(self, actor):
        if actor.is_platform_admin:
            return self
        if actor.organisation is None:
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
    file_sha256 = models.CharField("empreinte SHA-256", max_length=64, db_index=True)
    header = models.JSONField("en-tête du fichier", default=dict, blank=True)
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
