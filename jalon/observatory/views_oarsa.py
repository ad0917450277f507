"""The national return (DREES OARSA) screens: the return of a year, the persons behind a figure, the DREES
workbook and the pseudonymised individual-history export. Thin: everything is read in `oarsa_return` and
`oarsa_history`."""

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.exports import export_response
from jalon.core.scoping import require_departement_staff
from jalon.observatory import oarsa_return as oarsa
from jalon.observatory.oarsa_history import history_export_open
from jalon.observatory.oarsa_xlsx import DEFINITIONS, oarsa_workbook


# The return is the Département's: its programme pilot, its analyst and its administrator (who signs it off).
RETURN_ROLES = (Role.PROGRAMME_PILOT, Role.ANALYST, Role.ADMINISTRATOR)
# The individual histories are a study file: only those who study (the analyst and the pilot) take it out.
HISTORY_ROLES = (Role.PROGRAMME_PILOT, Role.ANALYST)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class YearForm(forms.Form):
    annee = forms.TypedChoiceField(label="Année (situation au 31 décembre)", coerce=int)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [(year, str(year)) for year in years]
        self.fields["annee"].error_messages["invalid_choice"] = "Choisissez une année parmi celles proposées."


def _year(request, today) -> int:
    return oarsa.year_or_404(request.GET.get("annee"), today)


@require_departement_staff(*RETURN_ROLES)
def oarsa_return(request):
    today = timezone.localdate()
    departement_id = oarsa.actor_departement(request.actor)
    years = oarsa.available_years(departement_id, today)
    year = oarsa.default_year(today)
    form = YearForm(request.GET or None, years=years)
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["annee"]
    elif not form.is_bound:
        form = YearForm(initial={"annee": year}, years=years)
    result = oarsa.oarsa_return(departement_id=departement_id, year=year, today=today)
    return render(
        request,
        "observatory/oarsa_return.html",
        {
            "form": form,
            "result": result,
            "definitions": DEFINITIONS,
            "codes": oarsa.CODE_LABELS,
            "may_export_history": request.actor.acts_for_departement(*HISTORY_ROLES),
            "numerator": oarsa.NUMERATOR,
            "denominator": oarsa.DENOMINATOR,
        },
    )


@require_departement_staff(*RETURN_ROLES)
def oarsa_workbook_download(request):
    today = timezone.localdate()
    departement_id = oarsa.actor_departement(request.actor)
    result = oarsa.oarsa_return(departement_id=departement_id, year=_year(request, today), today=today)
    oarsa.workbook_export_record(actor=request.actor, result=result)
    response = HttpResponse(oarsa_workbook(result), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="oarsa-{departement_id}-{result.year}.xlsx"'
    return response


def _drill(request):
    today = timezone.localdate()
    departement_id = oarsa.actor_departement(request.actor)
    drill = oarsa.drill_for(
        code=request.GET.get("indicateur", ""),
        year=_year(request, today),
        side=request.GET.get("cote", ""),
    )
    return departement_id, drill


@require_departement_staff(*RETURN_ROLES)
def oarsa_persons(request):
    departement_id, drill = _drill(request)
    page = oarsa.drill_page_open(
        actor=request.actor, departement_id=departement_id, drill=drill, page_number=request.GET.get("page")
    )
    return render(
        request,
        "observatory/oarsa_persons.html",
        {
            "drill": drill,
            "page_obj": page,
            "numerator": oarsa.NUMERATOR,
            "denominator": oarsa.DENOMINATOR,
            "export_query": request.GET.urlencode(),
        },
    )


@require_departement_staff(*RETURN_ROLES)
def oarsa_persons_csv(request):
    departement_id, drill = _drill(request)
    rows = oarsa.drill_export_open(actor=request.actor, departement_id=departement_id, drill=drill)
    return export_response(request, rows, f"oarsa-{drill.year}-{drill.code}-{drill.side}.csv")


@require_departement_staff(*HISTORY_ROLES)
def oarsa_history_csv(request):
    today = timezone.localdate()
    departement_id = oarsa.actor_departement(request.actor)
    year = _year(request, today)
    rows = history_export_open(actor=request.actor, departement_id=departement_id, year=year)
    return export_response(request, rows, f"historiques-individuels-{departement_id}-{year}.csv")
