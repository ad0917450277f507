from django.db import models


class CommitmentKind(models.TextChoices):
    STAFF = "etp", "personnel (ETP)"
    MONEY = "euros", "financement (€)"
    PLACES = "places", "places"
    HOURS = "heures", "heures"
    OTHER = "autre", "autre"


# The unit a kind is counted in when the signatory does not write its own (places and others name theirs).
DEFAULT_UNITS = {
    CommitmentKind.STAFF: "ETP",
    CommitmentKind.MONEY: "€",
    CommitmentKind.HOURS: "heures",
}
