from django import forms

from jalon.observatory.enums import Seed, Source


class CatalogueFilterForm(forms.Form):
    text = forms.CharField(label="Code ou mots de l'intitulé", required=False, max_length=100)
    seed = forms.ChoiceField(label="Document", required=False, choices=[("", "Tous les documents"), *Seed.choices])
    source = forms.ChoiceField(label="Source", required=False, choices=[("", "Toutes les sources"), *Source.choices])
