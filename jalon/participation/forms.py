from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.core.forms import DayInput, ModelChoiceField, ServiceCheckedForm
from jalon.organisations.models import Organisation
from jalon.participation.enums import AttendanceStatus, BodyKind, ConsentChannel, ExpenseNature, ProposalStatus, Seat
from jalon.people.models import Person
from jalon.territories.models import Territory


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _choices(choices):
    return [("", "—"), *choices]


class BodyForm(ServiceCheckedForm):
    service_required = ("kind", "organisation", "name")
    kind = forms.ChoiceField(label="Nature", choices=_choices(BodyKind.choices))
    organisation = ModelChoiceField(
        Organisation.objects.none(),
        label="Service",
        help_text="Le SDSEI qui tient le comité ; pour les sièges à l'EPL, le service qui anime l'EPL.",
    )
    territory = ModelChoiceField(
        Territory.objects.none(), label="Territoire de l'EPL", required=False, help_text="Vide : toutes les EPL."
    )
    name = forms.CharField(label="Nom", max_length=255)
    description = forms.CharField(label="Présentation", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, departement_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            departement_id=departement_id, kind__in=("cd", "sdsei"), is_active=True
        )
        self.fields["territory"].queryset = Territory.objects.filter(departement_id=departement_id)


class MemberForm(ServiceCheckedForm):
    service_required = ("person", "seat", "consent_on", "consent_channel", "starts_on", "ends_on")
    person = forms.IntegerField(
        label="N° de la personne",
        min_value=1,
        help_text="Son identifiant Jalon (dans l'adresse de son dossier). Une personne allocataire du RSA, "
        "aujourd'hui ou par le passé, qui s'est portée volontaire.",
    )
    seat = forms.ChoiceField(label="Siège", choices=_choices(Seat.choices))
    consent_on = forms.DateField(label="Consentement donné le", widget=DayInput())
    consent_channel = forms.ChoiceField(label="Consentement recueilli", choices=_choices(ConsentChannel.choices))
    starts_on = forms.DateField(label="Début du mandat", widget=DayInput())
    ends_on = forms.DateField(label="Fin du mandat", widget=DayInput())

    def __init__(self, *args, departement_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.departement_id = departement_id

    def clean_person(self):
        pk = self.cleaned_data.get("person")
        if pk is None:
            return None
        # Unknown here is None: the service refuses it in its own words.
        return Person.objects.filter(pk=pk, departement_id=self.departement_id).active().identified().first()


class LeaveForm(ServiceCheckedForm):
    service_required = ("left_on", "reason")
    left_on = forms.DateField(label="Date du départ", widget=DayInput())
    reason = forms.CharField(
        label="Motif",
        max_length=255,
        help_text="Par exemple : retrait du consentement, déménagement, reprise d'emploi.",
    )


class MeetingForm(ServiceCheckedForm):
    service_required = ("held_at", "place", "agenda")
    held_at = forms.DateTimeField(label="Date et heure", widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])
    place = forms.CharField(label="Lieu", max_length=255)
    agenda = forms.CharField(
        label="Ordre du jour", widget=forms.Textarea(attrs={"rows": 4}), help_text="Un point par ligne."
    )
    minutes = forms.CharField(label="Compte rendu", widget=forms.Textarea(attrs={"rows": 6}), required=False)
    minutes_file = forms.FileField(
        label="Compte rendu (document)", required=False, help_text="PDF, ODT ou DOCX, 10 Mo au plus."
    )


class AttendanceForm(DsfrBaseForm):
    """One choice per expected member: présent, excusé, absent."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        for member, status in rows:
            self.fields[f"m{member.pk}"] = forms.ChoiceField(
                label=f"{member.person} ({member.get_seat_display()})",
                choices=AttendanceStatus.choices,
                widget=forms.RadioSelect(attrs={"class": "fr-radio-rich"}),
                initial=status or None,
                required=False,
            )

    def statuses(self) -> dict:
        return {int(name[1:]): value for name, value in self.cleaned_data.items() if value}


class ExpenseForm(ServiceCheckedForm):
    service_required = ("member", "nature", "amount")
    member = ModelChoiceField(None, label="Membre")
    nature = forms.ChoiceField(label="Nature", choices=_choices(ExpenseNature.choices))
    amount = forms.DecimalField(label="Montant (€)", max_digits=10, decimal_places=2)
    paid_on = forms.DateField(label="Payé le", widget=DayInput(), required=False, help_text="Vide : à payer.")

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class ProposalForm(ServiceCheckedForm):
    service_required = ("title",)
    title = forms.CharField(label="Proposition", max_length=255)
    description = forms.CharField(label="Détail", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    made_at = ModelChoiceField(None, label="Réunion où elle a été formulée", required=False)
    made_on = forms.DateField(
        label="Formulée le", widget=DayInput(), required=False, help_text="Vide : la date de la réunion."
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["made_at"].queryset = meetings


class AnswerForm(ServiceCheckedForm):
    service_required = ("status",)
    status = forms.ChoiceField(label="Suite donnée", choices=ProposalStatus.choices)
    answer = forms.CharField(
        label="Réponse apportée au comité", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    refusal_reason = forms.CharField(
        label="Motif du refus",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Obligatoire en cas de refus.",
    )
    shown_back_at = ModelChoiceField(None, label="Réponse présentée au comité lors de la réunion", required=False)

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shown_back_at"].queryset = meetings


class FollowupFilterForm(DsfrBaseForm):
    statut = forms.ChoiceField(label="Suite donnée", required=False, choices=[("", "Toutes"), *ProposalStatus.choices])
    comite = forms.TypedChoiceField(label="Comité", required=False, coerce=int, empty_value=None)
    annee = forms.TypedChoiceField(label="Année", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, bodies, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comite"].choices = [("", "Tous")] + [(b.pk, b.name) for b in bodies]
        self.fields["annee"].choices = [("", "Toutes")] + [(y, str(y)) for y in years]
