"""The official geography (COG: régions, départements, EPCI, communes) and the Département's own territories."""

from django.db import models

from jalon.core.models import BaseModel
from jalon.territories.enums import CentreSource, TerritoryKind


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "région"
        verbose_name_plural = "régions"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, verbose_name="région", on_delete=models.PROTECT, related_name="departements")

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Epci(models.Model):
    code = models.CharField("SIREN", max_length=9, primary_key=True)
    name = models.CharField("nom", max_length=255)
    kind = models.CharField("nature juridique", max_length=10)
    population = models.PositiveIntegerField("population", null=True, blank=True)

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["name"]

    def __str__(self):
        return self.name


class CommuneQuerySet(models.QuerySet):
    def in_departement(self, code):
        return self.filter(departement_id=code)

    def search(self, text):
        if not text:
            return self
        if text.isdigit():
            return self.filter(models.Q(code__startswith=text) | models.Q(postal_codes__icontains=text))
        return self.filter(name__icontains=text)


class Commune(models.Model):
    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=255, db_index=True)
    departement = models.ForeignKey(
        Departement, verbose_name="département", on_delete=models.PROTECT, related_name="communes"
    )
    epci = models.ForeignKey(
        Epci, verbose_name="EPCI", null=True, blank=True, on_delete=models.SET_NULL, related_name="communes"
    )
    postal_codes = models.JSONField("codes postaux", default=list)
    population = models.PositiveIntegerField("population", null=True, blank=True)
    # The commune's reference point (WGS 84), for distances when a person's address is not geocoded
    # (`load_commune_centres`, decision 0014).
    latitude = models.FloatField("latitude du centre", null=True, blank=True)
    longitude = models.FloatField("longitude du centre", null=True, blank=True)
    centre_source = models.CharField(
        "source du centre", max_length=20, choices=CentreSource.choices, blank=True, default=""
    )

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class TerritoryQuerySet(models.QuerySet):
    def in_departement(self, code):
        return self.filter(departement_id=code)

    def visible_to(self, actor):
        if actor.is_platform_admin:
            return self
        if actor.departement_code is None:
            return self.none()
        return self.filter(departement_id=actor.departement_code)


class Territory(BaseModel):
    """A Département's own grouping of communes: SDSEI, territoire d'action sociale, bassin…"""

    departement = models.ForeignKey(
        Departement, verbose_name="département", on_delete=models.PROTECT, related_name="territories"
    )
    name = models.CharField("nom", max_length=150)
    kind = models.CharField("type", max_length=10, choices=TerritoryKind.choices, default=TerritoryKind.SDSEI)
    communes = models.ManyToManyField(Commune, verbose_name="communes", blank=True, related_name="territories")

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = "territoire"
        verbose_name_plural = "territoires"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["departement", "kind", "name"], name="territory_unique_name"),
        ]

    def __str__(self):
        return self.name
