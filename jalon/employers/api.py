"""Employers and immersions (PMSMP) for partner systems: the same reach and rules as the screens (the directory of
the actor's département; a person's immersions through the carnet's reach); services audit every write, every read
of a person's data is audited."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from jalon.api import fields
from jalon.api.errors import service_error_response
from jalon.api.permissions import roles_permission
from jalon.employers import access, selectors, services
from jalon.employers.enums import HireContract, ImmersionObjective, ReviewOutcome
from jalon.employers.models import Employer, Immersion
from jalon.notebook.access import notebook_access
from jalon.people.selectors import person_view_record
from jalon.territories.models import Commune


TAGS = ["entreprises et immersions"]


class DirectoryPermission(BasePermission):
    """Reading the directory: every professional; adding to it: those who complete it (404 otherwise)."""

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        allowed = access.may_edit_directory if request.method == "POST" else access.may_read_directory
        if allowed(request.actor):
            return True
        raise NotFound()


class EmployerSerializer(serializers.ModelSerializer):
    commune = serializers.CharField(source="commune_id")
    commune_name = serializers.CharField(source="commune.name")
    naf_label = serializers.CharField()

    class Meta:
        model = Employer
        fields = [
            "id",
            "siret",
            "name",
            "naf_code",
            "naf_label",
            "size_band",
            "commune",
            "commune_name",
            "address",
            "engaged_since",
            "engaged_until",
        ]


class EmployerListApi(ListAPIView):
    """L'annuaire des employeurs du département (recherche par nom, SIRET ou commune), et l'ajout d'un
    établissement : SIRET à clé de contrôle juste, code NAF rév. 2 existant, commune du département."""

    permission_classes = [DirectoryPermission]
    serializer_class = EmployerSerializer

    class EmployerInputSerializer(serializers.Serializer):
        siret = serializers.CharField(max_length=20)
        name = serializers.CharField(max_length=200)
        naf_code = serializers.CharField(max_length=8)
        commune = serializers.CharField(max_length=5, help_text="code INSEE de la commune")
        size_band = serializers.CharField(required=False, allow_blank=True, default="", max_length=2)
        address = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)

    def get_queryset(self):
        return selectors.employers_for(actor=self.request.actor, text=self.request.query_params.get("q", ""))  # type: ignore[attr-defined]

    @extend_schema(parameters=[OpenApiParameter("q", str, description="nom, SIRET ou commune")], tags=TAGS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=EmployerInputSerializer, responses={201: EmployerSerializer}, tags=TAGS)
    def post(self, request):
        data = self.EmployerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["commune"] = Commune.objects.filter(
            code=values["commune"], departement_id=request.actor.departement_code
        ).first()
        try:
            employer = services.employer_create(actor=request.actor, **values)
        except ValidationError as error:
            return service_error_response(error)
        return Response(EmployerSerializer(employer).data, status=status.HTTP_201_CREATED)


class EmployerDetailApi(APIView):
    """Un employeur de l'annuaire, ses engagements annuels et ses échanges (sans donnée de personne)."""

    permission_classes = [DirectoryPermission]

    class EmployerDetailSerializer(EmployerSerializer):
        commitments = serializers.SerializerMethodField()
        interactions = serializers.SerializerMethodField()

        class Meta(EmployerSerializer.Meta):
            fields = [*EmployerSerializer.Meta.fields, "commitments", "interactions"]

        def get_commitments(self, employer) -> list[dict]:
            return list(
                employer.commitments.order_by("-year").values(
                    "year",
                    *services.COMMITMENT_FIELDS,
                )
            )

        def get_interactions(self, employer) -> list[dict]:
            return list(employer.interactions.order_by("-occurred_on").values("occurred_on", "kind", "note")[:50])

    @extend_schema(responses=EmployerDetailSerializer, tags=TAGS)
    def get(self, request, pk):
        employer = selectors.employer_for(actor=request.actor, pk=pk)
        return Response(self.EmployerDetailSerializer(employer).data)


class ImmersionSerializer(serializers.ModelSerializer):
    employer_name = serializers.CharField(source="employer.name")
    employer_siret = serializers.CharField(source="employer.siret")
    organisation = serializers.CharField(source="organisation.name")

    class Meta:
        model = Immersion
        fields = [
            "id",
            "status",
            "employer",
            "employer_name",
            "employer_siret",
            "organisation",
            "starts_on",
            "ends_on",
            "objectives",
            "job_title",
            "person_signed_on",
            "employer_signed_on",
            "validated_on",
            "status_reason",
            "review_outcome",
            "last_day_present",
            "led_to_job",
            "hire_contract",
            "hire_starts_on",
            "reviewed_on",
        ]


class PersonImmersionsApi(APIView):
    """Les immersions (PMSMP) d'une personne, et la création d'une convention en brouillon : au plus un mois, un à
    trois objectifs, une entreprise de l'annuaire du département, par une structure qui suit la personne."""

    def get_permissions(self):
        roles = access.COUNSELLOR_ROLES if self.request.method == "POST" else access.IMMERSION_READERS
        return [roles_permission(*roles)()]

    class ImmersionInputSerializer(serializers.Serializer):
        employer = serializers.IntegerField(allow_null=True, help_text="identifiant de l'employeur dans l'annuaire")
        starts_on = fields.DateField()
        ends_on = fields.DateField()
        objectives = serializers.ListField(child=serializers.ChoiceField(choices=ImmersionObjective.choices))
        job_title = serializers.CharField(max_length=150, allow_blank=True)
        activities = serializers.CharField(required=False, allow_blank=True, default="")
        tutor_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=150)
        tutor_phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)

    @extend_schema(responses=ImmersionSerializer(many=True), tags=TAGS)
    def get(self, request, pk):
        carnet = notebook_access(actor=request.actor, person_pk=pk)
        person_view_record(actor=request.actor, person=carnet.notebook.person, screen="api immersions (PMSMP)")
        return Response(
            ImmersionSerializer(selectors.immersions_of(person_id=carnet.notebook.person_id), many=True).data
        )

    @extend_schema(request=ImmersionInputSerializer, responses={201: ImmersionSerializer}, tags=TAGS)
    def post(self, request, pk):
        carnet = notebook_access(actor=request.actor, person_pk=pk)
        if carnet.through_consent:
            raise NotFound()
        person = carnet.notebook.person
        data = self.ImmersionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        employer_id = values.pop("employer")
        employer = Employer.objects.filter(pk=employer_id, departement_id=person.departement_id).first()
        if employer_id is not None and employer is None:
            return Response({"errors": {"employer": ["Employeur inconnu dans l'annuaire du département."]}}, 400)
        try:
            immersion = services.immersion_create(actor=request.actor, person=person, employer=employer, **values)
        except ValidationError as error:
            return service_error_response(error)
        return Response(ImmersionSerializer(immersion).data, status=status.HTTP_201_CREATED)


class ImmersionTransitionApi(APIView):
    """Fait avancer une convention d'immersion : soumission, signatures, pré-validation, validation par le
    prescripteur, refus, demande de modification, annulation, obsolescence (chaque étape par le rôle qui la fait)."""

    permission_classes = [roles_permission(*access.IMMERSION_READERS)]

    class TransitionInputSerializer(serializers.Serializer):
        action = serializers.ChoiceField(choices=list(services.TRANSITIONS))
        reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
        signed_on = fields.DateField(required=False, allow_null=True, default=None)

    @extend_schema(request=TransitionInputSerializer, responses={200: ImmersionSerializer}, tags=TAGS)
    def post(self, request, pk):
        immersion = selectors.immersion_for(actor=request.actor, pk=pk)
        data = self.TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            immersion = services.immersion_transition(actor=request.actor, immersion=immersion, **data.validated_data)
        except ValidationError as error:
            return service_error_response(error)
        return Response(ImmersionSerializer(immersion).data)


class ImmersionReviewApi(APIView):
    """Le bilan d'une immersion validée : effectuée, en partie, ou non ; embauche et contrat."""

    permission_classes = [roles_permission(*access.COUNSELLOR_ROLES)]

    class ReviewInputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=ReviewOutcome.choices)
        led_to_job = serializers.BooleanField(allow_null=True)
        last_day_present = fields.DateField(required=False, allow_null=True, default=None)
        hire_contract = serializers.ChoiceField(
            choices=HireContract.choices, required=False, allow_blank=True, default=""
        )
        hire_starts_on = fields.DateField(required=False, allow_null=True, default=None)
        employer_feedback = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=ReviewInputSerializer, responses={200: ImmersionSerializer}, tags=TAGS)
    def post(self, request, pk):
        immersion = selectors.immersion_for(actor=request.actor, pk=pk)
        data = self.ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            immersion = services.immersion_review(actor=request.actor, immersion=immersion, **data.validated_data)
        except ValidationError as error:
            return service_error_response(error)
        return Response(ImmersionSerializer(immersion).data)
