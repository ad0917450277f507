"""The surveys for partner systems, read-only: the campaigns of the actor's Département and their results, behind
the same anonymity threshold as the screens (a group below it gives the message, never the numbers)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from jalon.surveys import access, selectors


TAGS = ["enquêtes"]


class SurveyPermission(BasePermission):
    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        if access.may_manage(request.actor):
            return True
        raise NotFound()


class CampaignSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    questionnaire = serializers.CharField(source="version.questionnaire.title")
    version = serializers.IntegerField(source="version.number")
    population = serializers.CharField()
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    closed_on = serializers.DateField(allow_null=True)
    threshold = serializers.IntegerField()
    indicator = serializers.CharField(source="indicator.code", allow_null=True, default=None)
    invitations = serializers.IntegerField(source="invited")
    responses = serializers.IntegerField(source="answered")


class RowSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    share = serializers.FloatField()


class QuestionResultSerializer(serializers.Serializer):
    position = serializers.IntegerField(source="question.position")
    text = serializers.CharField(source="question.text")
    kind = serializers.CharField(source="question.kind")
    hidden = serializers.BooleanField()
    rows = RowSerializer(many=True)
    texts = serializers.ListField(child=serializers.CharField())


class ResultsSerializer(serializers.Serializer):
    invitations = serializers.IntegerField(source="invited")
    responses = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    group = serializers.IntegerField()
    hidden = serializers.BooleanField()
    message = serializers.CharField()
    filter = serializers.CharField(source="filter_label")
    satisfaction = serializers.FloatField(allow_null=True)
    questions = QuestionResultSerializer(many=True)


class CampaignListApi(APIView):
    """Les campagnes d'enquête du Département, avec leurs invitations et leurs réponses."""

    permission_classes = [SurveyPermission]

    @extend_schema(responses=CampaignSerializer(many=True), tags=TAGS)
    def get(self, request):
        return Response(CampaignSerializer(selectors.campaigns_for(actor=request.actor), many=True).data)


class CampaignResultsApi(APIView):
    """Les résultats agrégés d'une campagne (jamais les réponses une à une), masqués sous le seuil d'anonymat, y
    compris à travers un filtre par canal (`canal`) ou par territoire (`territoire`)."""

    permission_classes = [SurveyPermission]

    @extend_schema(
        responses=ResultsSerializer,
        tags=TAGS,
        parameters=[
            OpenApiParameter("canal", str, required=False, description="lien, espace ou papier"),
            OpenApiParameter("territoire", str, required=False, description="identifiant du territoire"),
        ],
    )
    def get(self, request, pk):
        campaign = selectors.campaign_for(actor=request.actor, pk=pk)
        results = selectors.campaign_results(
            campaign=campaign,
            channel=request.query_params.get("canal", ""),
            territory=request.query_params.get("territoire", ""),
        )
        return Response(ResultsSerializer(results).data)
