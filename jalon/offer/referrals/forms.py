from typing import cast

from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.core.forms import FilteredSelect, ModelChoiceField, ServiceCheckedForm
from jalon.offer.models import Service, Structure
from jalon.offer.referrals.models import AbandonReason, ReferralStatus, RefusalReason


def _place(name: str, commune: str) -> str:
    return f"{name} ({commune})" if commune else name


def service_labels(services) -> dict[int, str]:
    """« service — structure (commune) » for each service, the commune where it is held (else its structure's);
    two services that would still read the same are told apart by their number."""
    labels = {}
    for service in services:
        structure = service.structure
        labels[service.pk] = (
            f"{service.name} — {_place(structure.name, service.commune_name or structure.commune_name)}"
        )
    seen: dict[str, int] = {}
    for label in labels.values():
        seen[label] = seen.get(label, 0) + 1
    return {pk: f"{label} — n° {pk}" if seen[label] > 1 else label for pk, label in labels.items()}


class ReferralForm(ServiceCheckedForm):
    # Without the person's consent the service refuses the referral, with its own words.
    service_required = ("consent_given",)
    version = forms.IntegerField(widget=forms.HiddenInput)
    structure = ModelChoiceField(
        label="Structure",
        queryset=Structure.objects.none(),
        required=False,
        empty_label="Toutes les structures",
        help_text="Choisissez la structure : la liste des services se limite aux siens.",
    )
    service = ModelChoiceField(
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
        # The services by name, then structure and place: the select reads as a sorted list, each option distinct.
        services = services.select_related("structure").order_by(
            "name", "structure__name", "commune_name", "structure__commune_name", "pk"
        )
        offered = list(services)
        labels = service_labels(offered)
        field = cast(forms.ModelChoiceField, self.fields["service"])
        field.queryset = services
        field.label_from_instance = lambda service: labels.get(service.pk, service.name)  # type: ignore[method-assign]
        field.widget = FilteredSelect(
            filtered_by="structure", groups={service.pk: [service.structure_id] for service in offered}
        )
        field.widget.choices = field.choices
        structures = cast(forms.ModelChoiceField, self.fields["structure"])
        structures.queryset = Structure.objects.filter(pk__in={service.structure_id for service in offered}).order_by(
            "name", "commune_name", "pk"
        )
        structures.label_from_instance = lambda structure: _place(structure.name, structure.commune_name)  # type: ignore[method-assign]
        preselected = next((s for s in offered if str(s.pk) == str(self.initial.get("service"))), None)
        if preselected is not None:
            self.initial.setdefault("structure", preselected.structure_id)

    def clean(self):
        cleaned = super().clean()
        structure, service = cleaned.get("structure"), cleaned.get("service")
        if structure is not None and service is not None and service.structure_id != structure.pk:
            self.add_error("service", f"« {service.name} » n'est pas un service de {structure.name}.")
        return cleaned

    def service_fields(self) -> dict:
        """What `referral_send` takes: the structure only narrows the list of services."""
        return {name: value for name, value in self.cleaned_data.items() if name != "structure"}


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
