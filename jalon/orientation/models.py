from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from jalon.core.models import BaseModel
from jalon.orientation.enums import OrientationType, PersonAgreement


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
