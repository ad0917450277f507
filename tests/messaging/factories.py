import factory

from jalon.messaging.enums import MessageChannel, MessageKind, MessageStatus
from jalon.messaging.models import Message
from tests.people.factories import PersonFactory


def reachable_person(**overrides):
    """A person with an e-mail, a mobile phone and a postal address."""
    values = {
        "civility": "MME",
        "last_name": "Dupont",
        "first_name": "Marie",
        "email": "marie.dupont@exemple.test",
        "phone": "06 12 34 56 78",
        "address": "12 rue des Arènes",
        "address_complement": "Bâtiment B",
        "postal_code": "40000",
        "city": "Mont-de-Marsan",
    }
    values.update(overrides)
    return PersonFactory(**values)


class MessageFactory(factory.django.DjangoModelFactory):
    """A stored message, for screens; sending goes through `message_send`."""

    class Meta:
        model = Message

    person = factory.SubFactory(PersonFactory)
    channel = MessageChannel.EMAIL
    kind = MessageKind.INVITATION
    subject = factory.Sequence(lambda n: f"Invitation n° {n}")
    body = "Bonjour,\n\nVous êtes invitée.\n\nCordialement."
    recipient = "marie.dupont@exemple.test"
    status = MessageStatus.SENT
    backend = "jalon.messaging.backends.EmailBackend"
