from datetime import date

from django import forms
from dsfr.forms import DsfrBaseForm

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
    territoire: forms.ModelChoiceField = forms.ModelChoiceField(
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
