from django import forms

from jalon.observatory.enums import Dimension, PeriodKind, TerritoryLevel
from jalon.observatory.opendata_datasets import MAX_THRESHOLD, publishable_indicators
from jalon.territories.enums import TerritoryKind


class DatasetOptionsForm(forms.Form):
    periode = forms.ChoiceField(
        label="Période",
        choices=[(PeriodKind.YEAR, "Par année"), (PeriodKind.QUARTER, "Par trimestre")],
        required=False,
    )
    ventilation = forms.ChoiceField(label="Ventilation", required=False)

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Dimension.choices)
        self.fields["ventilation"].choices = [("", "Ensemble de la population")] + [
            (name, str(labels.get(name, name)).capitalize()) for name in indicator.dimensions
        ]


class OpenDataSettingsForm(forms.Form):
    threshold = forms.IntegerField(
        label="Seuil du secret statistique",
        help_text="Les effectifs de 1 au seuil moins un sont masqués ; l'usage est 5 (1 à 4 masqués). Au moins 3.",
        min_value=0,
        max_value=MAX_THRESHOLD,
    )
    indicators = forms.MultipleChoiceField(label="Indicateurs publiés", widget=forms.CheckboxSelectMultiple)
    segment_level = forms.ChoiceField(
        label="Niveau des ventilations (en plus du département)",
        choices=[(TerritoryLevel.TERRITORY, "Territoires du Département"), (TerritoryLevel.EPCI, "EPCI")],
    )
    territory_kind = forms.ChoiceField(label="Territoires publiés", choices=TerritoryKind.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].choices = [(i.code, f"{i.code} — {i.wording}") for i in publishable_indicators()]
