"""The users' participation bodies for partner systems, read only and without any member's name: the bodies with
their counts, a committee's meetings with attendance and expense totals, the proposals and what became of them."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from jalon.participation import access, selectors
from jalon.participation.enums import ProposalStatus
from jalon.participation.models import Body, Meeting, Proposal


TAGS = ["participation des usagers"]


class ParticipationPermission(BasePermission):
    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        if access.may_read_bodies(request.actor):
            return True
        raise NotFound()


class BodySerializer(serializers.ModelSerializer):
    departement = serializers.CharField(source="departement_id")
    organisation = serializers.CharField(source="organisation.name")
    territory = serializers.CharField(source="territory.name", allow_null=True, default=None)
    members_in_office = serializers.IntegerField()
    meetings_this_year = serializers.IntegerField()
    proposals_waiting = serializers.IntegerField()

    class Meta:
        model = Body
        fields = [
            "id",
            "departement",
            "kind",
            "name",
            "organisation",
            "territory",
            "members_in_office",
            "meetings_this_year",
            "proposals_waiting",
        ]


class MeetingSerializer(serializers.ModelSerializer):
    agenda = serializers.ListField(source="agenda_items", child=serializers.CharField())
    present = serializers.IntegerField()
    excused = serializers.IntegerField()
    absent = serializers.IntegerField()
    expenses_total = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    has_minutes = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = ["id", "held_at", "place", "agenda", "present", "excused", "absent", "expenses_total", "has_minutes"]

    def get_has_minutes(self, meeting) -> bool:
        return bool(meeting.minutes or meeting.minutes_file)


class ProposalSerializer(serializers.ModelSerializer):
    committee = serializers.IntegerField(source="body_id")
    made_at = serializers.IntegerField(source="made_at_id", allow_null=True)
    shown_back_at = serializers.IntegerField(source="shown_back_at_id", allow_null=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "committee",
            "title",
            "description",
            "made_on",
            "made_at",
            "status",
            "answer",
            "refusal_reason",
            "answered_on",
            "shown_back_at",
        ]


class BodyListApi(APIView):
    """Les comités consultatifs des usagers et les sièges des usagers à l'EPL que l'acteur peut lire, avec le
    nombre de membres en fonction, de réunions de l'année et de propositions à l'étude (aucun nom de membre)."""

    permission_classes = [ParticipationPermission]

    @extend_schema(responses=BodySerializer(many=True), tags=TAGS)
    def get(self, request):
        bodies = selectors.bodies_listing(actor=request.actor, today=timezone.localdate())
        return Response(BodySerializer(bodies, many=True).data)


class MeetingListApi(APIView):
    """Les réunions d'un comité d'usagers : ordre du jour, présents, excusés, absents, total des frais."""

    permission_classes = [ParticipationPermission]

    @extend_schema(responses=MeetingSerializer(many=True), tags=TAGS)
    def get(self, request, pk):
        body = selectors.committee_for(actor=request.actor, pk=pk)
        return Response(MeetingSerializer(selectors.meetings_with_counts(body), many=True).data)


class ProposalListApi(APIView):
    """Les propositions des comités d'usagers et la suite donnée à chacune (`?statut=`, `?comite=`)."""

    permission_classes = [ParticipationPermission]

    @extend_schema(
        parameters=[
            OpenApiParameter("statut", str, enum=ProposalStatus.values),
            OpenApiParameter("comite", int),
        ],
        responses=ProposalSerializer(many=True),
        tags=TAGS,
    )
    def get(self, request):
        status = request.query_params.get("statut", "")
        if status and status not in ProposalStatus.values:
            status = "-"  # an unknown status matches nothing
        committee = request.query_params.get("comite", "")
        proposals = selectors.proposals_followup(
            actor=request.actor, status=status, body_id=int(committee) if committee.isdigit() else None
        )
        return Response(ProposalSerializer(proposals, many=True).data)
