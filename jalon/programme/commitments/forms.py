from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.core.forms import DayInput, ModelChoiceField, ServiceCheckedForm
from jalon.observatory.entered.forms import LooseDecimalField
from jalon.organisations.models import Organisation
from jalon.programme.commitments.enums import CommitmentKind
from jalon.programme.models import ActionSheet


class MatrixFilterForm(DsfrBaseForm):
    signataire = forms.TypedChoiceField(label="Signataire", required=False, coerce=int, empty_value=None)
    action = forms.TypedChoiceField(label="Action", required=False, coerce=int, empty_value=None)
    annee = forms.TypedChoiceField(label="Année", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, programme, per: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [("", "Toutes")] + [(y, y) for y in programme.years]
        if per == "signatory":
            del self.fields["action"]
            self.fields["signataire"].choices = [("", "Tous")] + [
                (s.pk, str(s.organisation))
                for s in programme.signatories.filter(signed=True).select_related("organisation")
            ]
        else:
            del self.fields["signataire"]
            self.fields["action"].choices = [("", "Toutes")] + [(a.pk, str(a)) for a in programme.actions.all()]


class CommitmentForm(ServiceCheckedForm):
    service_required = ("organisation", "action", "year", "kind", "quantity")
    organisation = ModelChoiceField(Organisation.objects.none(), label="Signataire")
    action = ModelChoiceField(ActionSheet.objects.none(), label="Action")
    year = forms.IntegerField(label="Année")
    kind = forms.ChoiceField(label="Nature", choices=[("", "—"), *CommitmentKind.choices])
    quantity = LooseDecimalField(label="Quantité engagée", localize=True, max_digits=14, decimal_places=2)
    unit = forms.CharField(
        label="Unité",
        max_length=80,
        required=False,
        help_text="Par défaut ETP, € ou heures selon la nature ; à préciser pour des places (contrats PEC…).",
    )
    text = forms.CharField(
        label="Engagement tel qu'écrit", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )

    def __init__(self, *args, programme, signatories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=signatories.values("organisation")
        ).order_by("name")
        self.fields["action"].queryset = programme.actions.all()
        self.fields["year"].help_text = f"De {programme.start.year} à {programme.end.year}."


class AccountForm(ServiceCheckedForm):
    service_required = ("delivered",)
    delivered = LooseDecimalField(label="Quantité réalisée", localize=True, max_digits=14, decimal_places=2)
    comment = forms.CharField(
        label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    reported_on = forms.DateField(label="Compte rendu le", required=False, widget=DayInput())
