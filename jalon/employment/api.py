"""Job offers, positionings and entries into training for partner systems: the same reach and rules as the screens
(offers shared across the département, published and edited by who may; a person's positionings and trainings
through the carnet's reach, written by an organisation that follows the person; forbidden looks like not found).
Every write goes through the room's services (same checks, same audit events); every read of a person's data is
audited."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from jalon.api import fields
from jalon.api.errors import service_error_response
from jalon.api.permissions import roles_permission
from jalon.employers.models import Employer
from jalon.employment import selectors, services
from jalon.employment.enums import (
    NEXT_STATUSES,
    CertificationLevel,
    OfferContract,
    OfferStatus,
    PositioningStatus,
    TrainingFunding,
    TrainingOutcome,
)
from jalon.employment.forms import AppellationField, CommuneField
from jalon.employment.models import JobOffer, Positioning, PositioningStep, TrainingEntry
from jalon.employment.views import CARNET_ROLES, OFFER_ROLES
from jalon.notebook.access import notebook_access
from jalon.people.selectors import person_view_record, persons_view_record


TAGS = ["offres d'emploi et formations"]
ALL_STATUSES = "toutes"
UNKNOWN_EMPLOYER = "Employeur inconnu dans l'annuaire du département."
UNKNOWN_OFFER = "Offre d'emploi inconnue."


def _lookup(field: forms.Field, value):
    """A commune or a ROME appellation typed as on the screens, with the screens' French message when unknown."""
    try:
        return field.clean(value), None
    except forms.ValidationError as error:
        return None, error.messages


# --- answers ----------------------------------------------------------------------------------------------------


class JobOfferSerializer(serializers.ModelSerializer):
    appellation = serializers.CharField(source="appellation.code", help_text="code OGR de l'appellation ROME")
    appellation_label = serializers.CharField(source="appellation.label")
    rome = serializers.CharField(source="rome_id", help_text="code ROME")
    commune = serializers.CharField(source="commune_id", help_text="code INSEE du lieu de travail")
    commune_name = serializers.CharField(source="commune.name")
    employer_commune = serializers.CharField(source="employer_commune_id", help_text="code INSEE")
    organisation = serializers.CharField(source="organisation.name", help_text="structure qui a publié l'offre")

    class Meta:
        model = JobOffer
        fields = [
            "id",
            "status",
            "title",
            "appellation",
            "appellation_label",
            "rome",
            "contract",
            "duration_months",
            "weekly_hours",
            "commune",
            "commune_name",
            "employer",
            "employer_name",
            "employer_siret",
            "employer_commune",
            "published_on",
            "fill_by",
            "ended_on",
            "social_clause",
            "in_tension",
            "positions",
            "organisation",
        ]


class PositioningSerializer(serializers.ModelSerializer):
    person_first_name = serializers.CharField(source="person.first_name")
    person_last_name = serializers.CharField(source="person.last_name")
    organisation = serializers.CharField(source="organisation.name", help_text="structure qui a positionné")
    next_statuses = serializers.SerializerMethodField(help_text="statuts vers lesquels il peut avancer")

    class Meta:
        model = Positioning
        fields = [
            "id",
            "offer",
            "person",
            "person_first_name",
            "person_last_name",
            "status",
            "status_on",
            "hired_on",
            "organisation",
            "exit_suggestion",
            "exit",
            "next_statuses",
        ]

    def get_next_statuses(self, positioning) -> list[str]:
        return [str(status) for status in NEXT_STATUSES[positioning.status]]


class JobOfferDetailSerializer(JobOfferSerializer):
    positionings = serializers.SerializerMethodField(help_text="les positionnements que l'utilisateur peut voir")

    class Meta(JobOfferSerializer.Meta):
        fields = [*JobOfferSerializer.Meta.fields, "description", "positionings"]

    @extend_schema_field(PositioningSerializer(many=True))
    def get_positionings(self, offer):
        return PositioningSerializer(self.context["positionings"], many=True).data


class StepSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name")

    class Meta:
        model = PositioningStep
        fields = ["status", "on", "comment", "organisation"]


class PositioningDetailSerializer(PositioningSerializer):
    offer_title = serializers.CharField(source="offer.__str__", help_text="intitulé de l'offre et employeur")
    steps = StepSerializer(many=True, read_only=True)

    class Meta(PositioningSerializer.Meta):
        fields = [*PositioningSerializer.Meta.fields, "offer_title", "steps"]


class TrainingSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", help_text="structure qui l'a enregistrée")

    class Meta:
        model = TrainingEntry
        fields = [
            "id",
            "person",
            "provider",
            "title",
            "certifying",
            "level",
            "starts_on",
            "ends_on",
            "funding",
            "outcome",
            "outcome_on",
            "organisation",
            "exit_suggestion",
            "exit",
        ]


# --- job offers -------------------------------------------------------------------------------------------------


class OfferSearchFilter(serializers.Serializer):
    rome = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=100, help_text="code ROME (N1103) ou mots du métier"
    )
    commune = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=5, help_text="code INSEE du lieu de travail"
    )
    statut = serializers.ChoiceField(
        choices=[*OfferStatus.choices, (ALL_STATUSES, "toutes")],
        required=False,
        default=OfferStatus.OPEN,
        help_text="les offres ouvertes si absent",
    )

    def validate_commune(self, value):
        commune, errors = _lookup(CommuneField(required=False), value)
        if errors:
            raise serializers.ValidationError(errors)
        return commune


class OfferInputSerializer(serializers.Serializer):
    """What an offer is made of. Nothing is required here: the service says what is missing, in the screens'
    words (an offer without ROME appellation is refused)."""

    employer = fields.IdField(
        required=False,
        allow_null=True,
        default=None,
        help_text="identifiant de l'employeur dans l'annuaire : son nom, son SIRET et sa commune sont repris",
    )
    employer_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    employer_siret = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
    employer_commune = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=5, help_text="code INSEE"
    )
    appellation = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=200,
        help_text="appellation ROME : son code OGR ou son libellé exact (obligatoire)",
    )
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    contract = serializers.ChoiceField(choices=OfferContract.choices, required=False, allow_blank=True, default="")
    duration_months = fields.model_integer_field(
        JobOffer, "duration_months", required=False, allow_null=True, default=None
    )
    weekly_hours = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, allow_null=True, default=None
    )
    commune = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=5, help_text="code INSEE du lieu de travail"
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")
    published_on = fields.DateField(required=False, allow_null=True, default=None, help_text="aujourd'hui si absente")
    fill_by = fields.DateField(required=False, allow_null=True, default=None)
    social_clause = serializers.BooleanField(required=False, default=False)
    in_tension = serializers.BooleanField(required=False, default=False)
    positions = fields.model_integer_field(JobOffer, "positions", required=False, default=1)


class OfferUpdateSerializer(OfferInputSerializer):
    """Only the fields sent are changed; `statut` closes (pourvue, close sans embauche) or reopens the offer."""

    status = serializers.ChoiceField(choices=OfferStatus.choices, required=False)


def _offer_values(data: dict, departement_id: str) -> tuple[dict, dict]:
    """The offer's values with the directory's establishment, the communes and the appellation found, or the
    French messages of what is unknown."""
    values, errors = dict(data), {}
    if "employer" in values and values["employer"] is not None:
        values["employer"] = Employer.objects.filter(pk=values["employer"], departement_id=departement_id).first()
        if values["employer"] is None:
            errors["employer"] = [UNKNOWN_EMPLOYER]
    for name, field in (
        ("employer_commune", CommuneField(required=False)),
        ("commune", CommuneField(required=False)),
        ("appellation", AppellationField(required=False)),
    ):
        if name in values:
            values[name], messages = _lookup(field, values[name])
            if messages:
                errors[name] = messages
    return values, errors


class JobOfferListApi(ListAPIView):
    """Les offres d'emploi du département (recherche par code ROME ou métier, commune, statut ; les plus récentes
    d'abord), et la publication d'une offre : appellation ROME obligatoire, SIRET à clé de contrôle juste, employeur
    de l'annuaire (son nom, son SIRET et sa commune sont repris) ou saisi."""

    permission_classes = [roles_permission(*OFFER_ROLES)]
    serializer_class = JobOfferSerializer

    def get_queryset(self):
        filters = OfferSearchFilter(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data["statut"]
        return selectors.offers_search(
            actor=self.request.actor,  # type: ignore[attr-defined]
            rome=filters.validated_data["rome"],
            commune=filters.validated_data["commune"],
            status="" if wanted == ALL_STATUSES else wanted,
        ).select_related("organisation")

    @extend_schema(parameters=[OfferSearchFilter], tags=TAGS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=OfferInputSerializer, responses={201: JobOfferDetailSerializer}, tags=TAGS)
    def post(self, request):
        if not services.may_publish(request.actor):
            raise NotFound()
        data = OfferInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values, errors = _offer_values(data.validated_data, request.actor.organisation.departement_id)
        if errors:
            return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        values["published_on"] = values["published_on"] or timezone.localdate()
        try:
            offer = services.job_offer_publish(actor=request.actor, **values)
        except ValidationError as error:
            return service_error_response(error)
        offer = selectors.offer_for(actor=request.actor, pk=offer.pk)
        return Response(
            JobOfferDetailSerializer(offer, context={"positionings": []}).data, status=status.HTTP_201_CREATED
        )


class JobOfferDetailApi(APIView):
    """Une offre d'emploi et les positionnements que l'utilisateur peut voir (leur lecture est tracée), et sa
    modification ou sa clôture par la structure qui l'a publiée ou par le Département."""

    permission_classes = [roles_permission(*OFFER_ROLES)]

    def _detail(self, request, offer) -> dict:
        positionings = selectors.offer_positionings(actor=request.actor, offer=offer)
        persons_view_record(
            actor=request.actor,
            screen="api offre d'emploi et positionnements",
            person_ids=sorted({p.person_id for p in positionings}),
            subject=offer,
        )
        return JobOfferDetailSerializer(offer, context={"positionings": positionings}).data

    @extend_schema(responses=JobOfferDetailSerializer, tags=TAGS)
    def get(self, request, pk):
        return Response(self._detail(request, selectors.offer_for(actor=request.actor, pk=pk)))

    @extend_schema(request=OfferUpdateSerializer, responses={200: JobOfferDetailSerializer}, tags=TAGS)
    def patch(self, request, pk):
        offer = selectors.offer_for(actor=request.actor, pk=pk)
        if not services.may_edit_offer(request.actor, offer):
            raise NotFound()
        data = OfferUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values, errors = _offer_values(data.validated_data, offer.departement_id)
        if errors:
            return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        if values.get("employer") is not None:
            # Another establishment of the directory: its name, SIRET and commune, unless sent with it.
            for name in ("employer_name", "employer_siret"):
                values.setdefault(name, "")
            values.setdefault("employer_commune", None)
        try:
            offer = services.job_offer_update(actor=request.actor, offer=offer, **values)
        except ValidationError as error:
            return service_error_response(error)
        return Response(self._detail(request, selectors.offer_for(actor=request.actor, pk=offer.pk)))


# --- positionings -----------------------------------------------------------------------------------------------


def _followed_person(request, pk):
    """The person whose carnet the actor reaches directly, for a write: an organisation that does not follow them
    (or reaches the carnet only under consent) finds nothing, as on the screens."""
    access = notebook_access(actor=request.actor, person_pk=pk)
    person = access.notebook.person
    if access.through_consent or not services.follows(request.actor, person):
        raise NotFound()
    return person


class PersonPositioningsApi(APIView):
    """Les positionnements d'une personne sur des offres, avec leurs étapes, et son positionnement sur une offre
    ouverte du département (une fois par offre, par une structure qui la suit, parcours non clos)."""

    permission_classes = [roles_permission(*CARNET_ROLES)]

    class PositioningInputSerializer(serializers.Serializer):
        offer = fields.IdField(help_text="identifiant de l'offre d'emploi")
        comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)

    @extend_schema(responses=PositioningDetailSerializer(many=True), tags=TAGS)
    def get(self, request, pk):
        person = notebook_access(actor=request.actor, person_pk=pk).notebook.person
        person_view_record(actor=request.actor, person=person, screen="api positionnements sur des offres")
        return Response(PositioningDetailSerializer(selectors.person_positionings(person=person), many=True).data)

    @extend_schema(request=PositioningInputSerializer, responses={201: PositioningDetailSerializer}, tags=TAGS)
    def post(self, request, pk):
        person = _followed_person(request, pk)
        data = self.PositioningInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offer = JobOffer.objects.visible_to(request.actor).filter(pk=data.validated_data["offer"]).first()
        if offer is None:
            return Response({"errors": {"offer": [UNKNOWN_OFFER]}}, status=status.HTTP_400_BAD_REQUEST)
        try:
            positioning = services.positioning_create(
                actor=request.actor, offer=offer, person=person, comment=data.validated_data["comment"]
            )
        except ValidationError as error:
            return service_error_response(error)
        positioning = selectors.positioning_for(actor=request.actor, pk=positioning.pk)
        return Response(PositioningDetailSerializer(positioning).data, status=status.HTTP_201_CREATED)


class PositioningDetailApi(APIView):
    """Un positionnement et ses étapes, et son avancée d'une étape : proposée → candidature → entretien →
    embauché(e) / non retenu(e) (une embauche propose une sortie de parcours au référent)."""

    permission_classes = [roles_permission(*CARNET_ROLES)]

    class AdvanceInputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=PositioningStatus.choices)
        on = fields.DateField(required=False, default=None, allow_null=True, help_text="aujourd'hui si absente")
        comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)

    @extend_schema(responses=PositioningDetailSerializer, tags=TAGS)
    def get(self, request, pk):
        positioning = selectors.positioning_for(actor=request.actor, pk=pk)
        person_view_record(actor=request.actor, person=positioning.person, screen="api positionnement sur une offre")
        return Response(PositioningDetailSerializer(positioning).data)

    @extend_schema(request=AdvanceInputSerializer, responses={200: PositioningDetailSerializer}, tags=TAGS)
    def patch(self, request, pk):
        positioning = selectors.positioning_for(actor=request.actor, pk=pk)
        if not services.may_move(request.actor, positioning):
            raise NotFound()
        data = self.AdvanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["on"] = values["on"] or timezone.localdate()
        try:
            services.positioning_advance(actor=request.actor, positioning=positioning, **values)
        except ValidationError as error:
            return service_error_response(error)
        return Response(PositioningDetailSerializer(selectors.positioning_for(actor=request.actor, pk=pk)).data)


# --- entries into training --------------------------------------------------------------------------------------


class PersonTrainingsApi(APIView):
    """Les entrées en formation d'une personne, et l'enregistrement de l'une d'elles : organisme, intitulé,
    certifiante ou non (et son niveau), dates, financement ; par une structure qui suit la personne."""

    permission_classes = [roles_permission(*CARNET_ROLES)]

    class TrainingInputSerializer(serializers.Serializer):
        # Nothing is required here: the service says what is missing.
        provider = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
        title = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
        certifying = serializers.BooleanField(required=False, default=False)
        level = serializers.ChoiceField(
            choices=CertificationLevel.choices, required=False, allow_blank=True, default=""
        )
        starts_on = fields.DateField(required=False, allow_null=True, default=None)
        ends_on = fields.DateField(required=False, allow_null=True, default=None)
        funding = serializers.ChoiceField(
            choices=TrainingFunding.choices, required=False, allow_blank=True, default=""
        )

    @extend_schema(responses=TrainingSerializer(many=True), tags=TAGS)
    def get(self, request, pk):
        person = notebook_access(actor=request.actor, person_pk=pk).notebook.person
        person_view_record(actor=request.actor, person=person, screen="api entrées en formation")
        return Response(TrainingSerializer(selectors.person_trainings(person=person), many=True).data)

    @extend_schema(request=TrainingInputSerializer, responses={201: TrainingSerializer}, tags=TAGS)
    def post(self, request, pk):
        person = _followed_person(request, pk)
        data = self.TrainingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            training = services.training_record(actor=request.actor, person=person, **data.validated_data)
        except ValidationError as error:
            return service_error_response(error)
        return Response(TrainingSerializer(training).data, status=status.HTTP_201_CREATED)


class TrainingDetailApi(APIView):
    """Une entrée en formation, et son issue (terminée, abandonnée, certification obtenue) : une formation
    certifiante menée à son terme propose une sortie de parcours de type « formation » au référent."""

    permission_classes = [roles_permission(*CARNET_ROLES)]

    class OutcomeInputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(
            choices=[(value, label) for value, label in TrainingOutcome.choices if value],
            required=False,
            allow_blank=True,
            default="",
        )
        outcome_on = fields.DateField(
            required=False, allow_null=True, default=None, help_text="aujourd'hui si absente"
        )

    @extend_schema(responses=TrainingSerializer, tags=TAGS)
    def get(self, request, pk):
        training = selectors.training_for(actor=request.actor, pk=pk)
        person_view_record(actor=request.actor, person=training.person, screen="api entrée en formation")
        return Response(TrainingSerializer(training).data)

    @extend_schema(request=OutcomeInputSerializer, responses={200: TrainingSerializer}, tags=TAGS)
    def patch(self, request, pk):
        training = selectors.training_for(actor=request.actor, pk=pk)
        if not services.may_record_outcome(request.actor, training):
            raise NotFound()
        data = self.OutcomeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["outcome_on"] = values["outcome_on"] or timezone.localdate()
        try:
            training = services.training_outcome_record(actor=request.actor, training=training, **values)
        except ValidationError as error:
            return service_error_response(error)
        return Response(TrainingSerializer(training).data)
