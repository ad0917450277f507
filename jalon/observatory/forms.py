from datetime import date

from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.core.forms import ModelChoiceField
from jalon.core.periods import add_months
from jalon.observatory.enums import PeriodKind, Seed, Source
from jalon.observatory.periods import Period, parse_period, periods_between
from jalon.territories.models import Territory


class CatalogueFilterForm(forms.Form):
    text = forms.CharField(label="Code ou mots de l'intitulé", required=False, max_length=100)
    seed = forms.ChoiceField(label="Document", required=False, choices=[("", "Tous les documents"), *Seed.choices])
    source = forms.ChoiceField(label="Source", required=False, choices=[("", "Toutes les sources"), *Source.choices])


class CohortForm(DsfrBaseForm):
    """The cohort's month or quarter (the last two years) and territory (those the actor may see)."""

    periode = forms.ChoiceField(label="Entrants du mois ou du trimestre", required=False)
    territoire: forms.ModelChoiceField = ModelChoiceField(
        label="Territoire", queryset=Territory.objects.none(), required=False
    )

    def __init__(self, *args, territories, today: date, limited: bool, **kwargs):
        super().__init__(*args, **kwargs)
        months = periods_between(PeriodKind.MONTH, add_months(today.replace(day=1), -23), today)
        quarters = periods_between(PeriodKind.QUARTER, add_months(today.replace(day=1), -21), today)
        self.fields["periode"].choices = [
            ("Mois", [(p.key, p.label.capitalize()) for p in reversed(months)]),
            ("Trimestres", [(p.key, p.label) for p in reversed(quarters)]),
        ]
        # By default the month whose entrants all reached 90 days: the plans' orientation horizon.
        self.default_period = Period(PeriodKind.MONTH, add_months(today.replace(day=1), -4))
        self.fields["periode"].initial = self.default_period.key
        territory = self.fields["territoire"]
        territory.queryset = territories  # type: ignore[attr-defined]
        territory.empty_label = "Tous mes territoires" if limited else "Tout le département"  # type: ignore[attr-defined]

    def _valid(self) -> dict:
        """The fields that are valid: a refused territory keeps the chosen period (its error is shown)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    @property
    def period(self) -> Period:
        return parse_period(self._valid().get("periode") or "") or self.default_period

    @property
    def territory(self):
        return self._valid().get("territoire")


class TargetForm(DsfrBaseForm):
    """A target for a computed indicator: a rate is typed in percent (0 to 100), everything else as a number ≥ 0."""

    indicator = ModelChoiceField(label="Indicateur", queryset=None, empty_label="Choisir un indicateur")
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    territory = ModelChoiceField(
        label="Territoire",
        queryset=None,
        required=False,
        empty_label="Tout le Département",
        help_text="Laissez « Tout le Département » pour l'objectif d'ensemble.",
    )
    value = forms.DecimalField(
        label="Objectif",
        max_digits=12,
        decimal_places=2,
        localize=True,
        help_text="Une part en pourcentage (de 0 à 100), un délai en jours, un nombre sans décimale.",
    )

    def __init__(self, *args, departement_id, **kwargs):
        from jalon.observatory.enums import Source
        from jalon.observatory.models import Indicator
        from jalon.territories.models import Territory

        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(source=Source.COMPUTED)
        self.fields["indicator"].label_from_instance = lambda i: f"{i.code} — {i.wording[:90]}"
        self.fields["territory"].queryset = Territory.objects.in_departement(departement_id).order_by("name")

    def clean(self):
        from jalon.observatory.enums import Unit

        data = super().clean()
        indicator, value = data.get("indicator"), data.get("value")
        if indicator is None or value is None:
            return data
        if indicator.unit == Unit.RATE:
            if not 0 <= value <= 100:
                self.add_error("value", "Une part s'exprime entre 0 et 100 %.")
            else:
                data["stored_value"] = float(value) / 100
        elif value < 0:
            self.add_error("value", "L'objectif ne peut pas être négatif.")
        elif indicator.unit == Unit.COUNT and value != int(value):
            self.add_error("value", "Un nombre de personnes s'écrit sans décimale.")
        else:
            data["stored_value"] = float(value)
        return data
