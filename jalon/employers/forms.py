from typing import cast

from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.accounts.models import User
from jalon.core.forms import ModelChoiceField, ServiceCheckedForm
from jalon.employers.enums import HireContract, ImmersionObjective, InteractionKind, ReviewOutcome, SizeBand
from jalon.employers.models import Employer
from jalon.territories.models import Commune, Territory


def _date(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)


def _count(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=10_000, required=False, initial=0)


class DirectoryFilterForm(DsfrBaseForm):
    q = forms.CharField(label="Nom, SIRET ou commune", required=False, max_length=100)
    engaged = forms.BooleanField(label="Membres de « Les entreprises s'engagent » seulement", required=False)


class EmployerForm(ServiceCheckedForm):
    service_required = ("siret", "name", "naf_code", "commune")
    # Not required here: the service says what is missing, in the same words as for the API.
    siret = forms.CharField(
        label="SIRET", max_length=20, required=False, help_text="14 chiffres, sur l'avis de situation SIRENE."
    )
    name = forms.CharField(label="Raison sociale ou enseigne", max_length=200, required=False)
    naf_code = forms.CharField(
        label="Code NAF (rév. 2)",
        max_length=8,
        required=False,
        help_text="Par exemple 56.10A (restauration traditionnelle).",
    )
    size_band = forms.ChoiceField(label="Effectif salarié", choices=[("", "—"), *SizeBand.choices], required=False)
    commune = ModelChoiceField(label="Commune", queryset=Commune.objects.none(), required=False)
    address = forms.CharField(label="Adresse", max_length=255, required=False)
    note = forms.CharField(label="Notes", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, departement_id, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["commune"]).queryset = Commune.objects.filter(
            departement_id=departement_id
        ).order_by("name")


class ContactForm(ServiceCheckedForm):
    service_required = ("name",)
    name = forms.CharField(label="Nom", max_length=150, required=False)
    job_title = forms.CharField(label="Fonction", max_length=150, required=False)
    email = forms.CharField(label="Courriel", max_length=254, required=False)
    phone = forms.CharField(label="Téléphone", max_length=20, required=False)


class InteractionForm(ServiceCheckedForm):
    service_required = ("occurred_on", "kind")
    occurred_on = _date("Date", required=False)
    kind = forms.ChoiceField(label="Type d'échange", choices=[("", "—"), *InteractionKind.choices], required=False)
    note = forms.CharField(label="Compte rendu", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CommitmentForm(ServiceCheckedForm):
    service_required = ("year",)
    year = forms.IntegerField(label="Année", required=False)
    immersions_offered = _count("Immersions proposées")
    hires = _count("Recrutements")
    sponsorships = _count("Parrainages")
    job_datings = _count("Job-datings")
    immersions_done = _count("Immersions réalisées (déclarées par l'entreprise)")
    hires_done = _count("Recrutements réalisés (déclarés)")
    sponsorships_done = _count("Parrainages réalisés")
    job_datings_done = _count("Job-datings réalisés")
    note = forms.CharField(label="Précisions", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        return {key: (value or 0) if key not in ("year", "note") else value for key, value in data.items()}


class GroupForm(ServiceCheckedForm):
    service_required = ("name", "commune")
    name = forms.CharField(label="Nom du groupement", max_length=200, required=False)
    siret = forms.CharField(label="SIRET du groupement", max_length=20, required=False)
    sector = forms.CharField(
        label="Secteur", max_length=150, required=False, help_text="Par exemple : agriculture (ANEFA)."
    )
    commune = ModelChoiceField(label="Commune du siège", queryset=Commune.objects.none(), required=False)
    created_on = _date("Constitué le", required=False)
    members = forms.ModelMultipleChoiceField(
        label="Employeurs membres", queryset=Employer.objects.none(), required=False
    )

    def __init__(self, *args, departement_id, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["commune"]).queryset = Commune.objects.filter(
            departement_id=departement_id
        )
        cast(forms.ModelMultipleChoiceField, self.fields["members"]).queryset = Employer.objects.filter(
            departement_id=departement_id
        )


class OfficerForm(ServiceCheckedForm):
    service_required = ("user", "territories")
    user = ModelChoiceField(label="Professionnel(le) du Département", queryset=User.objects.none(), required=False)
    territories = forms.ModelMultipleChoiceField(
        label="Territoires", queryset=Territory.objects.none(), required=False
    )

    def __init__(self, *args, users, departement_id, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = users
        cast(forms.ModelMultipleChoiceField, self.fields["territories"]).queryset = Territory.objects.filter(
            departement_id=departement_id
        )


class ImmersionForm(ServiceCheckedForm):
    service_required = ("employer", "starts_on", "ends_on", "objectives", "job_title")
    employer = ModelChoiceField(label="Entreprise d'accueil", queryset=Employer.objects.none(), required=False)
    starts_on = _date("Début", required=False)
    ends_on = _date("Fin", required=False, help_text="Une immersion dure au plus un mois (30 jours calendaires).")
    objectives = forms.MultipleChoiceField(
        label="Objectifs (un à trois)",
        choices=ImmersionObjective.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    job_title = forms.CharField(label="Métier observé", max_length=150, required=False)
    activities = forms.CharField(label="Activités", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    weekly_hours = forms.DecimalField(label="Heures par semaine", max_digits=4, decimal_places=1, required=False)
    tutor_name = forms.CharField(label="Tuteur ou tutrice", max_length=150, required=False)
    tutor_phone = forms.CharField(label="Téléphone du tuteur", max_length=20, required=False)

    def __init__(self, *args, departement_id, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["employer"]).queryset = Employer.objects.filter(
            departement_id=departement_id
        ).order_by("name")


class TransitionForm(DsfrBaseForm):
    reason = forms.CharField(label="Motif", max_length=255, required=False)
    signed_on = _date("Date de la signature", required=False)


YES_NO = [("", "—"), ("oui", "oui"), ("non", "non")]


class ReviewForm(ServiceCheckedForm):
    service_required = ("outcome",)
    outcome = forms.ChoiceField(label="Bilan", choices=[("", "—"), *ReviewOutcome.choices], required=False)
    last_day_present = _date("Dernier jour de présence (immersion interrompue)", required=False)
    missed_hours = forms.DecimalField(label="Heures manquées", max_digits=5, decimal_places=1, required=False)
    led_to_job = forms.ChoiceField(label="A débouché sur une embauche", choices=YES_NO, required=False)
    hire_contract = forms.ChoiceField(
        label="Contrat proposé", choices=[("", "—"), *HireContract.choices], required=False
    )
    hire_starts_on = _date("Date d'embauche", required=False)
    employer_feedback = forms.CharField(
        label="Appréciation de l'entreprise", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["led_to_job"] = {"oui": True, "non": False}.get(data["led_to_job"])
        return data
