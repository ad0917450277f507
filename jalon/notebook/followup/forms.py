from typing import cast

from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.core.forms import ModelChoiceField
from jalon.messaging.enums import MessageChannel
from jalon.notebook.enums import ContactKind, ContractEndReason, HoursReductionReason
from jalon.notebook.models import Action, Appointment, ContractType, Objective
from jalon.orientation.enums import Attendance, SessionMode


def _date(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)


def _moment(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )


class VersionedForm(DsfrBaseForm):
    """Carries the carnet's version the page was loaded with (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ContractForm(VersionedForm):
    contract_type = ModelChoiceField(label="Type de contrat", queryset=ContractType.objects.none())
    starts_on = _date("Début")
    ends_on = _date("Fin", required=False, help_text="Laissez vide pour la durée habituelle du type de contrat.")
    objectives = forms.ModelMultipleChoiceField(
        label="Objectifs du contrat",
        queryset=Objective.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # The contrat d'engagement only (ignored for the other types).
    actions = forms.ModelMultipleChoiceField(
        label="Plan d'action (contrat d'engagement)",
        queryset=Action.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    weekly_hours = forms.IntegerField(
        label="Heures d'activité par semaine (contrat d'engagement)",
        required=False,
        min_value=0,
        max_value=60,
        help_text="Laissez vide pour le minimum légal (15 heures).",
    )
    hours_reduction_reason = forms.ChoiceField(
        label="Motif de la réduction ou de la dispense",
        choices=[("", "Pas de réduction")] + list(HoursReductionReason.choices),
        required=False,
    )
    hours_reduction_note = forms.CharField(label="Précision sur la réduction", max_length=255, required=False)
    hours_decided_on = _date("Réduction décidée le", required=False)

    def __init__(self, *args, contract_types, objectives, actions=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["contract_type"]).queryset = contract_types
        cast(forms.ModelMultipleChoiceField, self.fields["objectives"]).queryset = objectives
        if actions is not None:
            cast(forms.ModelMultipleChoiceField, self.fields["actions"]).queryset = actions


class ContractSignForm(VersionedForm):
    signed_on = _date("Signé le")
    signed_by_person = forms.BooleanField(
        label="La personne a signé le contrat",
        error_messages={
            "required": "Le contrat n'est signé qu'avec la signature de la personne : cochez-la une fois recueillie."
        },
    )


class ContractEndForm(VersionedForm):
    ended_on = _date("Terminé le")
    reason = forms.ChoiceField(label="Motif", choices=[("", "Choisissez un motif")] + list(ContractEndReason.choices))
    note = forms.CharField(label="Précision", max_length=255, required=False)


class ContractAmendForm(VersionedForm):
    ends_on = _date("Nouvelle date de fin")
    objectives = forms.ModelMultipleChoiceField(
        label="Objectifs du contrat après l'avenant",
        queryset=Objective.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(label="Objet de l'avenant", max_length=255)
    # The contrat d'engagement only: the weekly activity hours revised, with their reduction decision.
    weekly_hours = ContractForm.base_fields["weekly_hours"]
    hours_reduction_reason = ContractForm.base_fields["hours_reduction_reason"]
    hours_reduction_note = ContractForm.base_fields["hours_reduction_note"]
    hours_decided_on = ContractForm.base_fields["hours_decided_on"]

    def __init__(self, *args, objectives, carries_hours: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["objectives"]).queryset = objectives
        if not carries_hours:
            for name in ("weekly_hours", "hours_reduction_reason", "hours_reduction_note", "hours_decided_on"):
                del self.fields[name]


class ContractRenewForm(VersionedForm):
    ends_on = _date("Fin du nouveau contrat", required=False, help_text="Laissez vide pour la durée habituelle.")


class AppointmentForm(VersionedForm):
    starts_at = _moment("Début")
    ends_at = _moment("Fin")
    mode = forms.ChoiceField(label="Modalité", choices=SessionMode.choices)
    place = forms.CharField(label="Lieu", max_length=255, required=False)
    purpose = forms.CharField(label="Objet", max_length=255, required=False)
    channels = forms.MultipleChoiceField(
        label="Envoyer l'invitation par",
        choices=MessageChannel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        initial=[MessageChannel.EMAIL],
    )


class AttendanceForm(VersionedForm):
    attendance = forms.ChoiceField(label="Présence", choices=Attendance.choices, widget=forms.RadioSelect)


class CancelForm(VersionedForm):
    pass


class ContactForm(VersionedForm):
    occurred_on = _date("Date du contact")
    kind = forms.ChoiceField(label="Type de contact", choices=ContactKind.choices)
    summary = forms.CharField(label="Résumé", widget=forms.Textarea(attrs={"rows": 4}))
    appointment = ModelChoiceField(label="Rendez-vous concerné", queryset=Appointment.objects.none(), required=False)

    def __init__(self, *args, appointments, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["appointment"]).queryset = appointments
