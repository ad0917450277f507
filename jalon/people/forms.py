from django import forms
from dsfr.forms import DsfrBaseForm


class PersonSearchForm(DsfrBaseForm):
    name = forms.CharField(label="Nom ou prénom", required=False, max_length=100)
    birth_date = forms.DateField(
        label="Date de naissance", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    nir = forms.CharField(label="NIR (13 caractères)", required=False, max_length=20)
    matricule = forms.CharField(label="Matricule CAF/MSA", required=False, max_length=15)
    internal_id = forms.CharField(label="Identifiant départemental", required=False, max_length=30)

    def clean_nir(self):
        nir = "".join(self.cleaned_data["nir"].split()).upper()
        if nir and (len(nir) != 13 or not (nir[:5] + nir[7:]).isdigit()):
            raise forms.ValidationError("Le NIR comporte 13 caractères (sans la clé), par exemple 1 85 05 40 192 123.")
        return nir

    def clean(self):
        cleaned = super().clean()
        if self.is_bound and not any(cleaned.get(name) for name in self.fields):
            raise forms.ValidationError("Renseignez au moins un critère de recherche.")
        return cleaned

    @property
    def criteria(self) -> dict:
        return {name: self.cleaned_data.get(name) or ("" if name != "birth_date" else None) for name in self.fields}
