"""The carnet de bord for partner systems: read a person's carnet, log a contact, plan an appointment, set an
objective. Same reach and rules as the screens: `notebook_access` (404 outside), the follow-up and carnet services
(which audit every write); every read is audited."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from jalon.api import fields
from jalon.api.errors import service_error_response
from jalon.api.permissions import roles_permission
from jalon.core.enums import Role
from jalon.messaging.enums import MessageChannel
from jalon.notebook.access import notebook_access, notes_visible_to
from jalon.notebook.carnet import services as carnet_services
from jalon.notebook.carnet.selectors import carnet_page
from jalon.notebook.enums import ContactKind, WorkStatus
from jalon.notebook.followup import services as followup_services
from jalon.notebook.models import (
    Action,
    Appointment,
    Contact,
    Contract,
    Note,
    Notebook,
    NotebookFrein,
    Objective,
    ProfessionalProject,
)
from jalon.orientation.enums import SessionMode
from jalon.people.selectors import person_view_record


READER_ROLES = (
    Role.REFERENT,
    Role.ORIENTATION_OFFICER,
    Role.ADMINISTRATOR,
    Role.PARTNER,
    Role.TERRITORY_MANAGER,
)
WRITER_ROLES = (Role.REFERENT, Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.PARTNER)
TAGS = ["carnet de bord"]


def _access(request, pk, *, write: bool = False):
    access = notebook_access(actor=request.actor, person_pk=pk)
    if write and not access.can_write:
        raise NotFound()
    return access


# --- read -------------------------------------------------------------------------------------------------------


class FreinSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code")
    category_label = serializers.CharField(source="category.label")

    class Meta:
        model = NotebookFrein
        fields = ["id", "category", "category_label", "status", "nature", "identified_on", "resolved_on", "comment"]


class ProjectSerializer(serializers.ModelSerializer):
    rome = serializers.CharField(source="rome_id", allow_null=True)
    appellation = serializers.CharField(source="appellation_id", allow_null=True)

    class Meta:
        model = ProfessionalProject
        fields = [
            "id",
            "title",
            "rome",
            "appellation",
            "contract_types",
            "working_time",
            "mobility_km",
            "expected_monthly_wage",
            "strengths",
            "is_main",
        ]


class ActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Action
        fields = ["id", "title", "status", "starts_on", "due_on", "done_on", "carried_by_person"]


class ObjectiveSerializer(serializers.ModelSerializer):
    actions = ActionSerializer(many=True, read_only=True)

    class Meta:
        model = Objective
        fields = ["id", "title", "status", "frein", "project", "starts_on", "due_on", "done_on", "actions"]


class ContractSerializer(serializers.ModelSerializer):
    contract_type = serializers.CharField(source="contract_type.code")
    organisation = serializers.CharField(source="organisation.name")

    class Meta:
        model = Contract
        fields = ["id", "contract_type", "organisation", "starts_on", "ends_on", "signed_on", "signed_by_person"]


class AppointmentSerializer(serializers.ModelSerializer):
    professional = serializers.CharField(source="professional.get_full_name")
    organisation = serializers.CharField(source="organisation.name")

    class Meta:
        model = Appointment
        fields = ["id", "starts_at", "ends_at", "mode", "place", "purpose", "professional", "organisation"]


class ContactSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", allow_null=True, default=None)

    class Meta:
        model = Contact
        fields = ["id", "occurred_on", "kind", "summary", "organisation", "appointment"]


class NoteSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name")

    class Meta:
        model = Note
        fields = ["id", "created_at", "visibility", "text", "organisation", "written_by_person"]


class NotebookSerializer(serializers.Serializer):
    person = serializers.IntegerField()
    version = serializers.IntegerField()
    last_activity_at = serializers.DateTimeField()
    last_contact_on = serializers.DateField(allow_null=True)
    completeness = serializers.IntegerField(help_text="complétude du carnet, en pourcentage")
    orientation_type = serializers.CharField(allow_null=True)
    referent = serializers.CharField(allow_null=True)
    referent_organisation = serializers.CharField(allow_null=True)
    freins = FreinSerializer(many=True)
    projects = ProjectSerializer(many=True)
    objectives = ObjectiveSerializer(many=True)
    contracts = ContractSerializer(many=True)
    upcoming_appointments = AppointmentSerializer(many=True)
    contacts = ContactSerializer(many=True)
    notes = NoteSerializer(many=True)


def notebook_payload(*, actor, access) -> dict:
    """What the API shows of a carnet; private notes of another organisation never leave the database."""
    page = carnet_page(access=access)
    notebook = access.notebook
    referent: Any = page.referent
    return {
        "person": notebook.person_id,
        "version": notebook.version,
        "last_activity_at": notebook.last_activity_at,
        "last_contact_on": notebook.last_contact_on,
        "completeness": page.completeness.percent,
        "orientation_type": getattr(page.orientation, "orientation_type", None),
        "referent": referent.referent.get_full_name() if referent else None,
        "referent_organisation": referent.organisation.name if referent else None,
        "freins": page.freins,
        "projects": page.projects,
        "objectives": page.objectives,
        "contracts": Contract.objects.filter(notebook=notebook).select_related("contract_type", "organisation"),
        "upcoming_appointments": Appointment.objects.filter(
            notebook=notebook, cancelled_at=None, starts_at__gte=timezone.now()
        ).select_related("professional", "organisation"),
        "contacts": Contact.objects.filter(notebook=notebook).select_related("organisation"),
        "notes": notes_visible_to(actor=actor, notebook=notebook).select_related("organisation"),
    }


class NotebookApi(APIView):
    """Le carnet de bord d'une personne : freins, projets, objectifs et actions, contrats, rendez-vous à venir,
    contacts, notes partagées et notes privées de sa propre structure. 404 hors de portée."""

    permission_classes = [roles_permission(*READER_ROLES)]

    @extend_schema(responses=NotebookSerializer, tags=TAGS)
    def get(self, request, pk):
        access = _access(request, pk)
        person_view_record(actor=request.actor, person=access.notebook.person, screen="api carnet de bord")
        return Response(NotebookSerializer(notebook_payload(actor=request.actor, access=access)).data)


# --- writes -----------------------------------------------------------------------------------------------------


VERSION_HELP = "version du carnet lue avant l'écriture : refus si quelqu'un l'a modifié entre-temps"


def _version_field():
    return fields.model_integer_field(
        Notebook, "version", required=False, allow_null=True, default=None, help_text=VERSION_HELP
    )


class NotebookContactsApi(APIView):
    """Enregistre un contact avec la personne ; mêmes règles que l'écran."""

    permission_classes = [roles_permission(*WRITER_ROLES)]

    class ContactInputSerializer(serializers.Serializer):
        occurred_on = fields.DateField()
        kind = serializers.ChoiceField(choices=ContactKind.choices)
        summary = serializers.CharField()
        version = _version_field()

    @extend_schema(request=ContactInputSerializer, responses={201: ContactSerializer}, tags=TAGS)
    def post(self, request, pk):
        access = _access(request, pk, write=True)
        data = self.ContactInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            contact = followup_services.contact_record(
                actor=request.actor, notebook=access.notebook, **data.validated_data
            )
        except ValidationError as error:
            return service_error_response(error)
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class AppointmentOutcomeSerializer(AppointmentSerializer):
    undelivered = serializers.SerializerMethodField()

    class Meta(AppointmentSerializer.Meta):
        fields = [*AppointmentSerializer.Meta.fields, "undelivered"]

    def get_undelivered(self, appointment) -> list[str]:
        return [f"{channel} : {reason}" for channel, reason in self.context.get("undelivered", [])]


class NotebookAppointmentsApi(APIView):
    """Planifie un rendez-vous avec l'utilisateur et envoie l'invitation ; les envois impossibles sont listés."""

    permission_classes = [roles_permission(*WRITER_ROLES)]

    class AppointmentInputSerializer(serializers.Serializer):
        starts_at = fields.DateTimeField()
        ends_at = fields.DateTimeField()
        mode = serializers.ChoiceField(choices=SessionMode.choices)
        place = serializers.CharField(required=False, allow_blank=True, default="")
        purpose = serializers.CharField(required=False, allow_blank=True, default="")
        channels = serializers.ListField(
            child=serializers.ChoiceField(choices=MessageChannel.choices), default=[MessageChannel.EMAIL]
        )
        version = _version_field()

    @extend_schema(request=AppointmentInputSerializer, responses={201: AppointmentOutcomeSerializer}, tags=TAGS)
    def post(self, request, pk):
        access = _access(request, pk, write=True)
        data = self.AppointmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            outcome = followup_services.appointment_plan(
                actor=request.actor, notebook=access.notebook, **data.validated_data
            )
        except ValidationError as error:
            return service_error_response(error)
        answer = AppointmentOutcomeSerializer(outcome.appointment, context={"undelivered": outcome.undelivered})
        return Response(answer.data, status=status.HTTP_201_CREATED)


class NotebookObjectivesApi(APIView):
    """Fixe un objectif rattaché à un frein ou à un projet du carnet ; mêmes règles que l'écran."""

    permission_classes = [roles_permission(*WRITER_ROLES)]

    class ObjectiveInputSerializer(serializers.Serializer):
        title = serializers.CharField()
        status = serializers.ChoiceField(choices=WorkStatus.choices, default=WorkStatus.PLANNED)
        frein = fields.IdField(required=False, allow_null=True, default=None)
        project = fields.IdField(required=False, allow_null=True, default=None)
        starts_on = fields.DateField(required=False, allow_null=True, default=None)
        due_on = fields.DateField(required=False, allow_null=True, default=None)
        version = _version_field()

    @extend_schema(request=ObjectiveInputSerializer, responses={201: ObjectiveSerializer}, tags=TAGS)
    def post(self, request, pk):
        access = _access(request, pk, write=True)
        notebook = access.notebook
        data = self.ObjectiveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        frein_id, project_id = values.pop("frein"), values.pop("project")
        # Only this carnet's freins and projects: another carnet's id reads as unknown.
        frein = NotebookFrein.objects.filter(pk=frein_id, notebook=notebook).first() if frein_id else None
        project = ProfessionalProject.objects.filter(pk=project_id, notebook=notebook).first() if project_id else None
        if frein_id and frein is None:
            return Response({"errors": {"frein": ["Frein inconnu dans ce carnet."]}}, status=400)
        if project_id and project is None:
            return Response({"errors": {"project": ["Projet inconnu dans ce carnet."]}}, status=400)
        # Without a version the partner writes on the carnet as it is now (no concurrent form to protect).
        version = values.pop("version") or notebook.version
        try:
            objective = carnet_services.objective_create(
                actor=request.actor, notebook=notebook, version=version, frein=frein, project=project, **values
            )
        except ValidationError as error:
            return service_error_response(error)
        return Response(ObjectiveSerializer(objective).data, status=status.HTTP_201_CREATED)
