from typing import cast

from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.accounts.models import User
from jalon.core.forms import ModelChoiceField
from jalon.notebook.enums import NoteVisibility
from jalon.organisations.models import Organisation


class TeamMemberForm(DsfrBaseForm):
    organisation = ModelChoiceField(label="Structure", queryset=Organisation.objects.none())
    user = ModelChoiceField(label="Professionnel", queryset=User.objects.none())
    role = forms.CharField(label="Rôle auprès de la personne", max_length=150, help_text="Par exemple : encadrant ACI")

    def __init__(self, *args, departement_id, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.active().in_departement(departement_id)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
        users = cast(forms.ModelChoiceField, self.fields["user"])
        users.queryset = (
            User.objects.active()
            .filter(memberships__organisation__in=organisations, memberships__is_active=True)
            .distinct()
            .order_by("last_name", "first_name")
        )
        users.label_from_instance = lambda user: f"{user.get_full_name()} ({user.email})"  # type: ignore[method-assign,assignment]


class ConsentForm(DsfrBaseForm):
    organisation = ModelChoiceField(
        label="Structure avec qui la personne accepte de partager son carnet", queryset=Organisation.objects.none()
    )

    def __init__(self, *args, departement_id, **kwargs):
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["organisation"]
        ).queryset = Organisation.objects.active().in_departement(departement_id)


class NoteForm(DsfrBaseForm):
    visibility = forms.ChoiceField(
        label="Visibilité", choices=NoteVisibility.choices, initial=NoteVisibility.SHARED, widget=forms.RadioSelect
    )
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 4}))
