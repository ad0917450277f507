from django import forms

from jalon.core.forms import ModelChoiceField
from jalon.employers.models import Employer
from jalon.notebook.followup.forms import VersionedForm, _date
from jalon.offer.measures.models import MeasureKind, SiaeKind
from jalon.offer.models import Structure


class MeasureForm(VersionedForm):
    kind = forms.ChoiceField(label="Mesure", choices=[("", "—")] + list(MeasureKind.choices))
    starts_on = _date("Début")
    ends_on = _date("Fin", required=False, help_text="Obligatoire pour une immersion (un mois au plus).")
    structure = ModelChoiceField(
        label="Structure de l'offre (SIAE, crèche…)",
        queryset=Structure.objects.none(),
        required=False,
        help_text="Si elle est dans l'offre d'insertion du département.",
    )
    employer = ModelChoiceField(
        label="Employeur de l'annuaire",
        queryset=Employer.objects.none(),
        required=False,
        help_text="PEC, clause, IAE : son nom et son SIRET sont repris.",
    )
    employer_name = forms.CharField(
        label="Employeur ou structure d'accueil (s'il n'est pas dans l'annuaire)",
        max_length=200,
        required=False,
        help_text="Immersion, PEC, crèche…",
    )
    employer_siret = forms.CharField(label="SIRET de l'employeur", max_length=14, required=False)
    siae_kind = forms.ChoiceField(
        label="Type de SIAE", choices=[("", "—")] + list(SiaeKind.choices), required=False, help_text="Pour l'IAE."
    )
    weekly_hours = forms.DecimalField(
        label="Heures par semaine",
        max_digits=4,
        decimal_places=1,
        min_value=0,
        required=False,
        help_text="Durée du contrat (IAE, PEC : 20 heures au moins).",
    )
    hours_done = forms.DecimalField(
        label="Heures réalisées",
        max_digits=7,
        decimal_places=1,
        min_value=0,
        required=False,
        help_text="Pour une clause sociale d'insertion.",
    )
    note = forms.CharField(label="Précisions", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, structures, employers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures  # type: ignore[attr-defined]
        self.fields["employer"].queryset = employers  # type: ignore[attr-defined]
