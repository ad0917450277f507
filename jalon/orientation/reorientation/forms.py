from datetime import datetime
from typing import cast

from django import forms
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from jalon.accounts.models import User
from jalon.core.forms import DayInput, ModelChoiceField, ServiceCheckedForm
from jalon.orientation.enums import (
    JointDiagnosticExtension,
    JointDiagnosticOutcome,
    LongTermConsequence,
    LongTermTypology,
    OrientationType,
)
from jalon.orientation.forms import DecisionForm
from jalon.orientation.models import Dispositif, EplMeeting, ReorientationRequest
from jalon.territories.models import Territory


TYPE_CHOICES = [("", "Pas de préférence"), *OrientationType.choices]


class ReorientationRequestForm(DsfrBaseForm):
    reason = forms.CharField(
        label="Motif de la demande",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Ce qui a changé dans la situation de la personne, ce que l'accompagnement actuel ne permet pas.",
    )
    requested_type = forms.ChoiceField(label="Orientation souhaitée", choices=TYPE_CHOICES, required=False)
    requested_dispositif = ModelChoiceField(
        label="Dispositif souhaité", queryset=Dispositif.objects.none(), required=False
    )
    requested_by_person = forms.BooleanField(label="La demande vient de la personne elle-même", required=False)

    def __init__(self, *args, departement_id, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["requested_dispositif"]).queryset = Dispositif.objects.filter(
            departement_id=departement_id, is_active=True
        ).order_by("name")


class WithdrawForm(DsfrBaseForm):
    reason = forms.CharField(label="Motif du retrait", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


def _members_queryset(departement_id):
    return (
        User.objects.active()
        .filter(
            memberships__organisation__departement_id=departement_id,
            memberships__is_active=True,
            memberships__organisation__is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


class EplMeetingForm(DsfrBaseForm):
    day = forms.DateField(label="Date", widget=DayInput())
    time = forms.TimeField(label="Heure", widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label="Lieu", max_length=255, required=False)
    territory = ModelChoiceField(
        label="Territoire",
        queryset=Territory.objects.none(),
        required=False,
        empty_label="Tout le département",
    )
    members = forms.ModelMultipleChoiceField(
        label="Membres de l'équipe pluridisciplinaire",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    other_members = forms.CharField(
        label="Autres participants (hors Jalon)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Représentant des bénéficiaires, psychologue du travail, partenaires…",
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        departement_id = actor.organisation.departement_id
        territories = Territory.objects.in_departement(departement_id)
        territory = cast(forms.ModelChoiceField, self.fields["territory"])
        if actor.territory_ids:
            territory.queryset = territories.filter(pk__in=actor.territory_ids)
            territory.required = True
        else:
            territory.queryset = territories
        members = cast(forms.ModelMultipleChoiceField, self.fields["members"])
        members.queryset = _members_queryset(departement_id)
        members.label_from_instance = lambda user: user.get_full_name()  # type: ignore[method-assign, assignment]

    @classmethod
    def initial_for(cls, meeting: EplMeeting) -> dict:
        held_at = timezone.localtime(meeting.held_at)
        return {
            "day": held_at.date(),
            "time": held_at.time(),
            "place": meeting.place,
            "territory": meeting.territory,
            "members": list(meeting.members.all()),
            "other_members": meeting.other_members,
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "held_at": timezone.make_aware(datetime.combine(data["day"], data["time"])),
            "place": data["place"],
            "territory": data["territory"],
            "members": list(data["members"]),
            "other_members": data["other_members"],
        }


class AgendaAddForm(DsfrBaseForm):
    requests = forms.ModelMultipleChoiceField(
        label="Demandes en attente à inscrire",
        queryset=ReorientationRequest.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, pending, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["requests"])
        field.queryset = pending
        field.label_from_instance = lambda request: (  # type: ignore[method-assign, assignment]
            f"{request.person} — demandée le {request.requested_on:%d/%m/%Y}"
            + (f", vers : {request.get_requested_type_display()}" if request.requested_type else "")
        )


class AcceptForm(DecisionForm):
    """The new orientation the EPL decides, and why."""

    decision_reason = forms.CharField(
        label="Motif de la décision", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class RefuseForm(DsfrBaseForm):
    decision_reason = forms.CharField(
        label="Motif du refus", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class CloseForm(DsfrBaseForm):
    minutes = forms.CharField(label="Compte rendu", widget=forms.Textarea(attrs={"rows": 6}))


REVIEWED_CHOICES = [("", "Tous"), ("non", "Sans diagnostic"), ("oui", "Avec diagnostic")]


class LongTermFilterForm(DsfrBaseForm):
    territory = ModelChoiceField(
        label="Territoire", queryset=Territory.objects.none(), required=False, empty_label="Tous les territoires"
    )
    reviewed = forms.ChoiceField(label="Diagnostic", choices=REVIEWED_CHOICES, required=False)
    typology = forms.ChoiceField(
        label="Typologie du dernier diagnostic", choices=[("", "Toutes"), *LongTermTypology.choices], required=False
    )

    def __init__(self, *args, departement_id, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["territory"]).queryset = Territory.objects.in_departement(
            departement_id
        )

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        reviewed = {"oui": True, "non": False}.get(data.get("reviewed", ""))
        return {
            "territory_id": getattr(data.get("territory"), "pk", None),
            "reviewed": reviewed,
            "typology": data.get("typology", ""),
        }


class LongTermReviewForm(ServiceCheckedForm):
    # Asked by the service for a réorientation, whose request it becomes: not shown as optional.
    service_required = ("comment",)
    typology = forms.ChoiceField(
        label="Typologie",
        choices=LongTermTypology.choices,
        widget=forms.RadioSelect,
        help_text="Typologie de l'étude landaise des bénéficiaires de longue durée.",
    )
    consequence = forms.ChoiceField(
        label="Suite donnée", choices=LongTermConsequence.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="Commentaire",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Demandé pour une réorientation : il devient le motif de la demande présentée à l'EPL.",
    )


class JointDiagnosticForm(ServiceCheckedForm):
    # Asked by the service for a réorientation, whose request it becomes: not shown as optional.
    service_required = ("comment",)
    held_on = forms.DateField(label="Date du diagnostic conjoint", widget=DayInput())
    outcome = forms.ChoiceField(label="Suite donnée", choices=JointDiagnosticOutcome.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="Ce que le diagnostic a montré",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Demandé pour une réorientation : il devient le motif de la demande présentée à l'EPL.",
    )


class JointDiagnosticExtensionForm(DsfrBaseForm):
    reason = forms.ChoiceField(
        label="Difficulté particulière",
        choices=[("", "—"), *JointDiagnosticExtension.choices],
        help_text="Porte le délai du diagnostic conjoint de six à douze mois (art. D. 262-65-2-1 CASF).",
    )
