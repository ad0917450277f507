from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.core.forms import DayInput, ModelChoiceField, ServiceCheckedForm
from jalon.offer.models import Service
from jalon.offer.plateaux.models import PlateauTechnique
from jalon.organisations.models import Organisation
from jalon.programme.funding.enums import Instrument, LotStep, Procedure
from jalon.territories.models import Territory


def _money(label, **kwargs):
    return forms.DecimalField(label=label, min_value=0, max_digits=14, decimal_places=2, **kwargs)


class BudgetFilterForm(DsfrBaseForm):
    year = forms.TypedChoiceField(
        label="Année", choices=[("", "Toutes")], coerce=int, empty_value=None, required=False
    )
    funding_source = ModelChoiceField(None, label="Source de financement", required=False, empty_label="Toutes")
    territory = ModelChoiceField(None, label="Territoire", required=False, empty_label="Tous")

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Toutes")] + [(y, y) for y in programme.years]
        self.fields["funding_source"].queryset = programme.funding_sources.all()
        self.fields["territory"].queryset = Territory.objects.in_departement(programme.departement_id)


class LineCreateForm(ServiceCheckedForm):
    service_required = ("action", "year", "funding_source", "amount_eur")
    action = ModelChoiceField(None, label="Fiche action")
    year = forms.IntegerField(label="Année")
    funding_source = ModelChoiceField(None, label="Source de financement")
    amount_eur = _money("Montant voté (€)")
    label = forms.CharField(label="Objet", max_length=255, required=False)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = programme.actions.all()
        self.fields["funding_source"].queryset = programme.funding_sources.all()


class LineUpdateForm(ServiceCheckedForm):
    service_required = ("amount_eur",)
    amount_eur = _money("Montant voté (€)")
    label = forms.CharField(label="Objet", max_length=255, required=False)


class SplitForm(ServiceCheckedForm):
    """The line's amount and one field per territory of the Département: the envelopes must add up to the line."""

    service_required = ("amount_eur",)
    amount_eur = _money("Montant voté de la ligne (€)")

    def __init__(self, *args, line, **kwargs):
        super().__init__(*args, **kwargs)
        self.territories = list(Territory.objects.in_departement(line.programme.departement_id))
        current = {e.territory_id: e.amount_eur for e in line.envelopes.all()}
        for territory in self.territories:
            self.fields[f"t{territory.pk}"] = _money(
                f"Enveloppe {territory.name} (€)", required=False, initial=current.get(territory.pk)
            )

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "amount_eur": data["amount_eur"],
            "amounts": {t: data.get(f"t{t.pk}") for t in self.territories},
        }


class CommitmentForm(ServiceCheckedForm):
    service_required = ("operator", "instrument", "reference", "amount_eur", "committed_on")
    envelope = ModelChoiceField(None, label="Enveloppe territoriale", required=False)
    operator = ModelChoiceField(None, label="Opérateur")
    instrument = forms.ChoiceField(label="Instrument", choices=[("", "—")] + list(Instrument.choices))
    lot = ModelChoiceField(None, label="Lot de marché", required=False, help_text="pour un engagement sur un marché")
    reference = forms.CharField(label="Référence", max_length=80, help_text="n° d'arrêté, de marché ou de convention")
    amount_eur = _money("Montant engagé (€)")
    committed_on = forms.DateField(label="Engagé le", widget=DayInput())

    def __init__(self, *args, line, envelopes, lots, **kwargs):
        super().__init__(*args, **kwargs)
        # Every organisation of the Département is offered; the service refuses one from elsewhere all the same.
        self.fields["operator"].queryset = Organisation.objects.filter(
            departement_id=line.programme.departement_id, is_active=True
        ).order_by("name")
        self.fields["lot"].queryset = lots
        if envelopes is None:
            del self.fields["envelope"]
        else:
            self.fields["envelope"].queryset = envelopes
            self.fields["envelope"].label_from_instance = lambda e: e.territory.name
            self.fields["envelope"].required = True


class PaymentForm(ServiceCheckedForm):
    service_required = ("amount_eur", "paid_on", "reference")
    amount_eur = _money("Montant mandaté (€)")
    paid_on = forms.DateField(label="Mandaté le", widget=DayInput())
    reference = forms.CharField(label="Référence du mandat", max_length=80)


class ContractForm(ServiceCheckedForm):
    service_required = ("title", "procedure", "starts_on", "ends_on", "amount_eur")
    title = forms.CharField(label="Intitulé du marché", max_length=255)
    reference = forms.CharField(label="Référence", max_length=80, required=False)
    procedure = forms.ChoiceField(label="Procédure", choices=[("", "—"), *Procedure.choices])
    starts_on = forms.DateField(label="Début", widget=DayInput())
    ends_on = forms.DateField(label="Fin", widget=DayInput())
    amount_eur = _money("Montant (€)")
    amount_is_max = forms.BooleanField(label="Montant maximum (accord-cadre)", required=False)


class LotForm(ServiceCheckedForm):
    service_required = ("number", "title", "path_step", "amount_eur", "holder")
    number = forms.IntegerField(label="Numéro du lot", min_value=1)
    title = forms.CharField(label="Intitulé du lot", max_length=255)
    territory = ModelChoiceField(None, label="Territoire (SDSEI)", required=False, empty_label="Tout le Département")
    path_step = forms.ChoiceField(label="Étape de parcours", choices=[("", "—"), *LotStep.choices])
    amount_eur = _money("Montant du lot (€)")
    holder = ModelChoiceField(None, label="Titulaire (ou mandataire du groupement)")
    co_contractors = forms.ModelMultipleChoiceField(
        Organisation.objects.none(), label="Co-traitants", required=False, widget=forms.CheckboxSelectMultiple
    )
    plateaux = forms.ModelMultipleChoiceField(
        PlateauTechnique.objects.none(),
        label="Plateaux techniques",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    services = forms.ModelMultipleChoiceField(
        Service.objects.none(), label="Services financés", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        departement = programme.departement_id
        organisations = Organisation.objects.filter(departement_id=departement, is_active=True).order_by("name")
        self.fields["territory"].queryset = Territory.objects.filter(departement_id=departement).order_by("name")
        self.fields["holder"].queryset = organisations
        self.fields["co_contractors"].queryset = organisations
        self.fields["plateaux"].queryset = PlateauTechnique.objects.filter(departement_id=departement).order_by("name")
        services = Service.objects.filter(departement_id=departement).select_related("structure")
        self.fields["services"].queryset = services.order_by("structure__name", "name")
        self.fields["services"].label_from_instance = lambda s: f"{s.name} — {s.structure.name}"
