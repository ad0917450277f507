from datetime import date
from typing import cast

from django import forms
from django.db.models import QuerySet
from dsfr.forms import DsfrBaseForm

from jalon.core.forms import DayInput, ModelChoiceField
from jalon.orientation.delays.services import MAX_DAYS
from jalon.orientation.enums import DelayStep
from jalon.territories.models import Territory


class _TerritoryChoiceMixin:
    fields: dict

    def _limit_territories(self, territories) -> None:
        cast(forms.ModelChoiceField, self.fields["territoire"]).queryset = territories


class DelaysFilterForm(_TerritoryChoiceMixin, DsfrBaseForm):
    etape = forms.ChoiceField(label="Étape", choices=DelayStep.choices, required=False)
    territoire: forms.ModelChoiceField = ModelChoiceField(
        label="Territoire", queryset=Territory.objects.none(), required=False, empty_label="Tous mes territoires"
    )

    def __init__(self, data=None, *args, territories, **kwargs):
        if data is not None and not data.get("etape"):
            data = data.copy()  # the list shows the orientation step by default: the select says so
            data["etape"] = DelayStep.ORIENTATION
        super().__init__(data, *args, initial={"etape": DelayStep.ORIENTATION}, **kwargs)
        self._limit_territories(territories)

    @property
    def step(self) -> str:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("etape") or DelayStep.ORIENTATION

    @property
    def territory_id(self):
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return getattr(data.get("territoire"), "pk", None)


ALERT_SCOPES = [
    ("", "Toutes celles que je peux voir"),
    ("structure", "Adressées à ma structure"),
    ("moi", "Adressées à moi"),
]


class AlertFilterForm(_TerritoryChoiceMixin, DsfrBaseForm):
    etape = forms.ChoiceField(label="Étape", choices=[("", "Toutes"), *DelayStep.choices], required=False)
    territoire: forms.ModelChoiceField = ModelChoiceField(
        label="Territoire", queryset=Territory.objects.none(), required=False, empty_label="Tous"
    )
    destinataire = forms.ChoiceField(label="Destinataire", choices=ALERT_SCOPES, required=False)

    def __init__(self, *args, territories, with_scope: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_territories(territories)
        if not with_scope:
            del self.fields["destinataire"]

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "step": data.get("etape", ""),
            "territory_id": getattr(data.get("territoire"), "pk", None),
            "scope": data.get("destinataire", ""),
        }


class AlertCloseForm(DsfrBaseForm):
    reason = forms.CharField(
        label="Ce qui a été fait",
        help_text="Par exemple : rendez-vous fixé au 12/03, personne injoignable, contrat signé hors Jalon.",
        max_length=255,
    )


def _days_field(label: str, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1, max_value=MAX_DAYS, help_text=help_text)


class ThresholdsForm(DsfrBaseForm):
    invitation_days = _days_field("Première invitation sous (jours après la demande du droit)")
    orientation_days = _days_field(
        "Orientation sous (jours après la demande du droit)", "Six semaines (42 jours) selon le décret n° 2024-1244."
    )
    first_appointment_days = _days_field("Premier rendez-vous avec le référent sous (jours après l'orientation)")
    contract_days = _days_field("Contrat d'engagement signé sous (jours après l'orientation)")
    joint_diagnostic_days = _days_field(
        "Diagnostic conjoint du parcours social sous (jours après l'orientation sociale)", "Six mois : 183 jours."
    )
    joint_diagnostic_extended_days = _days_field(
        "Diagnostic conjoint prolongé sous (jours après l'orientation sociale)",
        "Douze mois (365 jours) pour une personne en situation de vulnérabilité ou de difficultés particulières.",
    )
    transition_days = _days_field(
        "Contrat d'engagement des personnes accompagnées avant 2025 sous (jours après le 1er janvier 2025)",
        "Deux ans : 730 jours, soit jusqu'au 1er janvier 2027.",
    )
    reminder_days_before = _days_field("Relance des personnes invitées (jours avant la séance)")

    def clean(self):
        cleaned = super().clean()
        invitation, orientation = cleaned.get("invitation_days"), cleaned.get("orientation_days")
        if invitation and orientation and orientation < invitation:
            self.add_error(
                "orientation_days",
                "Le délai d'orientation ne peut pas être plus court que celui de la première invitation.",
            )
        appointment, contract = cleaned.get("first_appointment_days"), cleaned.get("contract_days")
        if appointment and contract and contract < appointment:
            self.add_error(
                "contract_days", "Le délai du contrat ne peut pas être plus court que celui du premier rendez-vous."
            )
        return cleaned


def _twelve_months_ago(today: date) -> date:
    year, month = (today.year, today.month - 11) if today.month > 11 else (today.year - 1, today.month + 1)
    return date(year, month, 1)


class FiguresFilterForm(_TerritoryChoiceMixin, DsfrBaseForm):
    debut = forms.DateField(label="Du", required=False, widget=DayInput())
    fin = forms.DateField(label="Au", required=False, widget=DayInput())
    territoire: forms.ModelChoiceField = ModelChoiceField(
        label="Territoire", queryset=Territory.objects.none(), required=False, empty_label="Tous"
    )

    MAX_MONTHS = 36

    def __init__(self, *args, territories, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_territories(territories)
        self.today = today

    def clean(self):
        cleaned = super().clean()
        start = cleaned.get("debut") or _twelve_months_ago(self.today)
        end = cleaned.get("fin") or self.today
        if start > end:
            raise forms.ValidationError("La date de début doit précéder la date de fin.")
        if (end.year - start.year) * 12 + end.month - start.month >= self.MAX_MONTHS:
            raise forms.ValidationError(f"Choisissez une période de {self.MAX_MONTHS} mois au plus.")
        cleaned["debut"], cleaned["fin"] = start, end
        return cleaned

    def selector_kwargs(self, *, departement_id, limited_to_territories: bool) -> dict:
        """The arguments of `orientation_figures`: the period (the last twelve months by default) and the territory;
        an actor limited to some territories always gets one of theirs, never the whole Département."""
        if self.is_bound and self.is_valid():
            start, end, territory = (
                self.cleaned_data["debut"],
                self.cleaned_data["fin"],
                self.cleaned_data["territoire"],
            )
        else:
            start, end, territory = _twelve_months_ago(self.today), self.today, None
        if territory is None and limited_to_territories:
            territory = cast(QuerySet, cast(forms.ModelChoiceField, self.fields["territoire"]).queryset).first()
        return {
            "departement_id": departement_id,
            "start": start,
            "end": end,
            "territory_id": getattr(territory, "pk", None),
        }
