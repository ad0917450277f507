from typing import cast

from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.core.forms import ModelChoiceField
from jalon.intake.enums import DeclaredObstacle, DrivingLicence, EducationLevel, ProfessionalSituation
from jalon.orientation.enums import CriterionCondition, OrientationType
from jalon.orientation.interviews.engine import Facts
from jalon.orientation.interviews.selectors import dispositifs_of
from jalon.orientation.models import Dispositif


def _obstacles_field(label: str, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=DeclaredObstacle.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


class CriterionForm(DsfrBaseForm):
    condition = forms.ChoiceField(label="Condition", choices=CriterionCondition.choices)
    value = forms.CharField(
        label="Valeur",
        required=False,
        max_length=100,
        help_text="Selon la condition : le code d'un frein, d'une situation ou d'un niveau de formation "
        "(voir le tableau des codes), un nombre de mois ou d'années, un mot-clé ; vide pour « sans permis » "
        "et « parent isolé ».",
    )
    proposed_type = forms.ChoiceField(label="Oriente vers", choices=OrientationType.choices)
    proposed_dispositif = ModelChoiceField(
        label="Dispositif proposé",
        queryset=Dispositif.objects.none(),
        required=False,
        help_text="Facultatif. Un dispositif du même type d'orientation.",
    )
    weight = forms.IntegerField(
        label="Poids",
        min_value=1,
        max_value=100,
        initial=1,
        help_text="Ce que le critère ajoute au score de son type : 3 décide souvent seul, 1 fait pencher.",
    )
    reason = forms.CharField(
        label="Motif affiché",
        max_length=255,
        help_text="Ce que lira le professionnel après « proposé car : », par exemple « la mobilité est à résoudre ».",
    )

    def __init__(self, *args, departement_id, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["proposed_dispositif"]).queryset = dispositifs_of(
            departement_id=departement_id
        )

    @staticmethod
    def initial_for(criterion) -> dict:
        return {
            "condition": criterion.condition,
            "value": criterion.value,
            "proposed_type": criterion.proposed_type,
            "proposed_dispositif": criterion.proposed_dispositif_id,
            "weight": criterion.weight,
            "reason": criterion.reason,
        }


def _optional_choices(choices) -> list[tuple[str, str]]:
    return [("", "non renseigné"), *choices]


class CriteriaTestForm(DsfrBaseForm):
    """The administrator's tester: a real person, or a situation described by hand."""

    person = forms.IntegerField(
        label="N° de la personne",
        required=False,
        min_value=1,
        help_text="Son identifiant Jalon (dans l'adresse de son dossier). Ses DSP, son âge et son foyer sont "
        "alors pris en compte ; les champs « situation » ci-dessous sont ignorés.",
    )
    obstacles = _obstacles_field("Freins retenus", "Ajoutés à ceux des DSP quand une personne est choisie.")
    needs = forms.CharField(label="Besoins exprimés", required=False, max_length=1000)
    professional_situation = forms.ChoiceField(
        label="Situation professionnelle", choices=_optional_choices(ProfessionalSituation.choices), required=False
    )
    education_level = forms.ChoiceField(
        label="Niveau de formation", choices=_optional_choices(EducationLevel.choices), required=False
    )
    driving_licence = forms.ChoiceField(
        label="Permis de conduire", choices=_optional_choices(DrivingLicence.choices), required=False
    )
    age = forms.IntegerField(label="Âge", min_value=16, max_value=120, required=False)
    months_in_rsa = forms.IntegerField(label="Ancienneté dans le RSA (mois)", min_value=0, required=False)
    months_since_job = forms.IntegerField(label="Sans emploi depuis (mois)", min_value=0, required=False)
    single_parent = forms.BooleanField(label="Parent isolé", required=False)

    def facts(self) -> Facts:
        data = self.cleaned_data
        return Facts(
            obstacles=frozenset(data["obstacles"]),
            professional_situation=data["professional_situation"],
            education_level=data["education_level"],
            driving_licence=data["driving_licence"],
            months_in_rsa=data["months_in_rsa"],
            months_since_job=data["months_since_job"],
            age=data["age"],
            single_parent=data["single_parent"],
            needs=data["needs"],
        )


class InterviewForm(DsfrBaseForm):
    strengths = forms.CharField(
        label="Points forts",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce que la personne dit savoir faire, ses atouts, avec ses mots.",
    )
    needs = forms.CharField(
        label="Besoins",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce que la personne dit attendre de l'accompagnement.",
    )
    obstacles = _obstacles_field(
        "Freins identifiés",
        "Cochés d'après les freins déclarés dans les DSP : décochez ceux qui sont levés, cochez ceux que "
        "l'entretien fait apparaître.",
    )
    diagnostic_note = forms.CharField(
        label="Diagnostic partagé",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce que le professionnel et la personne retiennent ensemble.",
    )
