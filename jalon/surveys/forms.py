from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.core.enums import Role
from jalon.core.forms import DayInput, ModelChoiceField, ServiceCheckedForm
from jalon.surveys.enums import Population, QuestionKind


class QuestionnaireForm(ServiceCheckedForm):
    service_required = ("title",)
    title = forms.CharField(label="Titre", max_length=255, required=False)
    description = forms.CharField(
        label="Objet",
        help_text="Ce que l'enquête cherche à savoir (pour les professionnels, pas montré aux personnes).",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class QuestionForm(ServiceCheckedForm):
    service_required = ("text", "kind")
    text = forms.CharField(label="Question", max_length=255, required=False, help_text="Une phrase courte.")
    help_text = forms.CharField(label="Précision sous la question", max_length=255, required=False)
    kind = forms.ChoiceField(label="Type", choices=[("", "—"), *QuestionKind.choices], required=False)
    choices = forms.CharField(
        label="Réponses proposées",
        help_text="Une réponse par ligne ; pour une échelle, de la plus basse à la plus haute (ex. de « Pas du tout "
        "satisfait » à « Très satisfait »).",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    required = forms.BooleanField(label="Réponse obligatoire", required=False)
    condition_question = ModelChoiceField(label="Poser seulement si la question", queryset=None, required=False)
    condition_choices = forms.CharField(
        label="… a reçu l'une de ces réponses",
        help_text="Une réponse par ligne, écrite comme dans la question choisie.",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    is_satisfaction = forms.BooleanField(
        label="C'est la question de satisfaction du questionnaire",
        help_text="Sa part de répondants satisfaits alimente l'indicateur de satisfaction lié à la campagne.",
        required=False,
    )
    satisfied_choices = forms.CharField(
        label="Réponses comptées « satisfait »",
        help_text="Une réponse par ligne, parmi les réponses proposées.",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, earlier=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["condition_question"].queryset = earlier
        self.fields["condition_question"].label_from_instance = lambda q: f"{q.position}. {q.text}"


class CampaignForm(ServiceCheckedForm):
    service_required = ("title", "opens_on", "closes_on", "population")
    title = forms.CharField(label="Titre de la campagne", max_length=255, required=False)
    opens_on = forms.DateField(label="Ouverture", widget=DayInput(), required=False)
    closes_on = forms.DateField(label="Clôture", widget=DayInput(), required=False)
    population = forms.ChoiceField(
        label="Personnes interrogées", choices=[("", "—"), *Population.choices], required=False
    )
    period_start = forms.DateField(
        label="Période du",
        widget=DayInput(),
        required=False,
        help_text="Pour une cellule ou une orientation terminée.",
    )
    period_end = forms.DateField(label="Période au", widget=DayInput(), required=False)
    months_after = forms.IntegerField(
        label="Mois après la sortie vers l'emploi",
        min_value=1,
        max_value=36,
        required=False,
        help_text="Par exemple 6.",
    )
    roles = forms.MultipleChoiceField(
        label="Rôles des professionnels interrogés",
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    threshold = forms.IntegerField(
        label="Seuil d'anonymat",
        min_value=1,
        max_value=100,
        required=False,
        help_text="Nombre minimal de réponses d'un groupe pour en montrer les résultats (au moins celui du secret "
        "statistique de l'observatoire).",
    )
    remind_after_days = forms.IntegerField(
        label="Relancer une fois après (jours)", min_value=1, max_value=60, initial=7, required=False
    )
    indicator = ModelChoiceField(label="Indicateur de satisfaction alimenté", queryset=None, required=False)

    def __init__(self, *args, indicators=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators
        self.fields["indicator"].label_from_instance = lambda i: f"{i.code} — {i.wording[:90]}"


class ResultsFilterForm(DsfrBaseForm):
    canal = forms.ChoiceField(label="Canal", required=False)
    territoire = forms.ChoiceField(label="Territoire", required=False)

    def __init__(self, *args, filters=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("canal", "territoire"):
            offered = (filters or {}).get(name) or []
            if offered:
                self.fields[name].choices = [("", "Tous"), *offered]
            else:
                del self.fields[name]


def answer_form_fields(version, data=None):
    """The questions as plain form fields, named `q<pk>`; used by the answering page and the paper entry."""
    return [(question, f"q{question.pk}") for question in version.questions.order_by("position")]


def answers_from_post(version, post) -> dict:
    result: dict = {}
    for question in version.questions.all():
        key = f"q{question.pk}"
        if question.kind == QuestionKind.MULTIPLE:
            result[question.pk] = post.getlist(key)
        else:
            result[question.pk] = post.get(key, "")
    return result
