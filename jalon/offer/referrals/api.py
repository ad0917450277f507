"""The referrals for partner systems: a carnet's referrals (list, send), the referrals the actor's structure
received, a change of status. Same reach and rules as the screens: `notebook_access` and the referral selectors
(404 outside), the referral services (which audit every write); reading a carnet's referrals is audited."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from jalon.api import fields
from jalon.api.errors import service_error_response
from jalon.api.permissions import roles_permission
from jalon.core.enums import Role
from jalon.notebook.access import notebook_access
from jalon.notebook.models import Notebook
from jalon.offer.models import Service
from jalon.offer.referrals import selectors, services
from jalon.offer.referrals.models import REASON_CHOICES, Referral, ReferralStatus
from jalon.people.selectors import person_view_record


READER_ROLES = (Role.REFERENT, Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.PARTNER, Role.TERRITORY_MANAGER)
TAGS = ["orientations vers l'offre"]


class ReferralSerializer(serializers.ModelSerializer):
    service_name = serializers.CharField(source="service.name")
    structure = serializers.IntegerField(source="structure_id")
    structure_name = serializers.CharField(source="structure.name")
    sender_organisation = serializers.CharField(source="sender_organisation.name")

    class Meta:
        model = Referral
        fields = [
            "id",
            "service",
            "service_name",
            "structure",
            "structure_name",
            "sender_organisation",
            "status",
            "reason",
            "reason_details",
            "sent_at",
            "answered_at",
            "started_at",
            "ended_at",
            "message",
            "shared_information",
            "consent_recorded_at",
        ]


class NotebookReferralsApi(APIView):
    """Les orientations vers l'offre du carnet d'une personne (lecture tracée) ; envoi d'une orientation, avec le
    consentement de la personne. 404 hors de portée."""

    def get_permissions(self):
        roles = READER_ROLES if self.request.method == "GET" else selectors.ACTING_ROLES
        return [roles_permission(*roles)()]

    class ReferralInputSerializer(serializers.Serializer):
        service = fields.IdField()
        message = serializers.CharField(required=False, allow_blank=True, default="")
        shared_information = serializers.CharField(required=False, allow_blank=True, default="")
        consent_given = serializers.BooleanField(help_text="accord de la personne au partage : obligatoire")
        version = fields.model_integer_field(
            Notebook,
            "version",
            required=False,
            allow_null=True,
            default=None,
            help_text="version du carnet lue avant l'écriture",
        )

    @extend_schema(responses=ReferralSerializer(many=True), tags=TAGS)
    def get(self, request, pk):
        access = notebook_access(actor=request.actor, person_pk=pk)
        person_view_record(actor=request.actor, person=access.notebook.person, screen="api orientations vers l'offre")
        referrals = selectors.referrals_of_notebook(notebook=access.notebook)
        return Response(ReferralSerializer(referrals, many=True).data)

    @extend_schema(request=ReferralInputSerializer, responses={201: ReferralSerializer}, tags=TAGS)
    def post(self, request, pk):
        access = notebook_access(actor=request.actor, person_pk=pk)
        if not access.can_write:
            raise NotFound()
        data = self.ReferralInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        service = Service.objects.filter(pk=values.pop("service")).first()
        if service is None:
            return Response({"errors": {"service": ["Service inconnu."]}}, status=400)
        try:
            referral = services.referral_send(actor=request.actor, notebook=access.notebook, service=service, **values)
        except ValidationError as error:
            return service_error_response(error)
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)


class ReceivedReferralsApi(APIView):
    """Les orientations reçues par la structure de l'utilisateur, filtrables par statut : sans l'identité des
    personnes, qui ne se lit que sur l'écran de l'orientation (lecture tracée)."""

    permission_classes = [roles_permission(*selectors.ACTING_ROLES, partner_admin=True)]

    @extend_schema(
        parameters=[OpenApiParameter("statut", str, enum=ReferralStatus.values, required=False)],
        responses=ReferralSerializer(many=True),
        tags=TAGS,
    )
    def get(self, request):
        wanted = request.query_params.get("statut") or None
        if wanted is not None and wanted not in ReferralStatus.values:
            return Response({"errors": {"statut": ["Statut inconnu."]}}, status=400)
        referrals = selectors.referrals_received(actor=request.actor, status=wanted)[:500]
        return Response(ReferralSerializer(referrals, many=True).data)


class ReferralStatusApi(APIView):
    """Fait avancer une orientation : accepter, refuser (motif), noter le début, la fin, un abandon (motif) — par
    la structure qui la reçoit — ou la retirer tant qu'elle est sans réponse — par la structure qui l'a envoyée.
    Une étape sautée ou venant d'une autre structure est refusée (400, message en français)."""

    permission_classes = [roles_permission(*selectors.ACTING_ROLES, partner_admin=True)]

    class StatusInputSerializer(serializers.Serializer):
        action = serializers.ChoiceField(choices=list(services.TRANSITIONS))
        reason = serializers.ChoiceField(choices=REASON_CHOICES, required=False, allow_blank=True, default="")
        reason_details = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=StatusInputSerializer, responses={200: ReferralSerializer}, tags=TAGS)
    def post(self, request, pk):
        referral = selectors.referral_get(actor=request.actor, pk=pk)
        data = self.StatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            referral = services.referral_status_change(actor=request.actor, referral=referral, **data.validated_data)
        except ValidationError as error:
            return service_error_response(error)
        return Response(ReferralSerializer(referral).data)
