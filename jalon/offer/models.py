"""The insertion offer directory: structures and services on the data·inclusion schema v1 (decision 0012).

Schema fields keep the schema's meaning and shape (codes lists as JSON lists of codes, validated against the
pinned `data-inclusion-schema` package); `mapping.py` says which schema field each one mirrors. What a
Département needs beyond the schema (owner, status, freshness, funding labels, capacity, freins) comes after."""

import datetime

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.db.models.fields.related_descriptors import ForwardManyToOneDescriptor
from django.db.models.functions import Coalesce
from django.utils import timezone

from jalon.core.models import BaseModel
from jalon.core.periods import add_months
from jalon.offer.enums import OfferStatus
from jalon.offer.referentials import (
    NATIONAL_ZONE_CODES,
    CodeListValidator,
    CodeValidator,
    thematiques_expand,
    validate_publics,
    validate_schema_email,
    validate_zone_eligibilite,
)


class _CommuneOrNone(ForwardManyToOneDescriptor):
    def get_object(self, instance):
        try:
            return super().get_object(instance)
        except ObjectDoesNotExist:
            return None


class CommuneOfCode(models.ForeignObject):
    """The commune of an INSEE code kept as text: an imported code may be unknown to the COG loaded (then None)."""

    forward_related_accessor_class = _CommuneOrNone


class _SchemaPlaceFields(models.Model):
    """Address, position and contact fields shared by structures and services (same names in the schema)."""

    address = models.TextField("adresse", blank=True)
    address_complement = models.TextField("complément d'adresse", blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    insee_code = models.CharField("code INSEE de la commune", max_length=5, blank=True, db_index=True)
    commune_name = models.CharField("commune", max_length=255, blank=True)
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    phone = models.CharField("téléphone", max_length=255, blank=True)
    email = models.EmailField("courriel", max_length=254, blank=True, validators=[validate_schema_email])
    opening_hours = models.TextField(
        "horaires d'accueil", blank=True, help_text="au format OpenStreetMap opening_hours"
    )

    class Meta:
        abstract = True


class FundingLabel(BaseModel):
    """A funding label a Département puts on services (financé par le Département, FSE+, CALPAE…), DORA's shape."""

    departement = models.ForeignKey(
        "territories.Departement",
        verbose_name="département",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="vide pour un label national",
    )
    code = models.SlugField("code", max_length=50)
    label = models.CharField("libellé", max_length=150)

    class Meta:
        verbose_name = "label de financement"
        verbose_name_plural = "labels de financement"
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["departement", "code"], name="offer_funding_label_unique_code"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(departement__isnull=True), name="offer_funding_label_unique_national"
            ),
        ]

    def __str__(self):
        return self.label


class StructureQuerySet(models.QuerySet):
    def from_source(self, source: str):
        return self.filter(source=source)

    def in_departement(self, code: str):
        return self.filter(departement_id=code)


class Structure(_SchemaPlaceFields, BaseModel):
    """A structure of the offer (data·inclusion `Structure`): imported from a dump or created in Jalon."""

    # --- data·inclusion schema v1 ---
    source = models.CharField("source", max_length=100, help_text="producteur de la donnée (dora, soliguide…)")
    source_id = models.CharField("identifiant à la source", max_length=255)
    name = models.CharField("nom", max_length=150)
    updated_on = models.DateField("date de dernière modification")
    description = models.TextField("description", blank=True)
    source_url = models.URLField("lien vers la source", max_length=2048, blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    website = models.URLField("site web", max_length=2048, blank=True)
    accessibility_url = models.URLField("accessibilité du lieu (Accesslibre)", max_length=2048, blank=True)
    networks = models.JSONField(
        "réseaux porteurs", default=list, blank=True, validators=[CodeListValidator("reseaux_porteurs")]
    )
    # --- Jalon ---
    departement = models.ForeignKey(
        "territories.Departement",
        verbose_name="département propriétaire",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="le Département qui tient la fiche à jour ; vide pour une structure importée",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="compte Jalon de la structure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offer_structures",
    )

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = "structure"
        verbose_name_plural = "structures"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="offer_structure_unique_source_id"),
        ]

    def __str__(self):
        return self.name


class ServiceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=OfferStatus.PUBLISHED)

    def with_thematique(self, codes):
        """Services with at least one of these thématiques; a category code (`mobilite`) matches its
        sub-thématiques (`mobilite--preparer-un-permis`…). Unknown codes raise a French ValidationError."""
        if isinstance(codes, str):
            codes = [codes]
        return self.filter(thematiques__has_any=thematiques_expand(codes))

    def with_public(self, codes):
        if isinstance(codes, str):
            codes = [codes]
        return self.filter(publics__has_any=list(codes))

    def eligible_for_commune(self, commune):
        """Services whose zone d'éligibilité covers the commune: its INSEE code, its EPCI's SIREN, its
        département's code, or the whole country (`france`, `99100`). Régions are not codes of the zone: the
        schema lists a région's départements instead (and région codes collide with département codes).
        A service without zone (unknown eligibility) is not returned."""
        zone_codes = [commune.code, commune.departement_id, *NATIONAL_ZONE_CODES]
        if commune.epci_id:
            zone_codes.append(commune.epci_id)
        return self.filter(eligibility_zone__has_any=zone_codes)

    def stale(self, months: int, *, today: datetime.date | None = None):
        """Services not confirmed (nor modified at their source) for `months` months."""
        cutoff = add_months(today or timezone.localdate(), -months)
        return self.alias(freshness=Coalesce("last_confirmed_on", "updated_on")).filter(freshness__lt=cutoff)


class Service(_SchemaPlaceFields, BaseModel):
    """A service of the offer (data·inclusion `Service`), attached to a structure."""

    # --- data·inclusion schema v1 ---
    source = models.CharField("source", max_length=100)
    source_id = models.CharField("identifiant à la source", max_length=255)
    structure = models.ForeignKey(
        Structure, verbose_name="structure", on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField("nom", max_length=150)
    description = models.TextField("description")
    source_url = models.URLField("lien vers la source", max_length=2048, blank=True)
    updated_on = models.DateField("date de dernière modification")
    kind = models.CharField("type", max_length=50, blank=True, validators=[CodeValidator("types")])
    thematiques = models.JSONField(
        "thématiques", default=list, blank=True, validators=[CodeListValidator("thematiques")]
    )
    fee = models.CharField("frais", max_length=20, blank=True, validators=[CodeValidator("frais")])
    fee_details = models.TextField("précisions sur les frais", blank=True)
    publics = models.JSONField(
        "publics", default=list, blank=True, validators=[CodeListValidator("publics"), validate_publics]
    )
    publics_details = models.TextField("précisions sur les publics", blank=True)
    access_conditions = models.TextField("conditions d'accès", blank=True)
    reception_modes = models.JSONField(
        "modes d'accueil", default=list, blank=True, validators=[CodeListValidator("modes_accueil")]
    )
    eligibility_zone = models.JSONField(
        "zone d'éligibilité",
        default=list,
        blank=True,
        validators=[validate_zone_eligibilite],
        help_text="codes INSEE de communes, SIREN d'EPCI, codes de départements, « france »",
    )
    contact_name = models.CharField("contact (nom et prénom)", max_length=255, blank=True)
    mobilisation_url = models.URLField("lien de mobilisation", max_length=2048, blank=True)
    mobilisation_modes = models.JSONField(
        "modes de mobilisation", default=list, blank=True, validators=[CodeListValidator("modes_mobilisation")]
    )
    mobilisable_by = models.JSONField(
        "mobilisable par", default=list, blank=True, validators=[CodeListValidator("mobilisable_par")]
    )
    mobilisation_details = models.TextField("précisions sur la mobilisation", blank=True)
    weekly_hours = models.FloatField("volume horaire hebdomadaire", null=True, blank=True)
    weeks = models.PositiveIntegerField("nombre de semaines", null=True, blank=True)
    # --- Jalon ---
    departement = models.ForeignKey(
        "territories.Departement",
        verbose_name="département propriétaire",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="le Département qui tient la fiche à jour ; vide pour un service importé",
    )
    status = models.CharField(
        "statut", max_length=12, choices=OfferStatus.choices, default=OfferStatus.DRAFT, db_index=True
    )
    last_confirmed_on = models.DateField("confirmé à jour le", null=True, blank=True)
    funding_labels = models.ManyToManyField(
        FundingLabel, verbose_name="labels de financement", blank=True, related_name="services"
    )
    capacity = models.PositiveIntegerField("capacité d'accueil", null=True, blank=True)
    places_available = models.PositiveIntegerField("places disponibles", null=True, blank=True)
    target_freins = models.ManyToManyField(
        "notebook.FreinCategory", verbose_name="freins visés", blank=True, related_name="offer_services"
    )
    # Name, description and structure, without accents nor case (`normalise_name`): searched by words on SQLite,
    # read by the explanations of the results. Written with `search_vector` by `directory.text.search_values`.
    search_text = models.TextField("texte de recherche", blank=True, editable=False)
    # The same three parts as a weighted French tsvector (name A, description B, structure C): PostgreSQL's search
    # filters on it (GIN index, migration 0009) and ranks by `ts_rank` over it. Null on SQLite.
    search_vector = SearchVectorField("vecteur de recherche", null=True, editable=False)
    # The commune of `insee_code`, for joins (the search reads its centre): no column, no constraint.
    commune = CommuneOfCode(  # type: ignore[misc]  # nullable: the stubs want Optional generics
        "territories.Commune",
        from_fields=["insee_code"],
        to_fields=["code"],
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
    )
    plateau = models.ForeignKey(
        "offer.PlateauTechnique",
        verbose_name="plateau technique",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="modules",
        help_text="le service est un module de ce plateau",
    )

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = "service"
        verbose_name_plural = "services"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="offer_service_unique_source_id"),
            models.CheckConstraint(
                condition=Q(places_available__isnull=True)
                | Q(capacity__isnull=True)
                | Q(places_available__lte=models.F("capacity")),
                name="offer_service_places_within_capacity",
                violation_error_message="Les places disponibles dépassent la capacité d'accueil.",
            ),
        ]

    def __str__(self):
        return self.name


# The models of the offer's areas belong to this app.
from jalon.offer.measures.models import *  # noqa: E402, F403
from jalon.offer.plateaux.models import *  # noqa: E402, F403
from jalon.offer.referrals.models import *  # noqa: E402, F403
