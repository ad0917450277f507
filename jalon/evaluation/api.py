"""The evaluation for partner systems, read-only: a plan's référentiel with its questions, its calendar, its reports.
Read by the Département's staff, like the screens."""

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from jalon.evaluation import access, selectors
from jalon.evaluation.models import EvaluationQuestion, EvaluationReport


TAGS = ["évaluation des plans"]


class EvaluationPermission(BasePermission):
    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        if access.may_read(request.actor):
            return True
        raise NotFound()


def _framework(request, code):
    programme = selectors.programme_for(actor=request.actor, code=code)
    framework = selectors.framework_of(programme)
    if framework is None:
        raise Http404
    return programme, framework


class QuestionSerializer(serializers.ModelSerializer):
    fiche = serializers.CharField(source="action.code", allow_null=True, default=None)
    indicators = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()

    class Meta:
        model = EvaluationQuestion
        fields = ["number", "fiche", "text", "register", "origin", "asked_to", "criteria", "indicators", "sources"]

    def get_indicators(self, question) -> list[str]:
        return sorted(i.code for i in question.indicators.all())

    def get_sources(self, question) -> list[dict]:
        return [
            {"kind": s.kind, "description": s.description, "reference": s.reference} for s in question.sources.all()
        ]


class FrameworkSerializer(serializers.Serializer):
    programme = serializers.CharField(source="programme.code")
    title = serializers.CharField()
    from_document = serializers.BooleanField()
    registers = serializers.JSONField()
    times = serializers.JSONField()
    instance = serializers.CharField(source="instance_name")
    questions = serializers.SerializerMethodField()

    def get_questions(self, framework) -> list[dict]:
        return QuestionSerializer(selectors.questions_of(framework, whole_plan=True), many=True).data


class EvaluationFrameworkApi(APIView):
    """Le référentiel d'évaluation d'un plan : registres, temps de l'évaluation et questions évaluatives (par fiche),
    avec leurs critères, indicateurs du catalogue et autres sources."""

    permission_classes = [EvaluationPermission]

    @extend_schema(responses=FrameworkSerializer, tags=TAGS)
    def get(self, request, code):
        _programme, framework = _framework(request, code)
        return Response(FrameworkSerializer(framework).data)


class CalendarEntrySerializer(serializers.Serializer):
    date = serializers.DateField(source="day", allow_null=True)
    kind = serializers.CharField()
    title = serializers.CharField()
    fiche = serializers.CharField()
    owner = serializers.CharField()
    state = serializers.CharField()
    late = serializers.BooleanField()


class EvaluationCalendarApi(APIView):
    """Le calendrier de l'évaluation d'un plan : évaluations programmées des fiches et travaux de l'instance
    évaluative, par date."""

    permission_classes = [EvaluationPermission]

    @extend_schema(responses=CalendarEntrySerializer(many=True), tags=TAGS)
    def get(self, request, code):
        programme, _unused = _framework(request, code)
        entries = selectors.calendar_entries(programme=programme, today=timezone.localdate())
        return Response(CalendarEntrySerializer(entries, many=True).data)


class ReportSerializer(serializers.ModelSerializer):
    fiche = serializers.CharField(source="action.code", allow_null=True, default=None)
    pdf = serializers.SerializerMethodField()
    docx = serializers.SerializerMethodField()

    class Meta:
        model = EvaluationReport
        fields = ["id", "fiche", "time", "version", "created_at", "pdf", "docx"]

    def _url(self, report, fmt) -> str:
        return reverse("evaluation:report_download", args=[report.framework.programme.code, report.pk, fmt])

    def get_pdf(self, report) -> str:
        return self._url(report, "pdf")

    def get_docx(self, report) -> str:
        return self._url(report, "docx")


class EvaluationReportsApi(APIView):
    """Les rapports d'évaluation produits pour un plan (toutes versions), avec l'adresse de leurs fichiers."""

    permission_classes = [EvaluationPermission]

    @extend_schema(responses=ReportSerializer(many=True), tags=TAGS)
    def get(self, request, code):
        _programme, framework = _framework(request, code)
        reports = selectors.reports_of(framework, whole_plan=True).select_related("framework__programme")
        return Response(ReportSerializer(reports, many=True).data)
