from django import forms
from dsfr.forms import DsfrBaseForm


class ContactForm(DsfrBaseForm):
    contact = forms.CharField(
        label="Votre adresse e-mail ou votre numéro de téléphone portable",
        help_text="Celle ou celui que vous avez donné au Département ou à la CAF. Exemple : 06 12 34 56 78",
        max_length=254,
        error_messages={"required": "Indiquez votre adresse e-mail ou votre numéro de téléphone portable."},
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )


class CodeForm(DsfrBaseForm):
    code = forms.CharField(
        label="Code reçu (6 chiffres)",
        max_length=12,
        error_messages={"required": "Indiquez le code à 6 chiffres que vous avez reçu."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class CommentForm(DsfrBaseForm):
    text = forms.CharField(
        label="Votre message à votre référent",
        help_text="Votre référent et l'équipe qui vous accompagne le liront dans votre carnet.",
        max_length=2000,
        error_messages={"required": "Écrivez votre message avant de l'envoyer."},
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ProjectForm(DsfrBaseForm):
    text = forms.CharField(
        label="Ce que vous aimeriez faire",
        help_text="Le métier, la formation ou l'activité qui vous intéresse, et ce qui compte pour vous.",
        max_length=2000,
        error_messages={"required": "Écrivez votre projet avant de l'envoyer."},
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class PersonContactForm(DsfrBaseForm):
    phone = forms.CharField(
        label="Téléphone portable",
        help_text="Exemple : 06 12 34 56 78",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.CharField(
        label="Adresse e-mail",
        help_text="Exemple : prenom.nom@exemple.fr",
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
