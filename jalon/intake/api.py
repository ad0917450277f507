from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from jalon.api.permissions import departement_staff_permission
from jalon.core.enums import Role
from jalon.intake import selectors, services
from jalon.intake.forms import FluxUploadForm
from jalon.intake.models import ImportRun


class ImportRunSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "kind",
            "status",
            "status_label",
            "file_name",
            "file_size",
            "file_sha256",
            "created_at",
            "started_at",
            "finished_at",
            "bytes_done",
            "households_created",
            "households_updated",
            "households_unchanged",
            "persons_created",
            "persons_updated",
            "rejected",
            "duplicates_found",
            "events_created",
            "error",
            "other_departement_allowed",
        ]


class FluxUploadApi(APIView):
    """Dépose un flux CAF/MSA ; l'import se fait en tâche de fond (suivre son avancement sur l'URL renvoyée)."""

    permission_classes = [departement_staff_permission(Role.ADMINISTRATOR)]
    parser_classes = [MultiPartParser]

    class FluxUploadSerializer(serializers.Serializer):
        file = serializers.FileField()

    @extend_schema(
        request={"multipart/form-data": FluxUploadSerializer}, responses={202: ImportRunSerializer}, tags=["imports"]
    )
    def post(self, request):
        # The same checks as the screen's form, so both refuse the same files with the same words.
        form = FluxUploadForm(files=request.FILES)
        if not form.is_valid():
            return Response({"errors": form.errors}, status=status.HTTP_400_BAD_REQUEST)
        run = services.caf_flux_upload(actor=request.actor, uploaded_file=form.cleaned_data["file"])
        return Response(ImportRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class ImportRunDetailApi(APIView):
    """Un import : son état et ses comptes (foyers, personnes, rejets, doublons possibles, événements)."""

    permission_classes = [departement_staff_permission(Role.ADMINISTRATOR)]

    @extend_schema(responses=ImportRunSerializer, tags=["imports"])
    def get(self, request, pk):
        return Response(ImportRunSerializer(selectors.import_run_get(actor=request.actor, pk=pk)).data)
