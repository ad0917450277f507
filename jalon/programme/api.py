"""The action plan for partner systems: the plans the actor may read, their actions with pilots, steps and
indicators, and the update of an action's state (the same service, rules and optimistic lock as the screen)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from jalon.api.errors import service_error_response
from jalon.programme import access, selectors, services
from jalon.programme.enums import ActionStatus, PartnerRole
from jalon.programme.models import ActionSheet, Programme


TAGS = ["plan d'action (PDI / PTI)"]


class PlanPermission(BasePermission):
    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        if access.may_read_plans(request.actor):
            return True
        raise NotFound()


class PlanSerializer(serializers.ModelSerializer):
    departement = serializers.CharField(source="departement_id")

    class Meta:
        model = Programme
        fields = ["code", "departement", "kind", "title", "start", "end", "voted_on", "document"]


class ActionStepSerializer(serializers.Serializer):
    title = serializers.CharField()
    planned_start = serializers.DateField(allow_null=True)
    planned_end = serializers.DateField(allow_null=True)
    done_on = serializers.DateField(allow_null=True)


class ActionSheetSerializer(serializers.ModelSerializer):
    axis = serializers.CharField(source="axis.code")
    objective = serializers.CharField(source="objective.code", allow_null=True, default=None)
    pilots = serializers.SerializerMethodField()
    contributors = serializers.SerializerMethodField()
    steps = ActionStepSerializer(many=True)
    indicators = serializers.SerializerMethodField()

    class Meta:
        model = ActionSheet
        fields = [
            "id",
            "code",
            "number",
            "title",
            "axis",
            "objective",
            "has_sheet",
            "status",
            "schedule",
            "pilots",
            "contributors",
            "steps",
            "indicators",
            "source",
            "version",
        ]

    def _partners(self, action, role) -> list[str]:
        return [p.organisation.name for p in action.partners.all() if p.role == role]

    def get_pilots(self, action) -> list[str]:
        return self._partners(action, PartnerRole.PILOT)

    def get_contributors(self, action) -> list[str]:
        return self._partners(action, PartnerRole.CONTRIBUTOR)

    def get_indicators(self, action) -> list[str]:
        return [link.indicator.code for link in action.indicators.all()]


class ProgrammeListApi(APIView):
    """Les plans d'action (PDI / PTI) que l'acteur peut lire : ceux de son Département, ou ceux qui nomment son
    organisation."""

    permission_classes = [PlanPermission]

    @extend_schema(responses=PlanSerializer(many=True), tags=TAGS)
    def get(self, request):
        return Response(PlanSerializer(selectors.programmes_for(actor=request.actor), many=True).data)


class ProgrammeActionsApi(APIView):
    """Les actions d'un plan, avec leurs pilotes, contributeurs, étapes et indicateurs (codes du catalogue de
    l'observatoire)."""

    permission_classes = [PlanPermission]

    @extend_schema(responses=ActionSheetSerializer(many=True), tags=TAGS)
    def get(self, request, code):
        programme = selectors.programme_for(actor=request.actor, code=code)
        actions = programme.actions.select_related("axis", "objective").prefetch_related(
            "partners__organisation", "steps", "indicators__indicator"
        )
        return Response(ActionSheetSerializer(actions, many=True).data)


class ActionSheetUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="la version lue : une modification faite entre-temps est refusée")
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    schedule = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    context = serializers.CharField(required=False, allow_blank=True, default="")


class ActionSheetApi(APIView):
    """Une action du plan ; PATCH met à jour son état, son échéancier et son contexte (pilote du programme,
    administrateur du Département, ou pilote de l'organisation qui pilote l'action)."""

    permission_classes = [PlanPermission]

    def _action(self, request, code, pk):
        programme = selectors.programme_for(actor=request.actor, code=code)
        return selectors.action_for(actor=request.actor, programme=programme, pk=pk)

    @extend_schema(responses=ActionSheetSerializer, tags=TAGS)
    def get(self, request, code, pk):
        return Response(ActionSheetSerializer(self._action(request, code, pk)).data)

    @extend_schema(request=ActionSheetUpdateSerializer, responses=ActionSheetSerializer, tags=TAGS)
    def patch(self, request, code, pk):
        action = self._action(request, code, pk)
        if not access.may_edit_action(request.actor, action):
            raise NotFound()
        data = ActionSheetUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            action = services.action_update(actor=request.actor, action=action, **data.validated_data)
        except ValidationError as error:
            return service_error_response(error)
        return Response(ActionSheetSerializer(action).data)


class BodyDecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    body = serializers.CharField(source="meeting.body.name")
    meeting_held_on = serializers.DateField(source="meeting.held_on")
    text = serializers.CharField()
    owners = serializers.CharField()
    due_on = serializers.DateField()
    status = serializers.CharField()
    late = serializers.BooleanField()
    follow_up = serializers.CharField()
    follow_up_on = serializers.DateField(allow_null=True)


class ProgrammeDecisionsApi(APIView):
    """Les décisions des instances d'un plan (COPIL, comité des financeurs, CTP…), leur porteur, leur échéance et
    leur suivi."""

    permission_classes = [PlanPermission]

    @extend_schema(responses=BodyDecisionSerializer(many=True), tags=TAGS)
    def get(self, request, code):
        from jalon.programme.governance.selectors import decisions_of

        programme = selectors.programme_for(actor=request.actor, code=code)
        today = timezone.localdate()
        decisions = list(decisions_of(programme=programme, today=today))
        for decision in decisions:
            decision.late = decision.is_late(today)
        return Response(BodyDecisionSerializer(decisions, many=True).data)


class BudgetExecutionRowSerializer(serializers.Serializer):
    line = serializers.CharField(source="label")
    voted = serializers.DecimalField(source="figures.voted", max_digits=14, decimal_places=2)
    committed = serializers.DecimalField(source="figures.committed", max_digits=14, decimal_places=2)
    paid = serializers.DecimalField(source="figures.paid", max_digits=14, decimal_places=2)
    committed_rate = serializers.IntegerField(source="figures.committed_rate", allow_null=True)
    paid_rate = serializers.IntegerField(source="figures.paid_rate", allow_null=True)


class BudgetExecutionSerializer(serializers.Serializer):
    total = BudgetExecutionRowSerializer()
    by_territory = BudgetExecutionRowSerializer(many=True)
    by_action = BudgetExecutionRowSerializer(many=True)
    by_source = BudgetExecutionRowSerializer(many=True)
    by_year = BudgetExecutionRowSerializer(many=True)


class ProgrammeExecutionApi(APIView):
    """L'exécution du budget d'un plan : voté, engagé, mandaté et taux, consolidés du territoire (SDSEI) au
    Département, par action, source et année (personnels du Département)."""

    permission_classes = [PlanPermission]

    @extend_schema(responses=BudgetExecutionSerializer, tags=TAGS)
    def get(self, request, code):
        from jalon.programme.funding import selectors as funding

        programme = funding.programme_for(actor=request.actor, code=code)
        result = funding.execution(parts=funding.parts_of(funding.lines_of(programme)))
        return Response(BudgetExecutionSerializer(result).data)
