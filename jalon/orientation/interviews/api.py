from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from jalon.api import fields
from jalon.api.errors import service_error_response
from jalon.api.permissions import departement_staff_permission, roles_permission
from jalon.core.enums import Role
from jalon.intake.enums import DeclaredObstacle
from jalon.orientation.interviews import selectors, services
from jalon.orientation.models import Interview, OrientationCriterion


INTERVIEW_ROLES = (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.REFERENT)


class InterviewSerializer(serializers.ModelSerializer):
    proposed_dispositif = serializers.CharField(source="proposed_dispositif.name", allow_null=True, default=None)
    conducted_by = serializers.CharField(source="conducted_by.get_full_name", allow_null=True, default=None)
    session = serializers.IntegerField(source="participant.session_id", allow_null=True, default=None)

    class Meta:
        model = Interview
        fields = [
            "id",
            "person",
            "participant",
            "session",
            "conducted_on",
            "conducted_by",
            "strengths",
            "needs",
            "obstacles",
            "diagnostic_note",
            "proposed_type",
            "proposed_dispositif",
            "proposal_reasons",
            "orientation",
        ]


class InterviewListCreateApi(APIView):
    """Les entretiens d'orientation d'une personne (GET) ; enregistrer un entretien (POST) : la proposition
    d'orientation et ses motifs sont calculés par les critères du Département."""

    permission_classes = [roles_permission(*INTERVIEW_ROLES)]

    class InterviewInputSerializer(serializers.Serializer):
        participant = fields.IdField(
            required=False, allow_null=True, help_text="Participation à une séance, si l'entretien y a eu lieu."
        )
        strengths = serializers.CharField(required=False, allow_blank=True, default="")
        needs = serializers.CharField(required=False, allow_blank=True, default="")
        obstacles = serializers.ListField(
            child=serializers.ChoiceField(choices=DeclaredObstacle.choices), required=False, default=list
        )
        diagnostic_note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(responses=InterviewSerializer(many=True), tags=["orientation"])
    def get(self, request, pk):
        person = selectors.person_for_interview(actor=request.actor, pk=pk, view="entretiens d'orientation (API)")
        interviews = selectors.person_interviews(person=person, limit=None)
        return Response(InterviewSerializer(interviews, many=True).data)

    @extend_schema(request=InterviewInputSerializer, responses={201: InterviewSerializer}, tags=["orientation"])
    def post(self, request, pk):
        person = selectors.person_for_proposal(actor=request.actor, pk=pk)
        data = self.InterviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        participant_id = values.pop("participant", None)
        participant = (
            selectors.participant_for_interview(actor=request.actor, person=person, pk=participant_id)
            if participant_id
            else None
        )
        try:
            interview = services.interview_record(
                actor=request.actor, person=person, participant=participant, **values
            )
        except ValidationError as error:
            return service_error_response(error)
        return Response(InterviewSerializer(interview).data, status=status.HTTP_201_CREATED)


class CriterionSerializer(serializers.ModelSerializer):
    proposed_dispositif = serializers.CharField(source="proposed_dispositif.name", allow_null=True, default=None)

    class Meta:
        model = OrientationCriterion
        fields = [
            "id",
            "position",
            "condition",
            "value",
            "proposed_type",
            "proposed_dispositif",
            "weight",
            "reason",
            "is_active",
        ]


@extend_schema(tags=["orientation"])
class CriteriaApi(ListAPIView):
    """Les critères d'orientation du département de l'utilisateur, dans l'ordre où ils s'appliquent."""

    permission_classes = [departement_staff_permission(Role.ADMINISTRATOR, Role.ORIENTATION_OFFICER)]
    serializer_class = CriterionSerializer

    def get_queryset(self):
        return selectors.criteria_list(actor=self.request.actor)  # type: ignore[attr-defined]
