from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from jalon.api import fields
from jalon.api.permissions import departement_staff_permission, roles_permission
from jalon.core.enums import Role
from jalon.orientation.enums import OrientationType, ReorientationStatus
from jalon.orientation.models import Dispositif, EplMeeting, ReorientationRequest
from jalon.orientation.reorientation import selectors, services
from jalon.orientation.reorientation.selectors import EPL_ROLES, REQUEST_ROLES
from jalon.people.api import AuditedPersonListMixin


TYPE_HELP = "Type d'orientation souhaité : " + ", ".join(OrientationType.values) + " (vide : pas de préférence)."


class ReorientationRequestSerializer(serializers.ModelSerializer):
    requested_type = serializers.CharField(read_only=True, help_text=TYPE_HELP)
    person_name = serializers.CharField(source="person.__str__", read_only=True)
    from_organisation = serializers.CharField(
        source="from_orientation.organisation.name", allow_null=True, default=None, read_only=True
    )
    requested_dispositif = serializers.CharField(
        source="requested_dispositif.name", allow_null=True, default=None, read_only=True
    )
    epl_meeting = serializers.IntegerField(source="epl_meeting_id", allow_null=True, read_only=True)
    new_orientation = serializers.IntegerField(source="new_orientation_id", allow_null=True, read_only=True)

    class Meta:
        model = ReorientationRequest
        fields = [
            "id",
            "person",
            "person_name",
            "from_orientation",
            "from_organisation",
            "requested_on",
            "requested_by_person",
            "reason",
            "requested_type",
            "requested_dispositif",
            "status",
            "epl_meeting",
            "scheduled_on",
            "decided_on",
            "decision_reason",
            "new_orientation",
        ]


class ReorientationRequestInputSerializer(serializers.Serializer):
    person = fields.IdField()
    reason = serializers.CharField()
    # A plain string (checked by the service): a second enum of the same choices would warn in the schema.
    requested_type = serializers.CharField(required=False, allow_blank=True, help_text=TYPE_HELP)
    requested_dispositif = fields.IdField(required=False, allow_null=True)
    requested_by_person = serializers.BooleanField(default=False)


class ReorientationRequestsApi(AuditedPersonListMixin, ListAPIView):
    """Demandes de réorientation des personnes visibles (pour un référent : celles de sa structure) ; POST pour en
    créer une, avec les mêmes règles que l'écran."""

    serializer_class = ReorientationRequestSerializer
    audit_screen = "api demandes de réorientation"
    audit_person_field = "person_id"

    def get_permissions(self):
        roles = REQUEST_ROLES if self.request.method == "POST" else (*REQUEST_ROLES, Role.TERRITORY_MANAGER)
        return [roles_permission(*roles)()]

    def get_queryset(self):
        wanted = self.request.query_params.get("statut", "")
        return selectors.requests_list(
            actor=self.request.actor,  # type: ignore[attr-defined]
            status=wanted if wanted in ReorientationStatus.values else "",
        )

    @extend_schema(
        parameters=[OpenApiParameter("statut", str, enum=ReorientationStatus.values, required=False)],
        tags=["orientation"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=ReorientationRequestInputSerializer,
        responses={201: ReorientationRequestSerializer},
        tags=["orientation"],
    )
    def post(self, request):
        data = ReorientationRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        person, _ = selectors.person_for_request(actor=request.actor, pk=values.pop("person"))
        dispositif_id = values.pop("requested_dispositif", None)
        dispositif = (
            Dispositif.objects.filter(pk=dispositif_id, departement_id=person.departement_id).first()
            if dispositif_id
            else None
        )
        if dispositif_id and dispositif is None:
            return Response(
                {"errors": {"requested_dispositif": ["Dispositif inconnu dans ce département."]}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            created = services.reorientation_request(
                actor=request.actor, person=person, requested_dispositif=dispositif, **values
            )
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response(ReorientationRequestSerializer(created).data, status=status.HTTP_201_CREATED)


class EplMeetingSerializer(serializers.ModelSerializer):
    territory = serializers.CharField(source="territory.name", allow_null=True, default=None)
    organisation = serializers.CharField(source="organisation.name")
    agenda_count = serializers.IntegerField()
    undecided_count = serializers.IntegerField()

    class Meta:
        model = EplMeeting
        fields = [
            "id",
            "held_at",
            "place",
            "territory",
            "organisation",
            "other_members",
            "closed_at",
            "agenda_count",
            "undecided_count",
        ]


class EplMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")


class EplMeetingDetailSerializer(EplMeetingSerializer):
    members = serializers.SerializerMethodField()
    agenda = serializers.SerializerMethodField()

    class Meta(EplMeetingSerializer.Meta):
        fields = [*EplMeetingSerializer.Meta.fields, "minutes", "members", "agenda"]

    def get_members(self, meeting) -> list[dict]:
        return list(EplMemberSerializer(self.context["members"], many=True).data)

    def get_agenda(self, meeting) -> list[dict]:
        return list(ReorientationRequestSerializer(self.context["agenda"], many=True).data)


@extend_schema(tags=["orientation"])
class EplMeetingsApi(ListAPIView):
    """Équipes pluridisciplinaires du département (et des territoires de l'utilisateur), les plus récentes
    d'abord."""

    permission_classes = [departement_staff_permission(*EPL_ROLES)]
    serializer_class = EplMeetingSerializer

    def get_queryset(self):
        return selectors.epl_meetings(actor=self.request.actor).order_by("-held_at", "-pk")  # type: ignore[attr-defined]


class EplMeetingDetailApi(APIView):
    """Une équipe pluridisciplinaire : ses membres et son ordre du jour (les personnes visibles seulement)."""

    permission_classes = [departement_staff_permission(*EPL_ROLES)]

    @extend_schema(responses=EplMeetingDetailSerializer, tags=["orientation"])
    def get(self, request, pk):
        meeting = selectors.epl_meeting_get(actor=request.actor, pk=pk)
        context = {
            "members": selectors.epl_meeting_members(meeting=meeting),
            "agenda": selectors.epl_agenda(actor=request.actor, meeting=meeting),
        }
        return Response(EplMeetingDetailSerializer(meeting, context=context).data)
