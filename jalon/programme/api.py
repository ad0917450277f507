"""The action plan for partner systems: the plans the actor may read, their actions with pilots, steps and
indicators, and the update of an action's state (the same service, rules and optimistic lock as the screen)."""

from django.core.exceptions import ValidationError
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


class ProgrammeSerializer(serializers.ModelSerializer):
    departement = serializers.CharField(source="departement_id")

    class Meta:
        model = Programme
        fields = ["code", "departement", "kind", "title", "start", "end", "voted_on", "document"]


class StepSerializer(serializers.Serializer):
    title = serializers.CharField()
    planned_start = serializers.DateField(allow_null=True)
    planned_end = serializers.DateField(allow_null=True)
    done_on = serializers.DateField(allow_null=True)


class ActionSerializer(serializers.ModelSerializer):
    axis = serializers.CharField(source="axis.code")
    objective = serializers.CharField(source="objective.code", allow_null=True, default=None)
    pilots = serializers.SerializerMethodField()
    contributors = serializers.SerializerMethodField()
    steps = StepSerializer(many=True)
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

    @extend_schema(responses=ProgrammeSerializer(many=True), tags=TAGS)
    def get(self, request):
        return Response(ProgrammeSerializer(selectors.programmes_for(actor=request.actor), many=True).data)


class ProgrammeActionsApi(APIView):
    """Les actions d'un plan, avec leurs pilotes, contributeurs, étapes et indicateurs (codes du catalogue de
    l'observatoire)."""

    permission_classes = [PlanPermission]

    @extend_schema(responses=ActionSerializer(many=True), tags=TAGS)
    def get(self, request, code):
        programme = selectors.programme_for(actor=request.actor, code=code)
        actions = programme.actions.select_related("axis", "objective").prefetch_related(
            "partners__organisation", "steps", "indicators__indicator"
        )
        return Response(ActionSerializer(actions, many=True).data)


class ActionUpdateSerializer(serializers.Serializer):
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

    @extend_schema(responses=ActionSerializer, tags=TAGS)
    def get(self, request, code, pk):
        return Response(ActionSerializer(self._action(request, code, pk)).data)

    @extend_schema(request=ActionUpdateSerializer, responses=ActionSerializer, tags=TAGS)
    def patch(self, request, code, pk):
        action = self._action(request, code, pk)
        if not access.may_edit_action(request.actor, action):
            raise NotFound()
        data = ActionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            action = services.action_update(actor=request.actor, action=action, **data.validated_data)
        except ValidationError as error:
            return service_error_response(error)
        return Response(ActionSerializer(action).data)
