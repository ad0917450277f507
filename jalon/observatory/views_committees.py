"""The employment committees' export: a period form and the CSV of the orientation decisions (committees.py)."""

from django import forms
from django.shortcuts import render

from jalon.core.enums import Role
from jalon.core.exports import export_response
from jalon.core.forms import DayInput
from jalon.core.scoping import require_departement_staff
from jalon.observatory import oarsa_return as oarsa
from jalon.observatory.committees import HEADER, MAX_DAYS, committee_export_open


# The Département reports to the committees: its administrator and its programme pilot take the file out.
COMMITTEE_ROLES = (Role.ADMINISTRATOR, Role.PROGRAMME_PILOT)


class PeriodForm(forms.Form):
    debut = forms.DateField(label="Décisions prises à partir du", widget=DayInput())
    fin = forms.DateField(label="jusqu'au (inclus)", widget=DayInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("debut"), data.get("fin")
        if start and end:
            if end < start:
                raise forms.ValidationError("La fin de la période doit suivre son début.")
            if (end - start).days > MAX_DAYS:
                raise forms.ValidationError("La période ne peut pas dépasser trois ans.")
        return data


@require_departement_staff(*COMMITTEE_ROLES)
def committees_export(request):
    oarsa.actor_departement(request.actor)
    form = PeriodForm(request.GET or None)
    period = form.cleaned_data if form.is_bound and form.is_valid() else None
    return render(request, "observatory/committees_export.html", {"form": form, "period": period, "columns": HEADER})


@require_departement_staff(*COMMITTEE_ROLES)
def committees_csv(request):
    departement_id = oarsa.actor_departement(request.actor)
    form = PeriodForm(request.GET)
    if not form.is_valid():  # the screen says, in French, what is wrong with the period
        return render(request, "observatory/committees_export.html", {"form": form, "columns": HEADER}, status=400)
    start, end = form.cleaned_data["debut"], form.cleaned_data["fin"]
    rows = committee_export_open(actor=request.actor, departement_id=departement_id, start=start, end=end)
    return export_response(request, rows, f"decisions-orientation-{departement_id}-{start:%Y%m%d}-{end:%Y%m%d}.csv")
