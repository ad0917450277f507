from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from jalon.core.enums import Role
from jalon.core.scoping import require_roles
from jalon.intake import selectors, services
from jalon.intake.forms import DspForm


DSP_EDIT_ROLES = (Role.ADMINISTRATOR, Role.ORIENTATION_OFFICER, Role.REFERENT)


def _person_url(person) -> str:
    return reverse("people:detail", args=[person.pk])


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in error.messages:
            form.add_error(None, message)


@require_roles(*DSP_EDIT_ROLES)
def dsp_edit(request, person_pk):
    person, dsp = selectors.dsp_get(actor=request.actor, person_pk=person_pk)
    form = DspForm(request.POST or None, dsp=dsp)
    person_url = _person_url(person)
    if request.method == "POST" and form.is_valid():
        try:
            services.dsp_update(actor=request.actor, person=person, data=form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Les données socio-professionnelles de {person} ont été enregistrées.")
            return redirect(person_url)
    return render(
        request, "intake/dsp_form.html", {"form": form, "person": person, "dsp": dsp, "person_url": person_url}
    )
