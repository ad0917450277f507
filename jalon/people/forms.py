import datetime
import re

from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.people.enums import Sex


_DAY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
# A NIR as typed: 13 characters, or 15 with its key (Corsica's 2A/2B), spaces removed first.
_NIR = re.compile(r"^[1-478]\d{4}(?:\d{2}|2[AB])\d{6}(?:\d{2})?$")


def quick_search_criteria(text: str) -> dict:
    """The one field of the header's search, read as the criteria it holds: a date JJ/MM/AAAA is the birth date, a
    NIR is the NIR, a word with digits a matricule or internal id, the other words the name. Raises ValidationError
    in French for a date that does not exist."""
    words, criteria = text.split(), {}
    rest = []
    for word in words:
        day = _DAY.match(word)
        if day is None:
            rest.append(word)
            continue
        try:
            criteria["birth_date"] = datetime.date(int(day[3]), int(day[2]), int(day[1]))
        except ValueError as error:
            raise forms.ValidationError(f"« {word} » n'est pas une date : écrivez-la JJ/MM/AAAA.") from error
    compact = "".join(rest).upper()
    if compact and _NIR.match(compact):
        criteria["nir"] = compact[:13]
    elif len(rest) == 1 and any(character.isdigit() for character in compact):
        criteria["identifier"] = rest[0]
    elif rest:
        criteria["name"] = " ".join(rest)
    return criteria


class PersonSearchForm(DsfrBaseForm):
    q = forms.CharField(
        label="Recherche rapide",
        required=False,
        max_length=100,
        help_text="Nom, date de naissance (JJ/MM/AAAA), NIR, matricule CAF/MSA ou identifiant départemental.",
    )
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

    def clean_q(self):
        self.quick = quick_search_criteria(self.cleaned_data["q"])
        return self.cleaned_data["q"].strip()

    def clean(self):
        cleaned = super().clean()
        if self.is_bound and not self.errors and not any(cleaned.get(name) for name in self.fields):
            raise forms.ValidationError("Renseignez au moins un critère de recherche.")
        return cleaned

    @property
    def criteria(self) -> dict:
        """The detailed fields, completed by what the quick search holds (a detailed field wins)."""
        criteria = {
            name: self.cleaned_data.get(name) or ("" if name != "birth_date" else None)
            for name in self.fields
            if name != "q"
        }
        criteria["identifier"] = ""
        for name, value in getattr(self, "quick", {}).items():
            if not criteria[name]:
                criteria[name] = value
        return criteria


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
