from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from jalon.api import fields
from jalon.api.permissions import roles_permission
from jalon.people import selectors
from jalon.people.models import HouseholdMember, Person, RsaRight
from jalon.people.selectors import PERSON_SEARCH_ROLES


class RightSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display")
    suspension_reason_label = serializers.CharField(read_only=True, help_text="libellé CAF du motif de suspension")
    closure_reason_label = serializers.CharField(read_only=True, help_text="libellé CAF du motif de clôture")

    class Meta:
        model = RsaRight
        fields = [
            "state",
            "state_label",
            "request_date",
            "request_number",
            "opening_date",
            "suspension_reason",
            "suspension_reason_label",
            "suspension_date",
            "closure_reason",
            "closure_reason_label",
            "closure_date",
        ]


class MembershipSerializer(serializers.ModelSerializer):
    household_id = serializers.IntegerField()
    organisme = serializers.CharField(source="household.organisme")
    matricule = serializers.CharField(source="household.matricule")
    right = RightSerializer(source="household.right", allow_null=True, default=None)

    class Meta:
        model = HouseholdMember
        fields = [
            "household_id",
            "organisme",
            "matricule",
            "role",
            "subject_to_rights_and_duties",
            "joined_on",
            "left_on",
            "right",
        ]


class PersonListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = [
            "id",
            "last_name",
            "birth_name",
            "first_name",
            "birth_date",
            "sex",
            "commune",
            "internal_id",
            "france_travail_id",
        ]


class AuditedPersonListMixin:
    """For a list endpoint of a `ListAPIView` whose rows show persons: reading a page writes one audit event naming
    the persons of that page (not of the whole query), under `audit_screen`; `audit_person_field` names the
    row's attribute that holds the person's id."""

    audit_screen = ""
    audit_person_field = "pk"

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)  # type: ignore[misc]
        # Without pagination the whole queryset is shown (and its cache serialised): it is what gets named.
        shown = page if page is not None else queryset
        selectors.persons_view_record(
            actor=self.request.actor,  # type: ignore[attr-defined]
            screen=self.audit_screen,
            person_ids=(getattr(row, self.audit_person_field) for row in shown),
        )
        return page


class PersonDetailSerializer(PersonListSerializer):
    nir = serializers.SerializerMethodField(help_text="En clair pour les rôles qui en ont besoin, masqué sinon.")
    households = serializers.SerializerMethodField()

    def get_nir(self, person) -> str:
        return self.context["nir"]

    @extend_schema_field(MembershipSerializer(many=True))
    def get_households(self, person):
        return MembershipSerializer(self.context["memberships"], many=True).data

    class Meta(PersonListSerializer.Meta):
        fields = [
            *PersonListSerializer.Meta.fields,
            "nir",
            "address",
            "postal_code",
            "city",
            "homeless",
            "phone",
            "email",
            "households",
        ]


class PersonSearchFilter(serializers.Serializer):
    name = serializers.CharField(required=False, default="")
    birth_date = fields.DateField(required=False, default=None)
    nir = serializers.CharField(required=False, default="", max_length=20)
    matricule = serializers.CharField(required=False, default="")
    internal_id = serializers.CharField(required=False, default="")


@extend_schema(parameters=[PersonSearchFilter], tags=["personnes"])
class PersonListApi(ListAPIView):
    """Personnes visibles par l'utilisateur, filtrées par nom, date de naissance, NIR, matricule ou identifiant."""

    permission_classes = [roles_permission(*PERSON_SEARCH_ROLES)]
    serializer_class = PersonListSerializer

    def get_queryset(self):
        filters = PersonSearchFilter(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.person_search(
            actor=self.request.actor,  # type: ignore[attr-defined]
            screen="api recherche de personnes",
            **filters.validated_data,
        )


class PersonDetailApi(APIView):
    """Le dossier d'une personne ; chaque lecture est tracée dans le journal d'audit."""

    permission_classes = [roles_permission(*PERSON_SEARCH_ROLES)]

    @extend_schema(responses=PersonDetailSerializer, tags=["personnes"])
    def get(self, request, pk):
        person_file = selectors.person_file_open(actor=request.actor, pk=pk, with_panels=False)
        context = {"nir": person_file.nir_display, "memberships": person_file.memberships}
        return Response(PersonDetailSerializer(person_file.person, context=context).data)


class HouseholdDetailApi(APIView):
    """Un foyer allocataire : son droit au RSA et ses membres visibles par l'utilisateur ; lecture tracée."""

    permission_classes = [roles_permission(*PERSON_SEARCH_ROLES)]

    class HouseholdSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        organisme = serializers.CharField()
        matricule = serializers.CharField()
        right = RightSerializer(allow_null=True)
        members = serializers.ListField(child=serializers.DictField())

    @extend_schema(responses=HouseholdSerializer, tags=["foyers"])
    def get(self, request, pk):
        household, members, _events = selectors.household_open(actor=request.actor, pk=pk)
        return Response(
            {
                "id": household.pk,
                "organisme": household.organisme,
                "matricule": household.matricule,
                "right": RightSerializer(getattr(household, "right", None)).data
                if hasattr(household, "right")
                else None,
                "members": [
                    {
                        "person_id": m.person_id,
                        "role": m.role,
                        "subject_to_rights_and_duties": m.subject_to_rights_and_duties,
                        "joined_on": m.joined_on,
                        "left_on": m.left_on,
                    }
                    for m in members
                ],
            }
        )
