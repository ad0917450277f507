from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm

from jalon.core.enums import AuditCode


class DayInput(forms.DateInput):
    """A browser date picker. Its value must be ISO (AAAA-MM-JJ): given the French format, the browser shows an
    empty field and a form edited again loses its date."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ServiceCheckedForm(DsfrBaseForm):
    """A form whose service says what is missing, in the same words for the screen and the API: the fields listed in
    `service_required` show as required (no « (Optionnel) » beside them) but an empty one reaches the service, which
    refuses it with its own message."""

    service_required: tuple[str, ...] = ()
    use_required_attribute = False  # the browser lets the form through; the service answers

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.service_required:
            self.fields[name].required = True

    def _clean_fields(self):
        fields = [self.fields[name] for name in self.service_required if name in self.fields]
        for field in fields:
            field.required = False
        try:
            super()._clean_fields()
        finally:
            for field in fields:
                field.required = True


class ModelChoiceField(forms.ModelChoiceField):
    """A choice among rows whose empty choice reads « — », as the other selects do, rather than Django's dashes."""

    def __init__(self, queryset, *, empty_label="—", **kwargs):
        super().__init__(queryset, empty_label=empty_label, **kwargs)


class FilteredSelect(forms.Select):
    """A select whose options follow another field of the form: each option lists the values of that field it
    belongs to (`groups`: option value → values), and the page's script (static/jalon/pickers.js) shows only the
    options of the value chosen there. Without the script every option stays, and the service still checks."""

    def __init__(self, *, filtered_by: str, groups: dict | None = None, attrs=None):
        super().__init__(attrs={**(attrs or {}), "data-filtered-by": f"id_{filtered_by}"})
        self.groups = groups or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        key = getattr(value, "value", value)  # ModelChoiceIteratorValue
        if key in self.groups:
            option["attrs"]["data-filter-values"] = " ".join(str(v) for v in self.groups[key])
        return option


class AuditFilterForm(DsfrBaseForm):
    code = forms.TypedChoiceField(
        label="Événement",
        choices=[("", "Tous")] + list(AuditCode.choices),
        coerce=int,
        empty_value=None,
        required=False,
    )
    actor = forms.CharField(label="Auteur (e-mail)", required=False, max_length=254)
    start = forms.DateField(label="Du", required=False, widget=DayInput())
    end = forms.DateField(label="Au", required=False, widget=DayInput())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            raise forms.ValidationError("La date de début doit précéder la date de fin.")
        return cleaned


def add_service_errors(form, error) -> None:
    """Show a service's ValidationError on the form: on its field when the service names one, else on the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in error.messages:
            form.add_error(None, message)


@dataclass(frozen=True)
class Written:
    result: Any


def submitted_write(request, form, write: Callable[[dict], Any]) -> Written | None:
    """The write of a form screen: on a valid POST, `write(cleaned_data)` calls the service and its result comes
    back `Written`; None otherwise, with the service's refusal shown on the form (nothing was written then)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return Written(write(form.cleaned_data))
    except ValidationError as error:
        add_service_errors(form, error)
        return None
