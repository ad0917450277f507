from typing import cast

from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.core.forms import ModelChoiceField, ServiceCheckedForm
from jalon.employers.models import Employer
from jalon.exits.enums import EmployerAssessment, EmployerConcern, EmployerSupport, EmploymentContract
from jalon.exits.models import ExitType
from jalon.exits.selectors import FILTERS


def _date(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)


CONTRACTS = [("", "—"), *EmploymentContract.choices]
YES_NO = [("", "—"), ("oui", "oui"), ("non", "non")]


def _yes_no(value: str) -> bool | None:
    return {"oui": True, "non": False}.get(value)


class ExitForm(ServiceCheckedForm):
    service_required = ("exit_type", "exited_on")
    # Not required here: the service says what is missing, in the same words as for the API.
    exit_type = ModelChoiceField(label="Type de sortie", queryset=ExitType.objects.none(), required=False)
    exited_on = _date("Date de sortie", required=False)
    reason = forms.CharField(label="Motif et précisions", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    evidence = forms.CharField(
        label="Justificatif",
        required=False,
        max_length=2000,
        help_text="La pièce vue : contrat de travail, attestation d'entrée en formation, courrier…",
    )
    contract = forms.ChoiceField(label="Contrat signé", choices=CONTRACTS, required=False)
    job_title = forms.CharField(label="Poste", required=False, max_length=150)
    employer = ModelChoiceField(
        label="Employeur de l'annuaire",
        queryset=Employer.objects.none(),
        required=False,
        help_text="Choisissez l'établissement s'il est dans l'annuaire : son nom et son SIRET sont repris.",
    )
    employer_name = forms.CharField(
        label="Employeur (s'il n'est pas dans l'annuaire)",
        required=False,
        max_length=200,
        help_text="Obligatoire pour une sortie vers l'emploi (l'entreprise créée pour une création).",
    )
    employer_siret = forms.CharField(label="SIRET de l'employeur", required=False, max_length=20)

    def __init__(self, *args, exit_types, employers=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["exit_type"]).queryset = exit_types
        if employers is not None:
            cast(forms.ModelChoiceField, self.fields["employer"]).queryset = employers


class ReopenForm(ServiceCheckedForm):
    service_required = ("reason",)
    reason = forms.CharField(
        label="Pourquoi le parcours est rouvert",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Par exemple : fin du contrat, la personne revient vers son référent.",
    )


class DismissForm(ServiceCheckedForm):
    service_required = ("reason",)
    reason = forms.CharField(label="Pourquoi le parcours continue", required=False, max_length=255)


class CheckpointForm(ServiceCheckedForm):
    service_required = ("done_on", "still_employed")
    done_on = _date("Date du point", required=False)
    still_employed = forms.ChoiceField(label="Toujours en emploi", choices=YES_NO, required=False)
    same_employer = forms.ChoiceField(label="Chez le même employeur", choices=YES_NO, required=False)
    contract = forms.ChoiceField(label="Contrat", choices=CONTRACTS, required=False)
    rupture_on = _date("Fin du contrat le", required=False)
    rupture_reason = forms.CharField(label="Motif de la fin du contrat", required=False, max_length=255)
    in_trial_period = forms.BooleanField(label="Rupture pendant la période d'essai", required=False)
    comment = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["still_employed"] = _yes_no(data["still_employed"])
        data["same_employer"] = _yes_no(data["same_employer"])
        return data


class EmployerFeedbackForm(ServiceCheckedForm):
    service_required = ("given_on", "assessment")
    given_on = _date("Date de l'échange", required=False)
    contact = forms.CharField(label="Interlocuteur chez l'employeur", required=False, max_length=150)
    assessment = forms.ChoiceField(
        label="Appréciation de l'employeur", choices=[("", "—"), *EmployerAssessment.choices], required=False
    )
    concerns = forms.MultipleChoiceField(
        label="Difficultés relevées",
        choices=EmployerConcern.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    supports = forms.MultipleChoiceField(
        label="Ce que l'employeur met en place",
        choices=EmployerSupport.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(label="Compte rendu", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class FollowUpFilterForm(DsfrBaseForm):
    which = forms.ChoiceField(label="Points", choices=list(FILTERS.items()), required=False)
