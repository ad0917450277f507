from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.core.forms import DayInput, ModelChoiceField, ServiceCheckedForm
from jalon.offer.models import Service
from jalon.offer.plateaux.models import PlateauTechnique
from jalon.organisations.models import Organisation
from jalon.orientation.models import Dispositif
from jalon.programme.enums import ActionStatus


class PlanFilterForm(DsfrBaseForm):
    status = forms.ChoiceField(label="État", choices=[("", "Tous")] + list(ActionStatus.choices), required=False)
    axis = forms.ChoiceField(label="Axe", choices=[("", "Tous")], required=False)
    organisation = ModelChoiceField(
        Organisation.objects.none(), label="Pilote ou contributeur", required=False, empty_label="Tous"
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].choices = [("", "Tous")] + [(a.code, str(a)) for a in programme.axes.all()]
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=programme.signatories.values("organisation")
        ).order_by("name")


class ActionUpdateForm(ServiceCheckedForm):
    service_required = ("status",)
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label="État de l'action", choices=ActionStatus.choices)
    schedule = forms.CharField(label="Échéancier", max_length=255, required=False)
    context = forms.CharField(label="Contexte", widget=forms.Textarea(attrs={"rows": 4}), required=False)


class ReviewForm(ServiceCheckedForm):
    service_required = ("year", "status", "summary")
    version = forms.IntegerField(widget=forms.HiddenInput)
    year = forms.IntegerField(label="Année")
    status = forms.ChoiceField(label="État de l'action à la fin de l'année", choices=ActionStatus.choices)
    summary = forms.CharField(label="Bilan de l'année", widget=forms.Textarea(attrs={"rows": 5}))
    difficulties = forms.CharField(
        label="Difficultés et besoins", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class StepForm(DsfrBaseForm):
    done_on = forms.DateField(label="Réalisée le", required=False, widget=DayInput())
    planned_end = forms.DateField(label="Échéance", required=False, widget=DayInput())


class TargetForm(ServiceCheckedForm):
    service_required = ("year", "value")
    year = forms.IntegerField(label="Année")
    value = forms.FloatField(label="Cible", help_text="Une part s'écrit en % (80 pour 80 %).")


class AsOfForm(DsfrBaseForm):
    au = forms.DateField(label="La fiche telle qu'elle était le", required=False, widget=DayInput())


class OfferLinkForm(DsfrBaseForm):
    services = forms.ModelMultipleChoiceField(
        Service.objects.none(),
        label="Services de l'offre",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les services du Département que l'action mobilise ou finance.",
    )
    plateaux = forms.ModelMultipleChoiceField(
        PlateauTechnique.objects.none(),
        label="Plateaux techniques",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    dispositifs = forms.ModelMultipleChoiceField(
        Dispositif.objects.none(),
        label="Dispositifs d'accompagnement",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les dispositifs vers lesquels le Département oriente, que l'action porte ou renforce.",
    )

    def __init__(self, *args, departement_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispositifs"].queryset = Dispositif.objects.filter(departement_id=departement_id).order_by("name")
        services = Service.objects.filter(departement_id=departement_id).select_related("structure")
        self.fields["services"].queryset = services.order_by("structure__name", "name")
        self.fields["services"].label_from_instance = lambda s: f"{s.name} — {s.structure.name}"
        self.fields["plateaux"].queryset = PlateauTechnique.objects.filter(departement_id=departement_id).order_by(
            "name"
        )
