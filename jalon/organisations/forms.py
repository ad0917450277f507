from typing import cast

from django import forms
from django.forms.models import model_to_dict
from dsfr.forms import DsfrBaseForm

from jalon.core.enums import Role
from jalon.organisations.models import Organisation
from jalon.territories.models import Commune, Territory


class OrganisationForm(forms.ModelForm, DsfrBaseForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "siret", "parent", "email", "phone", "address", "commune", "is_active"]
        help_texts = {
            "siret": "Facultatif : 14 chiffres.",
            "parent": "Par exemple le service du Département dont dépend un SDSEI.",
        }

    def __init__(self, *args, departement, organisation=None, **kwargs):
        # Never bound to the instance: the service compares the stored values with the new ones.
        if organisation is not None:
            kwargs["initial"] = model_to_dict(organisation, fields=self._meta.fields)
        super().__init__(*args, **kwargs)
        parents = Organisation.objects.in_departement(departement.code)
        cast(forms.ModelChoiceField, self.fields["parent"]).queryset = (
            parents.exclude(pk=organisation.pk) if organisation else parents
        )
        cast(forms.ModelChoiceField, self.fields["commune"]).queryset = Commune.objects.in_departement(
            departement.code
        )


class OrganisationFilterForm(DsfrBaseForm):
    q = forms.CharField(label="Rechercher", required=False, max_length=100)


class InvitationForm(DsfrBaseForm):
    email = forms.EmailField(label="Adresse e-mail")
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)


class MembershipForm(DsfrBaseForm):
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)
    territories = forms.ModelMultipleChoiceField(
        label="Territoires",
        queryset=Territory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Laisser vide pour tout le département.",
    )

    def __init__(self, *args, departement, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["territories"]).queryset = Territory.objects.in_departement(
            departement.code
        )


class InvitationAcceptForm(DsfrBaseForm):
    password1 = forms.CharField(
        label="Mot de passe", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    phone = forms.CharField(label="Téléphone professionnel", required=False, max_length=20)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", "Les deux mots de passe ne correspondent pas.")
        return cleaned
