from itertools import groupby

from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.territories import selectors
from jalon.territories.enums import TerritoryKind
from jalon.territories.models import Commune, Epci, Territory


NO_EPCI_LABEL = "Communes sans EPCI"


def epci_label(epci) -> str:
    count = epci.commune_count
    return f"{epci.name} ({count} commune{'s' if count > 1 else ''} dans le département)"


class TerritoryForm(DsfrBaseForm):
    """A plain form (not a ModelForm): the service receives the values and compares them with the stored territory."""

    name = forms.CharField(label="Nom", max_length=Territory._meta.get_field("name").max_length)
    kind = forms.ChoiceField(label="Type", choices=TerritoryKind.choices)
    epcis = forms.ModelMultipleChoiceField(
        label="Ajouter toutes les communes d'un ou plusieurs EPCI",
        queryset=Epci.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les communes du département membres des EPCI cochés s'ajoutent aux communes cochées plus bas.",
    )
    communes = forms.ModelMultipleChoiceField(
        label="Communes",
        queryset=Commune.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Communes du département, regroupées par EPCI.",
    )

    def __init__(self, *args, departement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["epcis"].queryset = selectors.departement_epci_choices(departement_code=departement.code)
        self.fields["epcis"].label_from_instance = epci_label
        self.fields["epcis"].template_name = "territories/_epci_checkboxes.html"
        self.fields["communes"].queryset = selectors.departement_commune_choices(departement_code=departement.code)
        self.fields["communes"].template_name = "territories/_commune_checkboxes.html"

    @property
    def commune_groups(self) -> list[tuple[str, list]]:
        """The communes' checkboxes, grouped by EPCI (the queryset is ordered by EPCI name)."""

        def group_label(subwidget):
            epci = subwidget.data["value"].instance.epci
            return epci.name if epci else NO_EPCI_LABEL

        return [(label, list(items)) for label, items in groupby(self["communes"].subwidgets, key=group_label)]

    @property
    def epci_groups(self) -> list[tuple[None, list]]:
        subwidgets = list(self["epcis"].subwidgets)
        return [(None, subwidgets)] if subwidgets else []
