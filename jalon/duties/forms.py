from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.core.forms import ModelChoiceField, ServiceCheckedForm
from jalon.duties.enums import Duty, Nature
from jalon.duties.models import DutySettings
from jalon.duties.services import SETTING_LIMITS
from jalon.orientation.models import EplMeeting


def _date(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)


class FailureForm(ServiceCheckedForm):
    service_required = ("duty", "occurred_on", "evidence_text")
    duty = forms.ChoiceField(
        label="Obligation qui n'a pas été respectée", choices=[("", "—"), *Duty.choices], required=False
    )
    occurred_on = _date("Date du manquement", required=False)
    evidence_text = forms.CharField(
        label="Éléments constatés",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Les faits, datés : ils figurent dans le courrier qui invite la personne à s'expliquer.",
    )
    evidence = forms.FileField(
        label="Pièce justificative",
        required=False,
        help_text="PDF, image (PNG, JPEG) ou texte (DOCX, ODT, TXT), 10 Mo au plus.",
    )


class InviteForm(DsfrBaseForm):
    """A confirmation: the letter's text is the procedure's."""


class AnswerForm(ServiceCheckedForm):
    service_required = ("answered_on", "answer", "legitimate")
    answered_on = _date("Date de la réponse", required=False)
    answer = forms.CharField(
        label="Observations de la personne", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    legitimate = forms.ChoiceField(
        label="Motif légitime",
        choices=[("", "—"), ("oui", "oui : la procédure est close sans décision"), ("non", "non")],
        required=False,
    )
    legitimate_reason = forms.CharField(label="Motif légitime retenu", required=False, max_length=2000)

    def clean_legitimate(self):
        return {"oui": True, "non": False}.get(self.cleaned_data.get("legitimate"))


class DecisionForm(ServiceCheckedForm):
    service_required = ("nature", "rate", "months", "starts_on", "reasons")
    nature = forms.ChoiceField(label="Nature", choices=Nature.choices, required=False)
    rate = forms.IntegerField(label="Taux (%)", required=False)
    months = forms.IntegerField(label="Durée (mois)", required=False)
    starts_on = _date("À compter du", required=False)
    reasons = forms.CharField(label="Motifs", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    epl_meeting = ModelChoiceField(
        label="Équipe pluridisciplinaire consultée", queryset=EplMeeting.objects.none(), required=False
    )
    epl_opinion = forms.CharField(
        label="Avis de l'équipe pluridisciplinaire", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meetings is not None:
            self.fields["epl_meeting"].queryset = meetings


class ReverseForm(ServiceCheckedForm):
    service_required = ("remobilised_on",)
    remobilised_on = _date("Date de la remobilisation", required=False)


class StateForm(DsfrBaseForm):
    pass


def _setting_field(name: str, low: int, high: int) -> forms.IntegerField:
    label = str(DutySettings._meta.get_field(name).verbose_name)
    return forms.IntegerField(
        label=label[0].upper() + label[1:], min_value=low, max_value=high, help_text=f"Entre {low} et {high}."
    )


class DutySettingsForm(DsfrBaseForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, low, high in SETTING_LIMITS:
            self.fields[name] = _setting_field(name, low, high)
