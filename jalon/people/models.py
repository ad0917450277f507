from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.models import BaseModel
from jalon.core.scoping import DEPARTEMENT_STAFF_KINDS
from jalon.core.text import normalise_name
from jalon.core.validators import EmailAddressField
from jalon.people.crypto import nir_decrypt
from jalon.people.enums import ChangeKind, HouseholdRole, Organisme, RightState, Sex
from jalon.people.rsa_codes import closure_reason_label, suspension_reason_label


class PostalAddress(models.Model):
    """Where a household or a person lives, as the CAF/MSA flux gives it (commune when its INSEE code is known)."""

    address = models.CharField("adresse", max_length=255, blank=True)
    address_complement = models.CharField("complément d'adresse", max_length=255, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("ville", max_length=100, blank=True)
    # Indexed by each concrete model's Meta, as a plain btree: the column is compared, never matched by LIKE, so the
    # varchar_pattern_ops twin Django adds to a key to a text column would only cost writes.
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name="commune",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    homeless = models.BooleanField("sans domicile stable", default=False)
    # Filled by territories.geocoding from the Base Adresse Nationale (manage.py geocode_addresses).
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    geocoded_address = models.CharField(
        "adresse géocodée",
        max_length=600,
        blank=True,
        default="",
        db_default="",  # the CAF import inserts persons and households by COPY of the columns it knows
        help_text=(
            "Adresse telle qu'envoyée au géocodeur : les coordonnées ne valent que tant que l'adresse n'a pas changé. "
            "Renseignée sans coordonnées quand la Base Adresse Nationale n'a pas pu situer l'adresse."
        ),
    )

    class Meta:
        abstract = True


class HouseholdQuerySet(models.QuerySet):
    def visible_to(self, actor):
        return self.filter(pk__in=Person.objects.visible_to(actor).values("household_links__household_id"))


class Household(BaseModel, PostalAddress):
    """A foyer allocataire, identified by its CAF or MSA matricule."""

    departement = models.ForeignKey(
        "territories.Departement",
        verbose_name="département",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    organisme = models.CharField("organisme", max_length=3, choices=Organisme.choices)
    organisme_code = models.CharField("code de l'organisme", max_length=10, blank=True)
    matricule = models.CharField("matricule", max_length=15)
    # Fingerprint of the household's last flux record: an identical record is skipped on re-import.
    source_hash = models.CharField("empreinte de la source", max_length=64, blank=True)
    # sha256 of the household's raw bytes in the last flux that changed it (see caf_flux.parser): a monthly
    # re-import skips the households whose bytes did not change before parsing them.
    raw_fingerprint = models.CharField("empreinte brute de la source", max_length=64, blank=True, default="")

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = "foyer"
        verbose_name_plural = "foyers"
        ordering = ["matricule"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisme", "organisme_code", "matricule"], name="household_unique_matricule"
            )
        ]
        # Plain btrees (see PostalAddress.commune): no LIKE is run on these columns.
        indexes = [
            models.Index(fields=["matricule"], name="household_matricule_idx"),
            models.Index(fields=["departement"], name="household_departement_idx"),
            models.Index(fields=["commune"], name="household_commune_idx"),
        ]

    def __str__(self):
        return f"{self.organisme} {self.matricule}"


class PersonQuerySet(models.QuerySet):
    def active(self):
        """Persons not merged into another file."""
        return self.filter(merged_into=None)

    def identified(self):
        """Persons whose file has not been anonymised (see the privacy app): the only ones screens show."""
        return self.filter(anonymised_on=None)

    def visible_to(self, actor):
        if actor.is_platform_admin:
            return self.active().identified()
        organisation = actor.organisation
        if organisation is None:
            return self.none()
        if organisation.kind not in DEPARTEMENT_STAFF_KINDS:
            # Other organisations see the people oriented to them or whose référent they employ. Two EXISTS rather
            # than joins and DISTINCT: the planner keeps a semi-join when this set is itself a subquery.
            orientation = apps.get_model("orientation", "Orientation")
            assignment = apps.get_model("orientation", "ReferentAssignment")
            return (
                self.active()
                .identified()
                .filter(
                    Exists(orientation.objects.filter(person=OuterRef("pk"), organisation=organisation, ended_on=None))
                    | Exists(
                        assignment.objects.filter(person=OuterRef("pk"), organisation=organisation, ended_on=None)
                    )
                )
            )
        qs = self.active().identified().filter(departement_id=organisation.departement_id)
        if actor.territory_ids:
            from jalon.territories.models import Commune

            qs = qs.filter(commune__in=Commune.objects.filter(territories__in=actor.territory_ids).values("code"))
        return qs

    def search(
        self,
        *,
        name: str = "",
        birth_date=None,
        nir_hash: str = "",
        matricule: str = "",
        internal_id: str = "",
        identifier: str = "",
    ):
        qs = self
        for word in normalise_name(name).split():
            qs = qs.filter(
                Q(normalized_last_name__contains=word)
                | Q(normalized_first_name__contains=word)
                | Q(normalized_birth_name__contains=word)
            )
        if birth_date:
            qs = qs.filter(birth_date=birth_date)
        if nir_hash:
            qs = qs.filter(nir_hash=nir_hash)
        if matricule:
            qs = qs.filter(household_links__household__matricule=matricule.strip())
        if internal_id:
            qs = qs.filter(internal_id=internal_id.strip())
        if identifier:
            # The header's one field: a CAF/MSA matricule or the Département's id, whichever it is.
            identifier = identifier.strip()
            in_household = Exists(
                HouseholdMember.objects.filter(person_id=OuterRef("pk"), household__matricule=identifier)
            )
            qs = qs.filter(Q(internal_id=identifier) | in_household)
        return qs


class Person(BaseModel, PostalAddress):
    # No index of its own: (departement, normalized_last_name) below serves département filters.
    departement = models.ForeignKey(
        "territories.Departement",
        verbose_name="département",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    civility = models.CharField("civilité", max_length=4, blank=True)
    last_name = models.CharField("nom d'usage", max_length=100)
    birth_name = models.CharField("nom de naissance", max_length=100, blank=True)
    first_name = models.CharField("prénom", max_length=100)
    birth_date = models.DateField("date de naissance")
    birth_place = models.CharField("lieu de naissance", max_length=100, blank=True)
    sex = models.CharField("sexe", max_length=1, choices=Sex.choices, blank=True)
    nir_encrypted = models.TextField("NIR (chiffré)", blank=True, editable=False)
    nir_hash = models.CharField("empreinte du NIR", max_length=64, blank=True, editable=False)
    france_travail_id = models.CharField("identifiant France Travail", max_length=20, blank=True)
    internal_id = models.CharField("identifiant départemental", max_length=30, blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    # Internationalised addresses too: CAF and partner lists carry them (inès.dupont@…).
    email = EmailAddressField("e-mail", blank=True)
    normalized_last_name = models.CharField(max_length=100, editable=False)
    normalized_birth_name = models.CharField(max_length=100, editable=False, blank=True)
    normalized_first_name = models.CharField(max_length=100, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="fusionné dans",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    # Set by the privacy app when the retention period ran out: identity blanked, row kept for the figures.
    anonymised_on = models.DateField("anonymisé le", null=True, blank=True, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "personne"
        verbose_name_plural = "personnes"
        ordering = ["normalized_last_name", "normalized_first_name", "birth_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["nir_hash"], condition=Q(merged_into=None) & ~Q(nir_hash=""), name="person_unique_nir"
            )
        ]
        indexes = [
            models.Index(fields=["birth_date", "normalized_first_name"], name="person_birth_first_idx"),
            models.Index(fields=["departement", "normalized_last_name"], name="person_dept_name_idx"),
            # Plain btrees (see PostalAddress.commune): no LIKE is run on these columns.
            models.Index(fields=["nir_hash"], name="person_nir_hash_idx"),
            models.Index(fields=["internal_id"], name="person_internal_id_idx"),
            models.Index(fields=["commune"], name="person_commune_idx"),
        ]

    def __str__(self):
        return f"{self.last_name.upper()} {self.first_name}"

    @property
    def nir(self) -> str:
        return nir_decrypt(self.nir_encrypted) if self.nir_encrypted else ""

    def set_normalized_names(self) -> None:
        self.normalized_last_name = normalise_name(self.last_name)
        self.normalized_birth_name = normalise_name(self.birth_name)
        self.normalized_first_name = normalise_name(self.first_name)


class HouseholdMemberQuerySet(models.QuerySet):
    def current(self):
        return self.filter(left_on=None)


class HouseholdMember(BaseModel):
    """A person's place in a household over time: a new row when they join, `left_on` when they leave."""

    household = models.ForeignKey(Household, verbose_name="foyer", on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        Person, verbose_name="personne", on_delete=models.CASCADE, related_name="household_links"
    )
    role = models.CharField("rôle", max_length=3, choices=HouseholdRole.choices, blank=True)
    subject_to_rights_and_duties = models.BooleanField("soumis aux droits et devoirs", null=True)
    joined_on = models.DateField("entré le", default=timezone.localdate)
    left_on = models.DateField("sorti le", null=True, blank=True)

    objects = HouseholdMemberQuerySet.as_manager()

    class Meta:
        verbose_name = "membre du foyer"
        verbose_name_plural = "membres du foyer"
        ordering = ["household", "role", "joined_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "person"], condition=Q(left_on=None), name="household_member_unique_current"
            )
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()}) — {self.household}"


class RsaRight(BaseModel):
    """The household's RSA right as last known from the CAF/MSA flux; its history is in ChangeEvent."""

    household = models.OneToOneField(Household, verbose_name="foyer", on_delete=models.CASCADE, related_name="right")
    state = models.PositiveSmallIntegerField("état du droit", choices=RightState.choices)
    request_date = models.DateField("date de demande", null=True, blank=True)
    # NUMDEMRSA: the CAF/MSA's number of the RSA request, what their agents ask for on the phone.
    request_number = models.CharField("n° de demande RSA", max_length=11, blank=True)
    opening_date = models.DateField("date d'ouverture", null=True, blank=True)
    suspension_reason = models.CharField("motif de suspension", max_length=5, blank=True)
    suspension_date = models.DateField("date de suspension", null=True, blank=True)
    closure_reason = models.CharField("motif de clôture", max_length=5, blank=True)
    closure_date = models.DateField("date de clôture", null=True, blank=True)

    class Meta:
        verbose_name = "droit RSA"
        verbose_name_plural = "droits RSA"
        indexes = [
            # The work lists (the « à orienter » queue, the people over a delay) walk the open rights oldest request
            # first and stop after their page, instead of sorting every open right of the Département.
            models.Index(
                fields=["request_date"], name="right_open_request_idx", condition=Q(state__in=RightState.open_states())
            ),
        ]

    def __str__(self):
        return f"{self.household} : {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in RightState.open_states()

    @property
    def suspension_reason_label(self) -> str:
        return suspension_reason_label(self.suspension_reason)

    @property
    def closure_reason_label(self) -> str:
        return closure_reason_label(self.closure_reason)


class ChangeEventQuerySet(models.QuerySet):
    def for_person(self, person):
        """Events of the person and of the households they belong or belonged to. The households (a few) are read
        first: under the OR, a subquery made PostgreSQL scan every event (150–230 ms for a person file at Nord
        scale); a list of ids lets it combine two index scans (a few ms)."""
        household_ids = list(HouseholdMember.objects.filter(person=person).values_list("household_id", flat=True))
        return self.filter(Q(person=person) | Q(person=None, household__in=household_ids))


class ChangeEvent(models.Model):
    """One change to a person or a household and where it came from (file and line, or user)."""

    occurred_at = models.DateTimeField("date", default=timezone.now, db_index=True)
    kind = models.CharField("événement", max_length=20, choices=ChangeKind.choices)
    household = models.ForeignKey(
        Household, verbose_name="foyer", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    person = models.ForeignKey(
        Person, verbose_name="personne", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    data = models.JSONField("valeurs", default=dict, blank=True)
    # Where it came from: an import run and line (no FK, to keep this app free of the intake app), or a user.
    import_run_id = models.BigIntegerField("import", null=True, blank=True, db_index=True)
    source_line = models.PositiveIntegerField("ligne du fichier", null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ChangeEventQuerySet.as_manager()

    class Meta:
        verbose_name = "changement"
        verbose_name_plural = "historique des changements"
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["kind", "occurred_at"], name="change_kind_date_idx")]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d} {self.get_kind_display()}"


# Roles that need the full NIR to do their job (matching files, writing to CAF/France Travail).
NIR_READER_ROLES = (Role.ADMINISTRATOR, Role.ORIENTATION_OFFICER, Role.REFERENT)
