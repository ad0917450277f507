from typing import cast

from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.core.forms import ModelChoiceField, ServiceCheckedForm
from jalon.employers.models import Employer
from jalon.employment.enums import (
    CertificationLevel,
    OfferContract,
    OfferStatus,
    PositioningStatus,
    TrainingFunding,
    TrainingOutcome,
)
from jalon.notebook.models import RomeAppellation
from jalon.territories.models import Commune


def _date(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)


class CommuneField(forms.CharField):
    """A commune typed by its INSEE code (5 characters), as the other screens of Jalon take it."""

    def clean(self, value):
        value = (super().clean(value) or "").strip()
        if not value:
            return None
        commune = Commune.objects.filter(code=value.upper()).first()
        if commune is None:
            raise forms.ValidationError(f"Commune inconnue : {value} (code INSEE à 5 caractères).")
        return commune


class AppellationField(forms.CharField):
    """The ROME appellation, by its OGR code or its exact label (the carnet's ROME search lists them)."""

    def clean(self, value):
        value = (super().clean(value) or "").strip()
        if not value:
            return None
        found = RomeAppellation.objects.filter(code=value).first() or (
            RomeAppellation.objects.filter(label__iexact=value, active=True).first()
        )
        if found is None:
            raise forms.ValidationError(f"Métier introuvable dans le ROME : « {value} ».")
        return found


class OfferForm(ServiceCheckedForm):
    service_required = ("appellation", "contract", "weekly_hours", "commune", "published_on", "positions")
    # Not required here: the service says what is missing, in the same words as for the API.
    employer = ModelChoiceField(
        label="Employeur de l'annuaire",
        queryset=Employer.objects.none(),
        required=False,
        help_text="Son nom, son SIRET et sa commune sont repris ; sinon, saisissez-les ci-dessous.",
    )
    employer_name = forms.CharField(label="Employeur (s'il n'est pas dans l'annuaire)", required=False, max_length=200)
    employer_siret = forms.CharField(label="SIRET de l'employeur", required=False, max_length=20)
    employer_commune = CommuneField(label="Commune de l'employeur (code INSEE)", required=False)
    appellation = AppellationField(
        label="Métier (appellation ROME)",
        required=False,
        help_text="Le libellé exact d'une appellation du ROME (par exemple « Cariste ») ou son code OGR.",
    )
    title = forms.CharField(label="Intitulé de l'offre", required=False, max_length=200)
    contract = forms.ChoiceField(label="Type de contrat", choices=[("", "—"), *OfferContract.choices], required=False)
    duration_months = forms.IntegerField(label="Durée du contrat (mois)", required=False, min_value=0)
    weekly_hours = forms.DecimalField(label="Heures par semaine", required=False, max_digits=4, decimal_places=1)
    commune = CommuneField(label="Lieu de travail (code INSEE de la commune)", required=False)
    description = forms.CharField(
        label="Description du poste", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    published_on = _date("Publiée le", required=False)
    fill_by = _date("À pourvoir avant le", required=False)
    positions = forms.IntegerField(label="Nombre de postes", required=False, min_value=0, initial=1)
    social_clause = forms.BooleanField(label="Clause sociale d'insertion", required=False)
    in_tension = forms.BooleanField(label="Métier en tension", required=False)
    status = forms.ChoiceField(label="Statut", choices=OfferStatus.choices, required=False)

    def __init__(self, *args, employers, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["employer"]).queryset = employers
        if not editing:
            del self.fields["status"]


class OfferSearchForm(DsfrBaseForm):
    rome = forms.CharField(label="Métier ou code ROME", required=False, max_length=100)
    commune = CommuneField(label="Commune (code INSEE)", required=False)
    status = forms.ChoiceField(
        label="Statut", choices=[("", "toutes"), *OfferStatus.choices], required=False, initial=OfferStatus.OPEN
    )


class AdvanceForm(ServiceCheckedForm):
    service_required = ("status", "on")
    status = forms.ChoiceField(label="Nouveau statut", choices=PositioningStatus.choices, required=False)
    on = _date("Le", required=False)
    comment = forms.CharField(label="Commentaire", required=False, max_length=255)

    def __init__(self, *args, next_statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            (status, PositioningStatus(status).label) for status in next_statuses
        ]


class DismissForm(ServiceCheckedForm):
    service_required = ("reason",)
    reason = forms.CharField(
        label="Pourquoi le parcours continue",
        required=False,
        max_length=255,
        help_text="Par exemple : contrat court, cumul du RSA et d'un emploi saisonnier.",
    )


class TrainingForm(ServiceCheckedForm):
    service_required = ("provider", "title", "starts_on", "funding")
    provider = forms.CharField(label="Organisme de formation", required=False, max_length=200)
    title = forms.CharField(label="Intitulé de la formation", required=False, max_length=200)
    certifying = forms.BooleanField(label="Formation certifiante (qualifiante)", required=False)
    level = forms.ChoiceField(
        label="Niveau de la certification", choices=[("", "—"), *CertificationLevel.choices], required=False
    )
    starts_on = _date("Entrée en formation le", required=False)
    ends_on = _date("Fin prévue le", required=False)
    funding = forms.ChoiceField(label="Financement", choices=[("", "—"), *TrainingFunding.choices], required=False)


class OutcomeForm(ServiceCheckedForm):
    service_required = ("outcome", "outcome_on")
    outcome = forms.ChoiceField(
        label="Issue",
        choices=[("", "—"), *[(v, label) for v, label in TrainingOutcome.choices if v]],
        required=False,
    )
    outcome_on = _date("Le", required=False)
