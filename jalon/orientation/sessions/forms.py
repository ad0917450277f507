from datetime import datetime
from typing import cast

from django import forms
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from jalon.accounts.models import User
from jalon.core.enums import Role
from jalon.core.forms import DayInput, ModelChoiceField, ServiceCheckedForm
from jalon.messaging.enums import MessageChannel
from jalon.orientation.enums import (
    AbsenceFollowUp,
    Attendance,
    InvitationKind,
    InvitationResponse,
    SessionKind,
    SessionMode,
)
from jalon.orientation.models import OrientationSession
from jalon.territories.models import Territory


SESSION_ROLES = (Role.ORIENTATION_OFFICER, Role.REFERENT, Role.TERRITORY_MANAGER)


class SessionForm(ServiceCheckedForm):
    # A session on site needs its place (checked in `clean`): the field is not shown as optional.
    service_required = ("place",)
    kind = forms.ChoiceField(label="Type de séance", choices=SessionKind.choices)
    mode = forms.ChoiceField(label="Modalité", choices=SessionMode.choices)
    day = forms.DateField(label="Date", widget=DayInput())
    start_time = forms.TimeField(label="Heure de début", widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label="Heure de fin", widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(
        label="Lieu",
        max_length=255,
        required=False,
        help_text="Adresse, salle… Sans objet pour une séance par téléphone.",
    )
    territory = ModelChoiceField(label="Territoire", queryset=Territory.objects.none(), required=False)
    capacity = forms.IntegerField(label="Nombre de places", min_value=1, max_value=500)
    professionals = forms.ModelMultipleChoiceField(
        label="Professionnels mobilisés",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Chargés d'orientation du Département, conseillers France Travail…",
    )

    def __init__(self, *args, departement_id, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["territory"]).queryset = Territory.objects.in_departement(
            departement_id
        )
        professionals = cast(forms.ModelMultipleChoiceField, self.fields["professionals"])
        # Who sits in an orientation cell: the Département's chargés d'orientation and managers, the partners'
        # référents (France Travail advisers…) — not the pilots, analysts or administrators.
        professionals.queryset = (
            User.objects.active()
            .filter(
                memberships__organisation__departement_id=departement_id,
                memberships__is_active=True,
                memberships__role__in=SESSION_ROLES,
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
        professionals.label_from_instance = lambda user: user.get_full_name()  # type: ignore[method-assign,assignment]

    @classmethod
    def initial_for(cls, session: OrientationSession) -> dict:
        starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        return {
            "kind": session.kind,
            "mode": session.mode,
            "day": starts.date(),
            "start_time": starts.time(),
            "end_time": ends.time(),
            "place": session.place,
            "territory": session.territory,
            "capacity": session.capacity,
            "professionals": list(session.professionals.all()),
        }

    def clean(self):
        cleaned = super().clean()
        day, start, end = cleaned.get("day"), cleaned.get("start_time"), cleaned.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error("end_time", "L'heure de fin doit être après l'heure de début.")
            cleaned["starts_at"] = timezone.make_aware(datetime.combine(day, start))
            cleaned["ends_at"] = timezone.make_aware(datetime.combine(day, end))
        if cleaned.get("mode") == SessionMode.IN_PERSON and not cleaned.get("place"):
            self.add_error("place", "Indiquez le lieu d'une séance sur place.")
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        keys = ("starts_at", "ends_at", "capacity", "place", "territory", "professionals")
        return {key: data[key] for key in keys}


CHANNEL_CHOICES = MessageChannel.choices


class InviteForm(DsfrBaseForm):
    session = ModelChoiceField(label="Séance", queryset=OrientationSession.objects.none())
    kind = forms.ChoiceField(
        label="Type d'envoi",
        choices=InvitationKind.choices,
        initial=InvitationKind.INVITATION,
        widget=forms.RadioSelect,
        help_text="La convocation porte la mention légale (articles L262-28 et L262-37 du CASF).",
    )
    channels = forms.MultipleChoiceField(
        label="Envoyer par",
        choices=CHANNEL_CHOICES,
        initial=[MessageChannel.EMAIL, MessageChannel.SMS],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        # The queue's table holds the ticked people; these fields join the same form from below it.
        for bound in self.fields.values():
            bound.widget.attrs["form"] = "invite-form"
        field = cast(forms.ModelChoiceField, self.fields["session"])
        field.queryset = sessions
        field.label_from_instance = lambda s: (  # type: ignore[method-assign,assignment]
            f"{s} — {s.place or s.get_mode_display()} — {s.capacity - s.invited} place(s) libre(s)"
        )


class AttendanceForm(DsfrBaseForm):
    """One radio group per participant whose attendance is not recorded yet."""

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = [p for p in participants if not p.attendance]
        for participant in self.participants:
            self.fields[f"p{participant.pk}"] = forms.ChoiceField(
                label=f"{participant.person.last_name.upper()} {participant.person.first_name}",
                choices=Attendance.choices,
                widget=forms.RadioSelect,
                required=False,
            )

    def attendance(self) -> dict[int, str]:
        return {
            participant.pk: self.cleaned_data[f"p{participant.pk}"]
            for participant in self.participants
            if self.cleaned_data.get(f"p{participant.pk}")
        }

    def clean(self):
        cleaned = super().clean()
        if self.participants and not any(cleaned.get(f"p{p.pk}") for p in self.participants):
            raise forms.ValidationError("Indiquez la présence d'au moins une personne.")
        return cleaned


class ResponseForm(DsfrBaseForm):
    response = forms.ChoiceField(label="Réponse de la personne", choices=InvitationResponse.choices)
    note = forms.CharField(label="Précision", max_length=255, required=False)


class FollowUpForm(ServiceCheckedForm):
    # A new invitation or a convocation needs its session and a channel: the service says so when one is missing.
    service_required = ("new_session", "channels")
    follow_up = forms.ChoiceField(label="Suite donnée", choices=AbsenceFollowUp.choices, widget=forms.RadioSelect)
    new_session = ModelChoiceField(
        label="Nouvelle séance",
        queryset=OrientationSession.objects.none(),
        required=False,
        help_text="Pour une nouvelle invitation ou une convocation.",
    )
    channels = forms.MultipleChoiceField(
        label="Envoyer par",
        choices=CHANNEL_CHOICES,
        initial=[MessageChannel.LETTER],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["new_session"])
        field.queryset = sessions
        field.label_from_instance = lambda s: f"{s} — {s.place or s.get_mode_display()}"  # type: ignore[method-assign,assignment]


class CancelForm(DsfrBaseForm):
    reason = forms.CharField(label="Motif de l'annulation", max_length=255)


class StageForm(DsfrBaseForm):
    note = forms.CharField(
        label="Note sur l'étape (facultatif)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_loose_ends = forms.BooleanField(
        label="Clôturer quand même : ces personnes restent sans suite", required=False
    )

    def __init__(self, *args, asks_confirmation: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not asks_confirmation:  # shown only when a closing would leave people without a next step
            del self.fields["confirm_loose_ends"]
