from django import forms
from dsfr.forms import DsfrBaseForm

from jalon.core.enums import Role
from jalon.core.forms import DayInput, ModelChoiceField, ServiceCheckedForm
from jalon.programme.models import ActionSheet
from jalon.programme.network.enums import DocumentKind, EventKind


class EventFilterForm(DsfrBaseForm):
    quand = forms.ChoiceField(label="Période", required=False, choices=[("a_venir", "À venir"), ("passes", "Passés")])
    format = forms.ChoiceField(label="Format", required=False, choices=[("", "Tous"), *EventKind.choices])
    action = forms.TypedChoiceField(label="Fiche action", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Toutes")] + [(a.pk, str(a)) for a in programme.actions.all()]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class EventForm(ServiceCheckedForm):
    service_required = ("title", "kind", "starts_at")
    title = forms.CharField(label="Intitulé", max_length=255)
    kind = forms.ChoiceField(label="Format", choices=[("", "—"), *EventKind.choices])
    starts_at = forms.DateTimeField(label="Début", widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])
    ends_at = forms.DateTimeField(
        label="Fin", widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"], required=False
    )
    place = forms.CharField(label="Lieu", max_length=255, required=False)
    online = forms.BooleanField(label="À distance (webinaire, visioconférence)", required=False)
    action = ModelChoiceField(ActionSheet.objects.none(), label="Fiche action", required=False)
    capacity = forms.IntegerField(
        label="Places", required=False, help_text="Laissez vide si elles ne sont pas limitées."
    )
    description = forms.CharField(label="Présentation", widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = programme.actions.all()


class AttendanceForm(DsfrBaseForm):
    present = forms.MultipleChoiceField(label="Présents", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (r.pk, f"{r.user.get_full_name() or r.user.email} ({r.organisation})") for r in registrations
        ]


class DocumentFilterForm(DsfrBaseForm):
    nature = forms.ChoiceField(label="Nature", required=False, choices=[("", "Toutes"), *DocumentKind.choices])
    action = forms.TypedChoiceField(label="Fiche action", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Toutes")] + [(a.pk, str(a)) for a in programme.actions.all()]


class VersionForm(ServiceCheckedForm):
    service_required = ("version", "dated", "file")
    version = forms.CharField(label="Version", max_length=20, help_text="Par exemple v2 ou 2026.")
    dated = forms.DateField(label="Date du document", widget=DayInput())
    file = forms.FileField(label="Fichier", help_text="PDF, image, tableur ou texte, 10 Mo au plus.")
    note = forms.CharField(label="Ce qui change", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class DocumentForm(VersionForm):
    service_required = ("title", "kind", "version", "dated", "file")
    title = forms.CharField(label="Titre", max_length=255)
    kind = forms.ChoiceField(label="Nature", choices=[("", "—"), *DocumentKind.choices])
    action = ModelChoiceField(ActionSheet.objects.none(), label="Fiche action", required=False)
    visible_roles = forms.MultipleChoiceField(
        label="Visible par",
        required=False,
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Aucun rôle coché : tous les lecteurs du plan.",
    )
    description = forms.CharField(label="Présentation", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    field_order = ["title", "kind", "action", "visible_roles", "description", "version", "dated", "file", "note"]

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = programme.actions.all()
