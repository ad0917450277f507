from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from jalon.accounts.models import User
from jalon.api import fields
from jalon.api.permissions import departement_staff_permission, roles_permission
from jalon.core.enums import Role
from jalon.organisations.models import Organisation
from jalon.orientation import selectors, services
from jalon.orientation.enums import OrientationType, PersonAgreement
from jalon.orientation.models import Dispositif, Orientation
from jalon.people.api import AuditedPersonListMixin, PersonListSerializer


QUEUE_ROLES = (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.TERRITORY_MANAGER)
DECISION_ROLES = (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR)


class QueuePersonSerializer(PersonListSerializer):
    right_requested_on = serializers.DateField()

    class Meta(PersonListSerializer.Meta):
        fields = [*PersonListSerializer.Meta.fields, "right_requested_on"]


@extend_schema(tags=["orientation"])
class QueueApi(AuditedPersonListMixin, ListAPIView):
    """Personnes à orienter : soumises aux droits et devoirs, droit ouvert, sans orientation en cours."""

    permission_classes = [departement_staff_permission(*QUEUE_ROLES)]
    serializer_class = QueuePersonSerializer
    audit_screen = "api file des personnes à orienter"

    def get_queryset(self):
        return selectors.orientation_queue(actor=self.request.actor)  # type: ignore[attr-defined]


class OrientationSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name")
    referent = serializers.CharField(source="referent.get_full_name")
    dispositif = serializers.CharField(source="dispositif.name", allow_null=True, default=None)

    class Meta:
        model = Orientation
        fields = [
            "id",
            "person",
            "orientation_type",
            "dispositif",
            "organisation",
            "referent",
            "person_chose_referent",
            "person_agreement",
            "person_comment",
            "decided_on",
            "ended_on",
            "end_reason",
        ]


class PersonOrientationsApi(APIView):
    """L'historique des orientations d'une personne, la plus récente d'abord ; chaque lecture est tracée."""

    permission_classes = [roles_permission(*QUEUE_ROLES, Role.REFERENT)]

    @extend_schema(responses=OrientationSerializer(many=True), tags=["orientation"])
    def get(self, request, pk):
        person = selectors.person_for_decision(actor=request.actor, pk=pk, screen="api orientations d'une personne")
        return Response(OrientationSerializer(selectors.orientation_history(person=person), many=True).data)


class DecideApi(APIView):
    """Enregistre une décision d'orientation (clôt l'orientation en cours) ; mêmes règles que l'écran."""

    permission_classes = [departement_staff_permission(*DECISION_ROLES)]

    class DecisionInputSerializer(serializers.Serializer):
        person = fields.IdField()
        orientation_type = serializers.ChoiceField(choices=OrientationType.choices)
        dispositif = fields.IdField(required=False, allow_null=True)
        organisation = fields.IdField()
        referent = fields.IdField()
        person_chose_referent = serializers.BooleanField(default=False)
        person_agreement = serializers.ChoiceField(choices=PersonAgreement.choices, default=PersonAgreement.NOT_ASKED)
        person_comment = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=DecisionInputSerializer, responses={201: OrientationSerializer}, tags=["orientation"])
    def post(self, request):
        data = self.DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        person = selectors.person_for_decision(
            actor=request.actor, pk=values.pop("person"), screen="api décision d'orientation"
        )
        organisation = Organisation.objects.filter(
            pk=values.pop("organisation"), departement_id=person.departement_id
        ).first()
        referent = User.objects.filter(pk=values.pop("referent")).first()
        dispositif_id = values.pop("dispositif", None)
        dispositif = Dispositif.objects.filter(pk=dispositif_id).first() if dispositif_id else None
        try:
            orientation = services.orientation_decide(
                actor=request.actor,
                person=person,
                organisation=organisation,
                referent=referent,
                dispositif=dispositif,
                **values,
            )
        except ValidationError as error:
            return Response({"errors": error.message_dict}, status=status.HTTP_400_BAD_REQUEST)
        return Response(OrientationSerializer(orientation).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["orientation"])
class CaseloadApi(AuditedPersonListMixin, ListAPIView):
    """Les personnes dont l'utilisateur est le référent de parcours."""

    permission_classes = [roles_permission(Role.REFERENT, Role.ADMINISTRATOR, Role.TERRITORY_MANAGER)]
    serializer_class = PersonListSerializer
    audit_screen = "api portefeuille du référent"

    def get_queryset(self):
        return selectors.caseload(actor=self.request.actor)  # type: ignore[attr-defined]
