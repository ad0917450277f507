from django import forms
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm

from jalon.core.forms import ModelChoiceField, ServiceCheckedForm
from jalon.offer.directory import selectors
from jalon.offer.enums import OfferStatus
from jalon.offer.models import FundingLabel
from jalon.offer.referentials import (
    THEMATIQUE_SEPARATOR,
    choices,
    codes,
    label,
    validate_publics,
    validate_schema_email,
    validate_zone_eligibilite,
)


def thematique_choices(*, with_categories: bool) -> list:
    """The thématiques grouped by category (labels from the data·inclusion package); in the search, a whole
    category can be chosen too."""
    grouped = []
    for category, category_label in choices("categories"):
        prefix = category + THEMATIQUE_SEPARATOR
        options = [(code, text) for code, text in choices("thematiques") if code.startswith(prefix)]
        if with_categories:
            options.insert(0, (category, f"{category_label} : toute la catégorie"))
        grouped.append((category_label, options))
    return grouped


def _with_empty(referential: str, empty: str = "Tous") -> list[tuple[str, str]]:
    return [("", empty), *choices(referential)]


class ServiceSearchForm(DsfrBaseForm):
    commune = forms.CharField(
        label="Commune de la personne",
        required=False,
        max_length=120,
        help_text="nom ou code INSEE, par exemple « Dax » ou « 40088 »",
    )
    thematiques = forms.MultipleChoiceField(label="Thématiques", required=False)
    public = forms.ChoiceField(label="Public", required=False)
    kind = forms.ChoiceField(label="Type de service", required=False)
    funding_label = ModelChoiceField(
        label="Label de financement", queryset=FundingLabel.objects.none(), required=False, empty_label="Tous"
    )
    text = forms.CharField(label="Mots-clés", required=False, max_length=200)
    distance = forms.TypedChoiceField(
        label="Distance maximale",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Toutes distances"), *((km, f"{km} km") for km in selectors.DISTANCES_KM)],
        help_text="pour les services en présentiel ; ceux à distance restent proposés",
    )
    sort = forms.ChoiceField(
        label="Trier par",
        required=False,
        choices=[("", "Pertinence"), (selectors.SORT_BY_DISTANCE, "Distance (les plus proches d'abord)")],
    )

    def __init__(self, *args, funding_labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thematiques"].choices = thematique_choices(with_categories=True)
        self.fields["public"].choices = _with_empty("publics")
        self.fields["kind"].choices = _with_empty("types")
        if funding_labels is not None:
            self.fields["funding_label"].queryset = funding_labels

    def clean_commune(self):
        value = self.cleaned_data["commune"].strip()
        if not value:
            return None
        return selectors.commune_find(value)

    def criteria(self, *, home=None) -> selectors.SearchCriteria:
        """`home`: the person's geocoded address, when the search is prepared from their carnet; distances are
        measured from it while the commune searched is theirs."""
        data = self.cleaned_data
        commune = data.get("commune")
        return selectors.SearchCriteria(
            commune=commune,
            origin=selectors.search_origin(commune, home),
            max_km=data.get("distance"),
            sort=data.get("sort") or "",
            thematiques=tuple(data.get("thematiques") or ()),
            public=data.get("public") or "",
            kind=data.get("kind") or "",
            funding_label=data.get("funding_label"),
            text=data.get("text") or "",
        )


class CodesField(forms.MultipleChoiceField):
    """A list of codes of a referential, stored sorted (the shape of the model and of the importer)."""

    def clean(self, value):
        return sorted(super().clean(value))


class ZoneField(forms.CharField):
    """Zone d'éligibilité typed as codes separated by spaces or commas (communes, EPCI, départements, france)."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return " ".join(value)
        return value

    def clean(self, value):
        value = super().clean(value)
        zone = sorted({code.strip() for code in value.replace(",", " ").split() if code.strip()})
        validate_zone_eligibilite(zone)
        return zone


class ServiceForm(ServiceCheckedForm):
    # The directory's rules (`services._check`) refuse a service without thematique or zone.
    service_required = ("thematiques", "eligibility_zone")
    name = forms.CharField(label="Nom du service", max_length=150)
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 4}))
    kind = forms.ChoiceField(label="Type de service", required=False)
    thematiques = CodesField(label="Thématiques", required=False)
    publics = CodesField(
        label="Publics",
        required=False,
        validators=[validate_publics],
        help_text="« Tous publics » se choisit seul",
    )
    publics_details = forms.CharField(label="Précisions sur les publics", required=False, widget=forms.Textarea)
    fee = forms.ChoiceField(label="Frais", required=False)
    fee_details = forms.CharField(label="Précisions sur les frais", required=False)
    access_conditions = forms.CharField(label="Conditions d'accès", required=False, widget=forms.Textarea)
    reception_modes = CodesField(label="Modes d'accueil", required=False, widget=forms.CheckboxSelectMultiple)
    eligibility_zone = ZoneField(
        label="Zone d'éligibilité",
        required=False,
        help_text=(
            "codes INSEE de communes, SIREN d'EPCI, codes de départements ou « france », séparés par des espaces"
        ),
    )
    mobilisation_modes = CodesField(label="Modes de mobilisation", required=False, widget=forms.CheckboxSelectMultiple)
    mobilisable_by = CodesField(label="Mobilisable par", required=False, widget=forms.CheckboxSelectMultiple)
    mobilisation_details = forms.CharField(label="Précisions sur la mobilisation", required=False)
    mobilisation_url = forms.URLField(
        label="Lien de mobilisation", required=False, max_length=2048, assume_scheme="https"
    )
    contact_name = forms.CharField(label="Contact (nom et prénom)", required=False, max_length=255)
    phone = forms.CharField(label="Téléphone", required=False, max_length=255)
    email = forms.EmailField(label="Courriel", required=False, validators=[validate_schema_email])
    address = forms.CharField(label="Adresse", required=False)
    postal_code = forms.CharField(label="Code postal", required=False, max_length=5)
    insee_code = forms.CharField(label="Code INSEE de la commune", required=False, max_length=5)
    commune_name = forms.CharField(label="Commune", required=False, max_length=255)
    capacity = forms.IntegerField(label="Capacité d'accueil", required=False, min_value=0)
    places_available = forms.IntegerField(label="Places disponibles", required=False, min_value=0)
    funding_labels = forms.ModelMultipleChoiceField(
        label="Labels de financement", queryset=FundingLabel.objects.none(), required=False
    )

    def __init__(self, *args, funding_labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _with_empty("types", "—")
        self.fields["fee"].choices = _with_empty("frais", "—")
        self.fields["thematiques"].choices = thematique_choices(with_categories=False)
        self.fields["publics"].choices = choices("publics")
        self.fields["reception_modes"].choices = choices("modes_accueil")
        self.fields["mobilisation_modes"].choices = choices("modes_mobilisation")
        self.fields["mobilisable_by"].choices = choices("mobilisable_par")
        if funding_labels is not None:
            self.fields["funding_labels"].queryset = funding_labels

    def clean_thematiques(self):
        # The choices already refuse an unknown code; say it with the referential's words when it happens.
        value = self.cleaned_data["thematiques"]
        unknown = [code for code in value if code not in codes("thematiques")]
        if unknown:
            raise ValidationError(f"Thématique inconnue du référentiel data·inclusion : {', '.join(unknown)}.")
        return value

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("funding_labels", None)
        return data


STATUS_ACTIONS = {
    OfferStatus.PUBLISHED: "Publier",
    OfferStatus.DRAFT: "Suspendre",
    OfferStatus.ARCHIVED: "Archiver",
}


class StatusForm(DsfrBaseForm):
    status = forms.ChoiceField(label="Nouveau statut", choices=OfferStatus.choices)


class CoverageForm(DsfrBaseForm):
    grouping = forms.ChoiceField(
        label="Regroupement",
        choices=[(selectors.BY_TERRITORY, "territoires du Département"), (selectors.BY_EPCI, "EPCI")],
        required=False,
    )


def thematique_label(code: str) -> str:
    if THEMATIQUE_SEPARATOR in code:
        return label("thematiques", code)
    return label("categories", code)
