from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.observatory.entered.models import EntrySetup
from jalon.observatory.entered.selectors import SEGMENTS, STATUS_FILTERS, territory_choices
from jalon.observatory.enums import Dimension, Unit
from jalon.organisations.models import Organisation


class DueFilterForm(DsfrBaseForm):
    statut = forms.ChoiceField(
        label="Statut", required=False, choices=[("", "Toutes les valeurs"), *STATUS_FILTERS.items()]
    )


class LooseDecimalField(forms.DecimalField):
    """A number as people type it in French: « 5 200 » or « 12,5 » (spaces as thousands separators)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split())
        return super().to_python(value)


class EntryForm(DsfrBaseForm):
    """The owner's value of one cell. The rules (range of the unit, closed period, evidence, ownership) are the
    service's: the form only reads the input."""

    territory = forms.ChoiceField(label="Territoire")
    dimension = forms.ChoiceField(label="Ventilation", required=False)
    segment = forms.ChoiceField(label="Segment", required=False)
    value = LooseDecimalField(label="Valeur", localize=True, max_digits=14, decimal_places=4)
    comment = forms.CharField(
        label="Commentaire",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Source précise, mode de calcul, réserve éventuelle.",
    )
    evidence = forms.FileField(
        label="Justificatif (fichier)",
        required=False,
        help_text="PDF, image, tableur ou texte, 10 Mo au plus.",
    )
    evidence_url = forms.URLField(
        label="Ou lien vers le justificatif",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Par exemple la page publiée par le partenaire.",
    )

    def __init__(self, *args, indicator, departement_id: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].choices = territory_choices(departement_id)  # type: ignore[attr-defined]
        value_field = self.fields["value"]
        if indicator.unit == Unit.RATE:
            value_field.label = "Valeur (en %)"
            value_field.help_text = "Un taux se saisit en pourcentage, entre 0 et 100."
        elif indicator.unit == Unit.COUNT:
            value_field.help_text = "Un nombre entier, 0 ou plus."
        else:
            value_field.label = f"Valeur ({indicator.get_unit_display()})"
            value_field.help_text = "0 ou plus ; décimales acceptées."
        dimensions = [d for d in indicator.dimensions if d in SEGMENTS]
        if dimensions:
            self.fields["dimension"].choices = [  # type: ignore[attr-defined]
                ("", "Ensemble"),
                *[(d, Dimension(d).label) for d in dimensions],
            ]
            self.fields["segment"].choices = [  # type: ignore[attr-defined]
                ("", "—"),
                *[(Dimension(d).label.capitalize(), SEGMENTS[d]) for d in dimensions],
            ]
        else:
            del self.fields["dimension"]
            del self.fields["segment"]
        # The DSFR base form bound every field before the labels above changed: bind them again.
        self._bound_fields_cache: dict = {}

    @property
    def territory_key(self) -> tuple[str, str]:
        level, _, code = self.cleaned_data["territory"].partition(":")
        return level, code


class SendBackForm(DsfrBaseForm):
    reason = forms.CharField(
        label="Motif du renvoi",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Dites à la structure ce qu'il faut corriger : le motif du renvoi est obligatoire."
        },
    )


class SetupForm(forms.ModelForm, DsfrBaseForm):
    class Meta:
        model = EntrySetup
        fields = ["owner", "period_kind", "deadline_days", "reminder_days", "evidence_required", "starts_on"]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "owner": "Ses membres saisissent les valeurs, quel que soit leur rôle. Les pilotes et analystes du "
            "Département le peuvent toujours.",
        }

    def __init__(self, *args, departement_id: str, **kwargs):
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        owner.queryset = Organisation.objects.active().in_departement(departement_id).order_by("name")  # type: ignore[attr-defined]
        owner.empty_label = "Aucune : les pilotes et analystes du Département"  # type: ignore[attr-defined]
