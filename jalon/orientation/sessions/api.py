from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from jalon.accounts.models import User
from jalon.api import fields
from jalon.api.errors import service_error_response
from jalon.api.permissions import departement_staff_permission
from jalon.core.enums import Role
from jalon.messaging.enums import MessageChannel
from jalon.orientation.enums import Attendance, InvitationKind, SessionKind, SessionMode
from jalon.orientation.models import OrientationSession, SessionParticipant
from jalon.orientation.sessions import selectors, services
from jalon.people.models import Person
from jalon.territories.models import Territory


PLANNERS = (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR)
VIEWERS = (*PLANNERS, Role.TERRITORY_MANAGER)


class ParticipantSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.__str__")

    class Meta:
        model = SessionParticipant
        fields = [
            "id",
            "person",
            "person_name",
            "invitation_kind",
            "invited_at",
            "reminder_sent_at",
            "response",
            "responded_at",
            "attendance",
            "absence_follow_up",
        ]


class SessionSerializer(serializers.ModelSerializer):
    professionals = serializers.SerializerMethodField()
    territory = serializers.CharField(source="territory.name", allow_null=True, default=None)
    organisation = serializers.CharField(source="organisation.name")

    class Meta:
        model = OrientationSession
        fields = [
            "id",
            "kind",
            "mode",
            "starts_at",
            "ends_at",
            "place",
            "territory",
            "organisation",
            "capacity",
            "stage",
            "cancelled_at",
            "cancel_reason",
            "professionals",
        ]

    def get_professionals(self, session) -> list[str]:
        return [user.get_full_name() for user in session.professionals.all()]


class SessionDetailSerializer(SessionSerializer):
    participants = ParticipantSerializer(many=True, source="participants_list")

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "participants"]


@extend_schema_view(get=extend_schema(tags=["orientation"]))
class SessionListCreateApi(ListAPIView):
    """Séances d'orientation du département (à venir ; `?periode=passees` pour les passées) ; création."""

    permission_classes = [departement_staff_permission(*VIEWERS)]
    serializer_class = SessionSerializer

    class SessionInputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=SessionKind.choices)
        mode = serializers.ChoiceField(choices=SessionMode.choices)
        starts_at = fields.DateTimeField()
        ends_at = fields.DateTimeField()
        capacity = fields.model_integer_field(OrientationSession, "capacity", min_value=1)
        place = serializers.CharField(required=False, allow_blank=True, default="")
        territory = fields.IdField(required=False, allow_null=True, default=None)
        professionals = serializers.ListField(child=fields.IdField(), required=False, default=list)

    def get_queryset(self):
        actor = self.request.actor  # type: ignore[attr-defined]
        return selectors.sessions_agenda(actor=actor, past=self.request.query_params.get("periode") == "passees")

    @extend_schema(request=SessionInputSerializer, responses={201: SessionSerializer}, tags=["orientation"])
    def post(self, request):
        actor = request.actor
        if not actor.acts_for_departement(*PLANNERS):
            raise NotFound()  # a manager reads the sessions but does not plan them: as for any forbidden write
        data = self.SessionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        departement_id = actor.organisation.departement_id
        territory_id = values.pop("territory")
        territory = Territory.objects.filter(pk=territory_id, departement_id=departement_id).first()
        if territory_id and territory is None:
            return Response({"errors": {"territory": ["Territoire inconnu."]}}, status=400)
        wanted = values.pop("professionals")
        professionals = list(User.objects.filter(pk__in=wanted))
        if len(professionals) != len(set(wanted)):
            return Response({"errors": {"professionals": ["Professionnel inconnu."]}}, status=400)
        try:
            session = services.session_create(actor=actor, territory=territory, professionals=professionals, **values)
        except ValidationError as error:
            return service_error_response(error)
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)


def _session_with_participants(request, pk):
    session = selectors.session_for(actor=request.actor, pk=pk)
    session.participants_list = selectors.session_participants_open(  # type: ignore[attr-defined]
        actor=request.actor, session=session, screen="api séance d'orientation"
    )
    return session


class SessionDetailApi(APIView):
    """Une séance d'orientation et ses participants."""

    permission_classes = [departement_staff_permission(*VIEWERS)]

    @extend_schema(responses=SessionDetailSerializer, tags=["orientation"])
    def get(self, request, pk):
        return Response(SessionDetailSerializer(_session_with_participants(request, pk)).data)


class SessionInviteApi(APIView):
    """Invite des personnes à une séance ; mêmes règles que l'écran (places, déjà orientées, déjà invitées)."""

    permission_classes = [departement_staff_permission(*PLANNERS)]

    class InviteInputSerializer(serializers.Serializer):
        persons = serializers.ListField(child=fields.IdField(), allow_empty=False)
        kind = serializers.ChoiceField(choices=InvitationKind.choices, default=InvitationKind.INVITATION)
        channels = serializers.ListField(
            child=serializers.ChoiceField(choices=MessageChannel.choices), default=[MessageChannel.EMAIL]
        )

    @extend_schema(request=InviteInputSerializer, responses={201: SessionDetailSerializer}, tags=["orientation"])
    def post(self, request, pk):
        session = selectors.session_for(actor=request.actor, pk=pk)
        data = self.InviteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        wanted = set(data.validated_data["persons"])
        persons = list(Person.objects.visible_to(request.actor).filter(pk__in=wanted))
        if len(persons) != len(wanted):
            return Response({"errors": {"persons": ["Personne introuvable."]}}, status=400)
        try:
            outcome = services.session_invite(
                actor=request.actor,
                session=session,
                persons=persons,
                channels=data.validated_data["channels"],
                kind=data.validated_data["kind"],
            )
        except ValidationError as error:
            return service_error_response(error)
        body = SessionDetailSerializer(_session_with_participants(request, pk)).data
        body["undelivered"] = [
            {"person": person.pk, "channel": channel, "reason": reason}
            for person, channel, reason in outcome.undelivered
        ]
        return Response(body, status=status.HTTP_201_CREATED)


class SessionAttendanceApi(APIView):
    """Enregistre les présences ({"attendance": {"<participant id>": "present|excuse|absent"}}), une fois chacune."""

    permission_classes = [departement_staff_permission(*PLANNERS)]

    class AttendanceInputSerializer(serializers.Serializer):
        attendance = serializers.DictField(child=serializers.ChoiceField(choices=Attendance.choices))

        def validate_attendance(self, value: dict) -> dict[int, str]:
            participant = fields.IdField()
            try:
                return {participant.run_validation(key): choice for key, choice in value.items()}
            except serializers.ValidationError as error:
                raise serializers.ValidationError("Identifiant de participant invalide.") from error

    @extend_schema(request=AttendanceInputSerializer, responses=SessionDetailSerializer, tags=["orientation"])
    def post(self, request, pk):
        session = selectors.session_for(actor=request.actor, pk=pk)
        data = self.AttendanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.attendance_record(
                actor=request.actor, session=session, attendance=data.validated_data["attendance"]
            )
        except ValidationError as error:
            return service_error_response(error)
        return Response(SessionDetailSerializer(_session_with_participants(request, pk)).data)
