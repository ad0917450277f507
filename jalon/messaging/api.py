from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView

from jalon.api.permissions import roles_permission
from jalon.messaging import selectors
from jalon.messaging.enums import MessageChannel, MessageStatus
from jalon.messaging.models import Message
from jalon.messaging.selectors import MESSAGE_READER_ROLES


class MessageSerializer(serializers.ModelSerializer):
    channel_label = serializers.CharField(source="get_channel_display")
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")
    organisation = serializers.CharField(source="organisation.name", allow_null=True, default=None)
    sent_by = serializers.CharField(source="created_by.get_full_name", allow_null=True, default=None)
    letter_url = serializers.SerializerMethodField(help_text="Le courrier à imprimer (PDF), pour un courrier.")

    def get_letter_url(self, message) -> str | None:
        if message.channel != MessageChannel.LETTER or message.status == MessageStatus.FAILED:
            return None
        return reverse("messaging:letter", args=[message.pk])

    class Meta:
        model = Message
        fields = [
            "id",
            "created_at",
            "sent_at",
            "channel",
            "channel_label",
            "kind",
            "kind_label",
            "subject",
            "body",
            "recipient",
            "status",
            "status_label",
            "error",
            "organisation",
            "sent_by",
            "letter_url",
        ]


@extend_schema(tags=["messages"])
class PersonMessagesApi(ListAPIView):
    """Les messages (e-mails, SMS, courriers) envoyés à une personne, les plus récents d'abord ; chaque lecture
    est tracée dans le journal d'audit."""

    permission_classes = [roles_permission(*MESSAGE_READER_ROLES)]
    serializer_class = MessageSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, no actor
            return Message.objects.none()
        _person, messages = selectors.person_messages_open(
            actor=self.request.actor,  # type: ignore[attr-defined]
            person_pk=self.kwargs["pk"],
        )
        return messages
