from typing import cast

from django import forms
from django.contrib.auth import get_user_model

from jalon.core.forms import DayInput, ModelChoiceField, ServiceCheckedForm
from jalon.evaluation.enums import EvaluationTime, MemberKind, Register, SourceKind, WorkStatus
from jalon.evaluation.selectors import indicator_choices
from jalon.organisations.models import Organisation
from jalon.surveys.models import Campaign


LINES_HELP = "Une ligne par élément."


def _plan_organisations(programme):
    return Organisation.objects.filter(pk__in=programme.signatories.values("organisation")).order_by("name")


def _plan_people(programme):
    """The people of the organisations the plan names, for « personne responsable »."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__organisation__in=programme.signatories.values("organisation"),
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


class OwnedForm(ServiceCheckedForm):
    """A form with a responsible organisation of the plan and, optionally, a person of it."""

    owner_organisation = ModelChoiceField(Organisation.objects.none(), label="Organisation responsable")
    owner_user = ModelChoiceField(
        get_user_model().objects.none(),
        label="Personne responsable (facultatif)",
        required=False,
        help_text="Une personne de l'organisation responsable.",
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = _plan_organisations(programme)
        self.fields["owner_user"].queryset = _plan_people(programme)
        self.fields["owner_user"].label_from_instance = lambda user: user.get_full_name() or user.email


class SheetForm(OwnedForm):
    service_required = ("impacts", "owner_organisation")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    impacts = forms.CharField(
        label="Impacts attendus",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce que les objectifs de la fiche doivent changer pour les publics, à moyen ou long terme. "
        + LINES_HELP,
    )
    field_order = ["version", "impacts", "owner_organisation", "owner_user"]


class QuestionForm(ServiceCheckedForm):
    service_required = ("register",)
    text = forms.CharField(label="Question", widget=forms.Textarea(attrs={"rows": 2}))
    register = forms.ChoiceField(label="Registre", choices=[("", "—")] + list(Register.choices))
    asked_to = forms.CharField(
        label="Posée à", max_length=255, required=False, help_text="Bénéficiaires, professionnels…"
    )
    criteria = forms.CharField(
        label="Critères de jugement",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Ce qui permettra de répondre à la question. " + LINES_HELP,
    )
    indicators = forms.ModelMultipleChoiceField(
        indicator_choices(),
        label="Indicateurs du catalogue qui y répondent",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, text_editable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = indicator_choices()
        self.fields["indicators"].label_from_instance = lambda i: f"{i.code} — {i.wording[:90]}"
        if not text_editable:
            del self.fields["text"]


class SourceForm(ServiceCheckedForm):
    service_required = ("kind", "description")
    kind = forms.ChoiceField(label="Nature", choices=[("", "—")] + list(SourceKind.choices))
    description = forms.CharField(
        label="Description", widget=forms.Textarea(attrs={"rows": 2}), help_text="Qui est interrogé, quel document."
    )
    reference = forms.CharField(label="Référence (document)", max_length=255, required=False)
    campaign = ModelChoiceField(
        label="Campagne d'enquête",
        queryset=Campaign.objects.none(),
        required=False,
        help_text="Pour une enquête de Jalon : ses résultats figureront dans les rapports, sous le seuil d'anonymat.",
    )

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["campaign"]).queryset = campaigns


class ScheduleForm(OwnedForm):
    service_required = ("time", "due_on")
    time = forms.ChoiceField(label="Temps de l'évaluation", choices=[("", "—")] + list(EvaluationTime.choices))
    due_on = forms.DateField(label="Date prévue", widget=DayInput())
    field_order = ["time", "due_on", "owner_organisation", "owner_user"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].required = False
        self.fields["owner_organisation"].help_text = "Par défaut, le responsable de l'évaluation de la fiche."


class ScheduleDoneForm(ServiceCheckedForm):
    service_required = ("done_on",)
    done_on = forms.DateField(label="Réalisée le", widget=DayInput())


class FindingForm(ServiceCheckedForm):
    service_required = ("text", "observed_on")
    text = forms.CharField(label="Constat", widget=forms.Textarea(attrs={"rows": 5}))
    sources = forms.CharField(
        label="Sources", widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text="D'où vient le constat."
    )
    observed_on = forms.DateField(label="Date du constat", widget=DayInput())


class MemberForm(ServiceCheckedForm):
    service_required = ("kind",)
    kind = forms.ChoiceField(label="Place dans l'instance", choices=[("", "—")] + list(MemberKind.choices))
    organisation = ModelChoiceField(Organisation.objects.none(), label="Organisation", required=False)
    user = ModelChoiceField(get_user_model().objects.none(), label="Personne (facultatif)", required=False)
    name = forms.CharField(
        label="Nom du membre", max_length=255, required=False, help_text="Par défaut, la personne ou l'organisation."
    )
    role = forms.CharField(label="Rôle", max_length=500, required=False)
    since = forms.DateField(label="Depuis le", required=False, widget=DayInput())

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _plan_organisations(programme)
        self.fields["user"].queryset = _plan_people(programme)
        self.fields["user"].label_from_instance = lambda user: user.get_full_name() or user.email


class MemberEndForm(ServiceCheckedForm):
    service_required = ("until",)
    until = forms.DateField(label="A quitté l'instance le", widget=DayInput())


class WorkItemForm(OwnedForm):
    service_required = ("title", "due_on", "owner_organisation")
    title = forms.CharField(label="Travail", max_length=500)
    due_on = forms.DateField(label="Échéance", widget=DayInput())
    action = ModelChoiceField(Organisation.objects.none(), label="Fiche concernée", required=False)
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    field_order = ["title", "due_on", "owner_organisation", "owner_user", "action", "description"]

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, programme=programme, **kwargs)
        self.fields["action"].queryset = programme.actions.order_by("number")


class WorkItemUpdateForm(WorkItemForm):
    service_required = ("title", "due_on", "owner_organisation", "status")
    status = forms.ChoiceField(label="État", choices=WorkStatus.choices)
    done_on = forms.DateField(label="Fait le", required=False, widget=DayInput())


class ReportForm(ServiceCheckedForm):
    service_required = ("time",)
    time = forms.ChoiceField(label="Temps de l'évaluation", choices=[("", "—")] + list(EvaluationTime.choices))
