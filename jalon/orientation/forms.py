from typing import cast

from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.accounts.models import User
from jalon.core.forms import FilteredSelect, ModelChoiceField, ServiceCheckedForm
from jalon.organisations.models import Organisation
from jalon.orientation.enums import OrientationType, PersonAgreement
from jalon.orientation.models import Dispositif
from jalon.orientation.selectors import referent_choices
from jalon.people.enums import HouseholdRole
from jalon.territories.models import Territory


class QueueFilterForm(DsfrBaseForm):
    territory = ModelChoiceField(label="Territoire", queryset=Territory.objects.none(), required=False)
    role = forms.ChoiceField(
        label="Place dans le foyer",
        choices=[("", "Toutes"), (HouseholdRole.APPLICANT, "demandeur"), (HouseholdRole.PARTNER, "conjoint")],
        required=False,
    )
    min_age = forms.IntegerField(label="Âge minimum", min_value=16, max_value=99, required=False)
    max_age = forms.IntegerField(label="Âge maximum", min_value=16, max_value=99, required=False)
    min_months = forms.IntegerField(label="Demande depuis au moins (mois)", min_value=0, max_value=600, required=False)

    def __init__(self, *args, departement_id, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["territory"])
        field.queryset = Territory.objects.in_departement(departement_id)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("min_age") and cleaned.get("max_age") and cleaned["min_age"] > cleaned["max_age"]:
            raise forms.ValidationError("L'âge minimum doit être inférieur ou égal à l'âge maximum.")
        return cleaned


def _referent_picker(field, organisations) -> None:
    """The référents of the structures, each offered only once their structure is chosen (FilteredSelect)."""
    users, by_user = referent_choices(organisations=organisations)
    field.queryset = users
    field.widget = FilteredSelect(filtered_by="organisation", groups=by_user)
    field.widget.choices = field.choices
    field.label_from_instance = lambda user: f"{user.get_full_name()} ({user.email})"


class DecisionForm(DsfrBaseForm):
    orientation_type = forms.ChoiceField(label="Type d'orientation", choices=OrientationType.choices)
    dispositif = ModelChoiceField(label="Dispositif", queryset=Dispositif.objects.none(), required=False)
    organisation = ModelChoiceField(label="Structure en charge", queryset=Organisation.objects.none())
    referent = ModelChoiceField(label="Référent de parcours", queryset=User.objects.none())
    person_chose_referent = forms.BooleanField(label="La personne a choisi son référent", required=False)
    person_agreement = forms.ChoiceField(label="Avis de la personne", choices=PersonAgreement.choices)
    person_comment = forms.CharField(
        label="Commentaire de la personne", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, departement_id, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["dispositif"]).queryset = Dispositif.objects.filter(
            departement_id=departement_id, is_active=True
        )
        organisations = Organisation.objects.active().in_departement(departement_id)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
        _referent_picker(self.fields["referent"], organisations)

    @staticmethod
    def initial_from(interview) -> dict:
        """The interview's proposal as the form's starting point; the structure too when the proposed dispositif
        has a single one."""
        if interview is None or not interview.proposed_type:
            return {}
        initial = {"orientation_type": interview.proposed_type}
        dispositif = interview.proposed_dispositif
        if dispositif is not None and dispositif.is_active:
            initial["dispositif"] = dispositif.pk
            carriers = list(dispositif.organisations.all())
            if len(carriers) == 1:
                initial["organisation"] = carriers[0].pk
        return initial


class ReferentChangeForm(DsfrBaseForm):
    organisation = ModelChoiceField(label="Structure", queryset=Organisation.objects.none())
    referent = ModelChoiceField(label="Nouveau référent de parcours", queryset=User.objects.none())
    reason = forms.CharField(label="Motif du changement", max_length=255)

    def __init__(self, *args, departement_id, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.active().in_departement(departement_id)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
        _referent_picker(self.fields["referent"], organisations)


class CaseloadTransferForm(ServiceCheckedForm):
    service_required = ("persons", "to_referent", "reason")
    persons = forms.MultipleChoiceField(
        label="Personnes à confier", widget=forms.CheckboxSelectMultiple, required=False
    )
    to_referent = ModelChoiceField(
        label="Confier à", queryset=User.objects.none(), required=False, empty_label="Choisir un référent"
    )
    reason = forms.CharField(label="Motif du transfert", max_length=255, required=False)

    def __init__(self, *args, persons, referents, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["persons"]).choices = [
            (person.pk, f"{person.last_name.upper()} {person.first_name}") for person in persons
        ]
        cast(forms.ModelChoiceField, self.fields["to_referent"]).queryset = referents
        self.fields["to_referent"].label_from_instance = lambda user: user.get_full_name()  # type: ignore[attr-defined]
