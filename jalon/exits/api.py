"""Exits and the follow-up in employment for partner systems: same reach and rules as the screens (the carnet's
reach for a person's exits, the exits' own reach for their points); services audit every write, every read is
audited."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from jalon.api import fields
from jalon.api.errors import service_error_response
from jalon.api.permissions import roles_permission
from jalon.core.enums import Role
from jalon.employers.models import Employer
from jalon.exits import selectors, services
from jalon.exits.enums import EmploymentContract
from jalon.exits.models import Checkpoint, Exit, ExitType
from jalon.notebook.access import notebook_access
from jalon.people.selectors import person_view_record


READER_ROLES = (Role.REFERENT, Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.PARTNER, Role.TERRITORY_MANAGER)
WRITER_ROLES = (Role.REFERENT, Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.PARTNER)
TAGS = ["sorties et suivi en emploi"]


class CheckpointSerializer(serializers.ModelSerializer):
    class Meta:
        model = Checkpoint
        fields = [
            "months",
            "due_on",
            "done_on",
            "still_employed",
            "same_employer",
            "contract",
            "rupture_on",
            "rupture_reason",
            "in_trial_period",
            "comment",
            "risk_reason",
        ]


class ExitSerializer(serializers.ModelSerializer):
    exit_type = serializers.CharField(source="exit_type.code")
    exit_type_label = serializers.CharField(source="exit_type.label")
    rule_version = serializers.IntegerField(source="rule.version")
    organisation = serializers.CharField(source="organisation.name")
    checkpoints = CheckpointSerializer(many=True, read_only=True)

    class Meta:
        model = Exit
        fields = [
            "id",
            "exit_type",
            "exit_type_label",
            "iae_category",
            "is_positive",
            "rule_version",
            "exited_on",
            "reason",
            "evidence",
            "contract",
            "job_title",
            "employer",
            "employer_name",
            "employer_siret",
            "organisation",
            "reopened_on",
            "reopen_reason",
            "checkpoints",
        ]


class PersonExitsApi(APIView):
    """Les sorties de parcours d'une personne (la sortie en vigueur et celles annulées par une réouverture), et
    l'enregistrement d'une sortie : mêmes règles que l'écran (type du département, date ni future ni antérieure à
    la première orientation, personne pas déjà sortie, structure qui suit la personne)."""

    def get_permissions(self):
        roles = WRITER_ROLES if self.request.method == "POST" else READER_ROLES
        return [roles_permission(*roles)()]

    class ExitInputSerializer(serializers.Serializer):
        exit_type = serializers.CharField(help_text="code du type de sortie dans la typologie du département")
        exited_on = fields.DateField()
        reason = serializers.CharField(required=False, allow_blank=True, default="")
        evidence = serializers.CharField(required=False, allow_blank=True, default="")
        contract = serializers.ChoiceField(
            choices=EmploymentContract.choices, required=False, allow_blank=True, default=""
        )
        job_title = serializers.CharField(required=False, allow_blank=True, default="", max_length=150)
        employer_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
        employer_siret = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
        employer = serializers.IntegerField(
            required=False, allow_null=True, default=None, help_text="identifiant de l'employeur dans l'annuaire"
        )

    @extend_schema(responses=ExitSerializer(many=True), tags=TAGS)
    def get(self, request, pk):
        access = notebook_access(actor=request.actor, person_pk=pk)
        person_view_record(actor=request.actor, person=access.notebook.person, screen="api sorties de parcours")
        return Response(ExitSerializer(selectors.exits_of(person_id=access.notebook.person_id), many=True).data)

    @extend_schema(request=ExitInputSerializer, responses={201: ExitSerializer}, tags=TAGS)
    def post(self, request, pk):
        access = notebook_access(actor=request.actor, person_pk=pk)
        person = access.notebook.person
        if access.through_consent:
            raise NotFound()
        data = self.ExitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        code = values.pop("exit_type")
        exit_type = ExitType.objects.filter(departement_id=person.departement_id, code=code, is_active=True).first()
        if exit_type is None:
            return Response({"errors": {"exit_type": [f"Type de sortie inconnu : {code}."]}}, status=400)
        employer_id = values.pop("employer")
        if employer_id is not None:
            values["employer"] = Employer.objects.filter(pk=employer_id, departement_id=person.departement_id).first()
            if values["employer"] is None:
                return Response({"errors": {"employer": ["Employeur inconnu dans l'annuaire du département."]}}, 400)
        try:
            exit = services.exit_record(actor=request.actor, person=person, exit_type=exit_type, **values)
        except ValidationError as error:
            return service_error_response(error)
        return Response(ExitSerializer(selectors.exits_of(person_id=person.pk).get(pk=exit.pk)).data, status=201)


class ExitCheckpointsApi(APIView):
    """Les points de suivi en emploi d'une sortie, et l'enregistrement de l'un d'eux (refusé pour une sortie qui
    n'est pas vers l'emploi)."""

    def get_permissions(self):
        roles = WRITER_ROLES if self.request.method == "POST" else READER_ROLES
        return [roles_permission(*roles)()]

    class CheckpointInputSerializer(serializers.Serializer):
        months = serializers.IntegerField(min_value=1, max_value=120)
        done_on = fields.DateField()
        still_employed = serializers.BooleanField(allow_null=True)
        same_employer = serializers.BooleanField(required=False, allow_null=True, default=None)
        contract = serializers.ChoiceField(
            choices=EmploymentContract.choices, required=False, allow_blank=True, default=""
        )
        rupture_on = fields.DateField(required=False, allow_null=True, default=None)
        rupture_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
        in_trial_period = serializers.BooleanField(required=False, default=False)
        comment = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(responses=CheckpointSerializer(many=True), tags=TAGS)
    def get(self, request, pk):
        exit = selectors.exit_for(actor=request.actor, pk=pk)
        person_view_record(actor=request.actor, person=exit.person, screen="api suivi en emploi")
        return Response(CheckpointSerializer(exit.checkpoints.order_by("months"), many=True).data)

    @extend_schema(request=CheckpointInputSerializer, responses={201: CheckpointSerializer}, tags=TAGS)
    def post(self, request, pk):
        exit = selectors.exit_for(actor=request.actor, pk=pk)
        data = self.CheckpointInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            checkpoint = services.checkpoint_record(actor=request.actor, exit=exit, **data.validated_data)
        except ValidationError as error:
            return service_error_response(error)
        return Response(CheckpointSerializer(checkpoint).data, status=status.HTTP_201_CREATED)
