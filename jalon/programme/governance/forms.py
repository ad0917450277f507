from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.core.forms import DayInput, ModelChoiceField, ServiceCheckedForm
from jalon.programme.governance import services
from jalon.programme.governance.enums import AttendanceStatus, DecisionStatus, DocumentKind


EMPTY_AGENDA_ROWS = 3


class MeetingForm(ServiceCheckedForm):
    """A meeting with its agenda (a row per item, each optionally about a fiche action of the plan) and the
    attendance of the body's members and of the organisations invited."""

    service_required = ("held_on",)
    held_on = forms.DateField(label="Date", widget=DayInput())
    starts_at = forms.TimeField(
        label="Heure", required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = forms.CharField(label="Lieu", max_length=255, required=False)
    remote = forms.BooleanField(label="En visioconférence", required=False)
    invited = forms.ModelMultipleChoiceField(
        queryset=None,
        label="Organisations invitées (hors composition de l'instance)",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
    )
    minutes = forms.CharField(label="Relevé de la réunion", widget=forms.Textarea(attrs={"rows": 6}), required=False)

    def __init__(self, *args, body, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        programme = body.programme
        self.fields["invited"].queryset = services.invitable_organisations(programme=programme).exclude(  # type: ignore[attr-defined]
            pk__in=body.members.values("pk")
        )
        actions = programme.actions.order_by("number")
        agenda = list(meeting.agenda.all()) if meeting else []
        self.agenda_rows = []
        for index in range(1, len(agenda) + EMPTY_AGENDA_ROWS + 1):
            item = agenda[index - 1] if index <= len(agenda) else None
            title, action = f"agenda_{index}_title", f"agenda_{index}_action"
            self.fields[title] = forms.CharField(
                label=f"Point {index} de l'ordre du jour",
                max_length=500,
                required=False,
                initial=item.title if item else "",
            )
            self.fields[action] = ModelChoiceField(
                actions,
                label=f"Fiche action du point {index}",
                required=False,
                initial=item.action_id if item else None,
            )
            self.agenda_rows.append((title, action))
        present = {a.organisation_id: a for a in meeting.attendance.select_related("organisation")} if meeting else {}
        organisations = list(body.members.order_by("name")) + [a.organisation for a in present.values() if a.invited]
        self.attendance_fields = []
        for organisation in organisations:
            name = f"attendance_{organisation.pk}"
            self.fields[name] = forms.ChoiceField(
                label=organisation.name,
                choices=[("", "—")] + list(AttendanceStatus.choices),
                required=False,
                initial=present[organisation.pk].status if organisation.pk in present else "",
            )
            self.attendance_fields.append((name, organisation.pk))
        if meeting:
            self.fields["invited"].initial = [a.organisation_id for a in present.values() if a.invited]
        self._bound_fields_cache: dict = {}

    @property
    def meeting_fields(self):
        return [self[name] for name in ("held_on", "starts_at", "place", "remote")]

    @property
    def agenda_fields(self):
        return [(self[title], self[action]) for title, action in self.agenda_rows]

    @property
    def attendance_bound(self):
        return [self[name] for name, _pk in self.attendance_fields]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "held_on": data.get("held_on"),
            "starts_at": data.get("starts_at"),
            "place": data.get("place") or "",
            "remote": bool(data.get("remote")),
            "minutes": data.get("minutes") or "",
            "invited": list(data.get("invited") or []),
            "agenda": [(data.get(title) or "", data.get(action)) for title, action in self.agenda_rows],
            "attendance": {pk: data[name] for name, pk in self.attendance_fields if data.get(name)},
        }


class DocumentForm(ServiceCheckedForm):
    service_required = ("kind", "file")
    kind = forms.ChoiceField(label="Nature", choices=[("", "—")] + list(DocumentKind.choices), required=False)
    file = forms.FileField(label="Fichier", required=False, help_text="PDF, image, tableur ou texte, 10 Mo au plus.")


class DecisionForm(ServiceCheckedForm):
    service_required = ("text", "due_on")
    text = forms.CharField(label="Décision", widget=forms.Textarea(attrs={"rows": 3}))
    owner_user = ModelChoiceField(None, label="Porteur : agent du Département", required=False)
    owner_organisation = ModelChoiceField(None, label="Porteur : organisation", required=False)
    due_on = forms.DateField(label="Échéance", widget=DayInput())

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_user"].queryset = services.owner_users(programme=programme)  # type: ignore[attr-defined]
        self.fields["owner_user"].label_from_instance = lambda user: user.get_full_name() or user.email  # type: ignore[attr-defined]
        self.fields["owner_organisation"].queryset = services.owner_organisations(programme=programme)  # type: ignore[attr-defined]
        self.fields["owner_user"].help_text = "Au moins un porteur : un agent, une organisation, ou les deux."
        self._bound_fields_cache: dict = {}


class DecisionUpdateForm(DecisionForm):
    service_required = ("text", "due_on", "status")
    status = forms.ChoiceField(label="État", choices=DecisionStatus.choices)
    follow_up = forms.CharField(label="Suivi", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    follow_up_on = forms.DateField(label="Suivi daté du", required=False, widget=DayInput())


class DecisionDoneForm(DsfrBaseForm):
    follow_up = forms.CharField(
        label="Ce qui a été fait (facultatif)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class DecisionFilterForm(DsfrBaseForm):
    status = forms.ChoiceField(label="État", choices=[("", "Tous")] + list(DecisionStatus.choices), required=False)
    body = ModelChoiceField(None, label="Instance", required=False, empty_label="Toutes")
    late = forms.BooleanField(label="En retard seulement", required=False)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = programme.bodies.all()  # type: ignore[attr-defined]
        self._bound_fields_cache: dict = {}
