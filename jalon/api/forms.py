from datetime import timedelta
from typing import cast

from django import forms
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from jalon.api.enums import TokenScope


class MembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user.get_full_name()} ({obj.user.email}) — {obj.get_role_display()}"


class ApiTokenForm(DsfrBaseForm):
    name = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="Pour le reconnaître : le logiciel ou le service qui l'utilisera.",
    )
    membership = MembershipChoiceField(
        label="Compte utilisé par le jeton",
        queryset=None,
        help_text="Le jeton voit et fait ce que ce compte peut voir et faire dans la structure, selon son rôle.",
        empty_label="Choisir un compte",
    )
    scope = forms.ChoiceField(label="Droits", choices=TokenScope.choices, widget=forms.RadioSelect)
    expires_on = forms.DateField(
        label="Expire le",
        help_text="Au plus un an après aujourd'hui.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, memberships, **kwargs):
        kwargs.setdefault(
            "initial", {"scope": TokenScope.READ, "expires_on": timezone.localdate() + timedelta(days=180)}
        )
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["membership"]).queryset = memberships
