from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.inbox.enums import NotificationKind, ReadState


class InboxFilterForm(DsfrBaseForm):
    kind = forms.ChoiceField(label="Nature", required=False, choices=[("", "Toutes"), *NotificationKind.choices])
    state = forms.ChoiceField(label="État", required=False, choices=[("", "Toutes"), *ReadState.choices])


class InboxPreferenceForm(DsfrBaseForm):
    daily_digest = forms.BooleanField(
        label="Recevoir un récapitulatif quotidien par e-mail",
        required=False,
        help_text="Un e-mail par jour au plus, quand de nouvelles notifications vous attendent : leur nombre par "
        "nature et un lien vers Jalon, jamais le nom d'une personne.",
    )
