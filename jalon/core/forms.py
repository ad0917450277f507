from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.core.enums import AuditCode


class AuditFilterForm(DsfrBaseForm):
    code = forms.TypedChoiceField(
        label="Événement",
        choices=[("", "Tous")] + list(AuditCode.choices),
        coerce=int,
        empty_value=None,
        required=False,
    )
    actor = forms.CharField(label="Auteur (e-mail)", required=False, max_length=254)
    start = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            raise forms.ValidationError("La date de début doit précéder la date de fin.")
        return cleaned
