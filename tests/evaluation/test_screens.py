"""The evaluation's screens as their users meet them, on the Pyrénées-Atlantiques plan with the demo's data: the
pilot reads the référentiel and a fiche's framework, sets it up, produces its report and downloads it; the analyst
reads without editing; the calendar lists and exports; the Landes-like plan without référentiel says so."""

import datetime
import html
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from jalon.core.enums import Role
from jalon.evaluation.models import EvaluationReport, Finding, SheetEvaluation
from jalon.observatory.enums import Dimension, PeriodKind, TerritoryLevel
from jalon.observatory.models import Indicator, IndicatorValue
from tests.evaluation.factories import TODAY, pa_with_demo
from tests.programme.factories import load_small_plan


pytestmark = pytest.mark.django_db


@pytest.fixture
def pa(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(TODAY, tick=False):
        yield pa_with_demo()


def _page(client, name, **kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_pilot_reads_the_referentiel_and_the_fiches_frameworks(pa, login_as):
    programme, pilot, _analyst = pa
    client = login_as(pilot)
    IndicatorValue.objects.create(
        indicator=Indicator.objects.get(code="P02"),
        departement_id="64",
        territory_level=TerritoryLevel.DEPARTEMENT,
        territory_code="64",
        period_kind=PeriodKind.YEAR,
        period_start=datetime.date(2025, 1, 1),
        dimension=Dimension.ALL,
        segment="",
        numerator=78,
        denominator=100,
    )

    page = _page(client, "evaluation:plan", code=programme.code)
    assert "Référentiel d'évaluation du PDI/PTI 2024-2028" in page
    assert "cohérence externe" in page and "articulation entre le PDI/PTI, l'axe insertion des PST et le SPIE" in page
    assert "9 fiches sur 9 ont leur cadre d'évaluation." in page
    assert "Ouvrir un référentiel" not in page

    fiche = programme.actions.get(code="Fiche 1")
    page = _page(client, "evaluation:fiche", code=programme.code, pk=fiche.pk)
    assert "Q1 — la trame de diagnostic utilisée est-elle adaptée/pertinente ?" in page
    assert "Part des personnes qui jugent la trame adaptée à leur situation." in page  # a criterion
    assert "P10" in page and "Questionnaire aux personnes reçues" in page
    assert "<strong>78,0 %</strong> (2025)" in page  # the observatory's latest value of P02
    assert "Les personnes reçues jugent la trame claire" in page  # a finding
    assert "Mettre en place le cadre" not in page and "Modifier le cadre" in page
    # The programme's fiche page links to it, and its plan page to the plan's evaluation.
    action_page = _page(client, "programme:action", code=programme.code, pk=fiche.pk)
    assert reverse("evaluation:fiche", kwargs={"code": programme.code, "pk": fiche.pk}) in action_page
    assert reverse("evaluation:plan", kwargs={"code": programme.code}) in _page(
        client, "programme:detail", code=programme.code
    )


def test_the_analyst_reads_without_editing(pa, login_as):
    programme, _pilot, analyst = pa
    client = login_as(analyst)
    fiche = programme.actions.get(code="Fiche 4")

    page = _page(client, "evaluation:fiche", code=programme.code, pk=fiche.pk)
    assert "jugez-vous le fonctionnement des plateaux techniques pertinent et adapté ?" in page
    assert "Modifier le cadre" not in page and "Consigner un constat" not in page
    assert (
        client.get(reverse("evaluation:fiche_set", kwargs={"code": programme.code, "pk": fiche.pk})).status_code == 404
    )


def test_the_pilot_sets_up_a_fiche_framework_and_bad_input_is_refused_in_french(pa, login_as):
    programme, pilot, _analyst = pa
    client = login_as(pilot)
    fiche = programme.actions.get(code="Fiche 3")
    sheet = SheetEvaluation.objects.get(action=fiche)
    url = reverse("evaluation:fiche_set", kwargs={"code": programme.code, "pk": fiche.pk})

    refused = client.post(url, {"version": 1, "impacts": "", "owner_organisation": sheet.owner_organisation_id})
    assert "Écrivez au moins un impact attendu" in refused.content.decode()

    saved = client.post(
        url,
        {
            "version": 1,
            "impacts": "Des trajectoires suivies\nDes décisions éclairées",
            "owner_organisation": sheet.owner_organisation_id,
        },
    )
    assert saved.status_code == 302
    sheet.refresh_from_db()
    assert sheet.impacts == ["Des trajectoires suivies", "Des décisions éclairées"] and sheet.version == 2


def test_the_pilot_produces_a_report_and_downloads_each_version(pa, login_as):
    programme, pilot, _analyst = pa
    client = login_as(pilot)
    fiche = programme.actions.get(code="Fiche 9")
    generate = reverse("evaluation:report_generate", kwargs={"code": programme.code})

    with time_machine.travel(TODAY, tick=False):
        client.post(generate, {"fiche": fiche.pk, "time": "in_itinere"})
        client.post(generate, {"fiche": fiche.pk, "time": "in_itinere"})
    reports = EvaluationReport.objects.filter(action=fiche).order_by("version")
    assert [r.version for r in reports] == [1, 2]

    page = _page(client, "evaluation:fiche", code=programme.code, pk=fiche.pk)
    first = reverse("evaluation:report_download", kwargs={"code": programme.code, "pk": reports[0].pk, "fmt": "pdf"})
    assert first in page
    downloaded = client.get(first)
    assert downloaded.status_code == 200 and b"".join(downloaded.streaming_content).startswith(b"%PDF")
    docx = client.get(
        reverse("evaluation:report_download", kwargs={"code": programme.code, "pk": reports[1].pk, "fmt": "docx"})
    )
    assert docx.status_code == 200 and b"".join(docx.streaming_content).startswith(b"PK")  # a zip: the DOCX
    downloaded.close()
    docx.close()


def test_a_report_for_a_fiche_without_framework_is_refused_on_screen(pa, login_as):
    programme, pilot, _analyst = pa
    client = login_as(pilot)
    fiche = programme.actions.get(code="Fiche 8")
    SheetEvaluation.objects.filter(action=fiche).delete()

    response = client.post(
        reverse("evaluation:report_generate", kwargs={"code": programme.code}),
        {"fiche": fiche.pk, "time": "ex_post"},
        follow=True,
    )

    assert "La fiche action « Fiche 8 » n'a pas de cadre d'évaluation" in html.unescape(response.content.decode())
    assert not EvaluationReport.objects.exists()


def test_the_calendar_lists_by_date_and_exports(pa, login_as):
    programme, _pilot, analyst = pa
    client = login_as(analyst)

    page = _page(client, "evaluation:calendar", code=programme.code)
    assert "Évaluation — Fiche 1" in page and "Réunion de l'instance évaluative" in page
    assert 'class="fr-pagination' in page  # 9 × 2 evaluations and 8 work items: more than a page

    url = reverse("evaluation:calendar_export", kwargs={"code": programme.code})
    csv_text = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Date") and "Évaluation — Fiche 9" in csv_text
    workbook = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    rows = list(workbook.active.values)
    assert rows[0][0] == "Date" and len(rows) == 1 + 18 + 8


def test_a_finding_is_rewritten_and_its_earlier_wording_shows(pa, login_as):
    programme, pilot, _analyst = pa
    client = login_as(pilot)
    finding = Finding.objects.filter(question__number=1).first()
    url = reverse("evaluation:finding_update", kwargs={"code": programme.code, "pk": finding.pk})

    client.post(url, {"text": "Trame jugée trop longue", "observed_on": finding.observed_on.isoformat()})

    page = _page(client, "evaluation:finding_update", code=programme.code, pk=finding.pk)
    assert "Versions de ce constat" in page and "Les personnes reçues jugent la trame claire" in page


def test_the_api_reads_the_referentiel_calendar_and_reports(pa, login_as):
    programme, _pilot, analyst = pa
    client = login_as(analyst)

    framework = client.get(reverse("api:evaluation_framework", kwargs={"code": programme.code})).json()
    calendar = client.get(reverse("api:evaluation_calendar", kwargs={"code": programme.code})).json()
    reports = client.get(reverse("api:evaluation_reports", kwargs={"code": programme.code})).json()

    assert [q["number"] for q in framework["questions"]][:14] == list(range(1, 15))
    assert framework["questions"][0]["indicators"] == ["P01", "P02", "P10"]
    assert len(calendar) == 18 + 8 and reports == []


def test_a_plan_without_referentiel_says_so_and_offers_to_open_one(settings, login_as):
    from jalon.organisations.models import Organisation
    from tests.organisations.factories import MembershipFactory

    programme = load_small_plan().programme
    cd = Organisation.objects.get(kind="cd", departement_id="40")

    pilot_page = _page(
        login_as(MembershipFactory(role=Role.PROGRAMME_PILOT, organisation=cd)), "evaluation:plan", code=programme.code
    )
    assert "Ce plan n'écrit pas de référentiel d'évaluation" in pilot_page
    assert "Ouvrir un référentiel d'évaluation pour ce plan" in pilot_page
    assert "Ici apparaîtront" not in pilot_page
    manager_page = _page(
        login_as(MembershipFactory(role=Role.TERRITORY_MANAGER, organisation=cd)),
        "evaluation:plan",
        code=programme.code,
    )
    assert "Ouvrir un référentiel" not in manager_page
    assert reverse("programme:detail", args=[programme.code]) in manager_page  # no dead end
