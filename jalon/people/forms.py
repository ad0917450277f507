from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.people.enums import Sex


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


class PersonRectifyForm(DsfrBaseForm):
    """Identity and contact details as they should be, and why they are corrected."""

    civility = forms.ChoiceField(
        label="Civilité", required=False, choices=[("", "—"), ("MR", "M."), ("MME", "Mme"), ("MLE", "Mlle")]
    )
    last_name = forms.CharField(label="Nom d'usage", max_length=100)
    birth_name = forms.CharField(label="Nom de naissance", required=False, max_length=100)
    first_name = forms.CharField(label="Prénom", max_length=100)
    birth_date = forms.DateField(
        label="Date de naissance", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    birth_place = forms.CharField(label="Lieu de naissance", required=False, max_length=100)
    sex = forms.ChoiceField(label="Sexe", required=False, choices=Sex.choices)
    phone = forms.CharField(label="Téléphone", required=False, max_length=20)
    email = forms.EmailField(label="E-mail", required=False)
    address = forms.CharField(label="Adresse", required=False, max_length=255)
    address_complement = forms.CharField(label="Complément d'adresse", required=False, max_length=255)
    postal_code = forms.RegexField(
        label="Code postal",
        required=False,
        regex=r"^\d{5}$",
        error_messages={"invalid": "Le code postal comporte 5 chiffres."},
    )
    city = forms.CharField(label="Ville", required=False, max_length=100)
    reason = forms.CharField(
        label="Motif de la rectification",
        max_length=500,
        help_text="Par exemple : demande de la personne, justificatif d'identité présenté, erreur de saisie.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
