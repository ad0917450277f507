from django.db import models
from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.models import BaseModel
from jalon.privacy.enums import DataCategory, LegalBasis


class DataSharingConventionQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """The Département's administrators see the register of their département; a partner's administrator
        sees the conventions of their own organisation."""
        if actor.is_platform_admin:
            return self
        if actor.acts_for_departement(Role.ADMINISTRATOR):
            return self.filter(organisation__departement_id=actor.departement_code)
        if actor.has_role(Role.ADMINISTRATOR):
            return self.filter(organisation_id=actor.organisation_id)
        return self.none()

    def in_force(self, on=None):
        on = on or timezone.localdate()
        return self.filter(signed_on__lte=on).filter(models.Q(expires_on=None) | models.Q(expires_on__gte=on))


class DataSharingConvention(BaseModel):
    """One data-sharing convention between the Département and a partner organisation (RGPD art. 26/28, CASF
    art. L. 263-4-1): what is shared, on which legal basis, for how long."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="structure partenaire",
        on_delete=models.PROTECT,
        related_name="data_sharing_conventions",
    )
    purpose = models.CharField("objet", max_length=255)
    legal_basis = models.CharField("base légale", max_length=30, choices=LegalBasis.choices)
    # A list of DataCategory values (JSON, so that the SQLite demo runs too).
    data_categories = models.JSONField("catégories de données partagées", default=list)
    signed_on = models.DateField("signée le")
    expires_on = models.DateField("expire le", null=True, blank=True)
    document = models.FileField("convention signée (PDF)", upload_to="conventions/%Y/", blank=True)

    objects = DataSharingConventionQuerySet.as_manager()

    class Meta:
        verbose_name = "convention de partage de données"
        verbose_name_plural = "conventions de partage de données"
        ordering = ["organisation__name", "-signed_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on=None) | models.Q(expires_on__gt=models.F("signed_on")),
                name="convention_expires_after_signature",
            )
        ]

    def __str__(self):
        return f"{self.organisation} — {self.purpose}"

    @property
    def category_labels(self) -> list[str]:
        return [DataCategory(value).label for value in self.data_categories if value in DataCategory.values]

    def is_in_force(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.signed_on <= on and (self.expires_on is None or self.expires_on >= on)
