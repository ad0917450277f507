from typing import cast

from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.core.forms import ServiceCheckedForm
from jalon.offer.models import Service
from jalon.offer.referrals.models import AbandonReason, ReferralStatus, RefusalReason


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.structure.name}"


class ReferralForm(ServiceCheckedForm):
    # Without the person's consent the service refuses the referral, with its own words.
    service_required = ("consent_given",)
    version = forms.IntegerField(widget=forms.HiddenInput)
    service = ServiceChoiceField(
        label="Service",
        queryset=Service.objects.none(),
        empty_label="Choisissez un service",
        help_text="Les services publiés ouverts à la commune de la personne.",
    )
    message = forms.CharField(
        label="Message au service",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Pourquoi vous orientez la personne vers ce service.",
    )
    shared_information = forms.CharField(
        label="Informations transmises au service",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Seulement ce dont le service a besoin (disponibilités, moyens de contact, situation utile).",
    )
    consent_given = forms.BooleanField(
        label="La personne a donné son accord pour que ces informations, son nom et ses coordonnées soient transmis "
        "au service",
        required=False,
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["service"]).queryset = services


class StatusFilterForm(DsfrBaseForm):
    status = forms.ChoiceField(label="Statut", choices=[("", "Tous")] + list(ReferralStatus.choices), required=False)


class _ReasonForm(DsfrBaseForm):
    reason_details = forms.CharField(
        label="Précisions", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class RefuseForm(_ReasonForm):
    reason = forms.ChoiceField(label="Motif du refus", choices=RefusalReason.choices)
    field_order = ["reason", "reason_details"]


class AbandonForm(_ReasonForm):
    reason = forms.ChoiceField(label="Motif de l'abandon", choices=AbandonReason.choices)
    field_order = ["reason", "reason_details"]


class WithdrawForm(_ReasonForm):
    pass


class ConfirmForm(DsfrBaseForm):
    """Accept, start, complete: a button, nothing to fill."""


ACTION_FORMS: dict[str, type[DsfrBaseForm]] = {
    "accept": ConfirmForm,
    "refuse": RefuseForm,
    "start": ConfirmForm,
    "complete": ConfirmForm,
    "abandon": AbandonForm,
    "withdraw": WithdrawForm,
}
ACTION_LABELS = {
    "accept": "Accepter l'orientation",
    "refuse": "Refuser l'orientation",
    "start": "Noter le début de l'accompagnement",
    "complete": "Noter la fin de l'accompagnement",
    "abandon": "Noter un abandon",
    "withdraw": "Retirer l'orientation",
}
