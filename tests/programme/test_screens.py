"""The plan's screens as its users meet them: the pilot reads the plan and a fiche, writes the year's review,
moves a step and sets a target; a pilot organisation's own pilot edits its action; everyone else reads or gets
404. The small plan of `factories.py`: today is 15 March 2023, inside its period."""

import datetime
import html
import io
import re

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.observatory.models import IndicatorTarget
from jalon.organisations.models import Organisation
from jalon.orientation.models import Dispositif
from jalon.programme.models import ActionSheet, ProgressReview
from tests.organisations.factories import MembershipFactory
from tests.programme.factories import load_small_plan
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2023, 3, 15, 10, tzinfo=datetime.UTC)


@pytest.fixture
def plan():
    with time_machine.travel(datetime.datetime(2022, 1, 10, 9, tzinfo=datetime.UTC), tick=False):
        programme = load_small_plan().programme
    with time_machine.travel(NOW, tick=False):
        yield programme


def _cd_member(role):
    return MembershipFactory(role=role, organisation=Organisation.objects.get(kind="cd", departement_id="40"))


def _url(name, action, **extra):
    return reverse(name, kwargs={"code": action.programme.code, "pk": action.pk, **extra})


def test_the_pilot_reads_the_plan_by_axis_and_filters_it(plan, login_as):
    client = login_as(_cd_member(Role.PROGRAMME_PILOT))

    page = client.get(reverse("programme:detail", args=[plan.code])).content.decode()
    assert "A — Proposer un accompagnement adapté" in page and "A.1 — Généraliser le recueil DSP simplifié" in page
    assert "C.2 — Forum annuel" in page and "sans fiche" in page
    # The bilan step fell due in June 2022 and is not done: late. The first one (end 2021) too.
    assert "2 étapes en retard" in page

    filtered = client.get(reverse("programme:detail", args=[plan.code]), {"axis": "C"}).content.decode()
    assert "C.2 — Forum annuel" in filtered and "A.1 — Généraliser" not in filtered
    # The menu's entry lists the Département's plans.
    assert reverse("programme:detail", args=[plan.code]) in client.get(reverse("programme:list")).content.decode()


def test_the_fiche_shows_its_partners_steps_money_indicators_and_sources(plan, login_as):
    action = plan.actions.get(code="A.1")
    page = login_as(_cd_member(Role.TERRITORY_MANAGER)).get(_url("programme:action", action)).content.decode()

    assert "CAF des Landes" in page and "Association des maires des Landes" in page
    assert "Recueil par la CAF" in page and "en retard" in page
    assert "50 000 € par an" in page.replace("\xa0", " ") and "(SPIE)" in page
    assert "100 % des nouveaux entrants" in page  # the plan's wording of L01's target
    assert "2022 : 80,0 %" in page  # L03's target seeded from the plan, as the observatory shows a rate
    assert "Source : Fiche action A.1" in page
    # A manager reads; he neither edits the fiche nor sets targets.
    assert "Écrire le bilan de l'année" not in page and "Fixer une cible" not in page


def test_the_pilot_writes_the_years_review_and_the_fiche_keeps_its_versions(plan, login_as):
    action = plan.actions.get(code="A.1")
    pilot = _cd_member(Role.PROGRAMME_PILOT)
    client = login_as(pilot)

    response = client.post(
        _url("programme:action_review", action),
        {"version": 1, "year": 2023, "status": "in_progress", "summary": "Recueil généralisé à la CAF."},
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.version) == ("in_progress", 2)
    assert ProgressReview.objects.get(action=action, year=2023).author == pilot.user
    assert action.history.first().history_user == pilot.user
    assert AuditEvent.objects.filter(code=AuditCode.ACTION_SHEET_REVIEW_RECORDED, subject_id=str(action.pk)).exists()
    # The fiche as it stood in 2022 is still the planned one; today's is in progress.
    past = client.get(_url("programme:action", action), {"au": "2022-06-01"}).content.decode()
    assert "La fiche le 01/06/2022" in past and "État : prévue" in past
    assert "en cours" in client.get(_url("programme:action", action)).content.decode()


def test_a_review_from_a_stale_fiche_is_refused_and_writes_nothing(plan, login_as):
    action = plan.actions.get(code="A.1")
    client = login_as(_cd_member(Role.PROGRAMME_PILOT))
    client.post(_url("programme:action_update", action), {"version": 1, "status": "in_progress"})

    page = client.post(
        _url("programme:action_review", action),
        {"version": 1, "year": 2023, "status": "done", "summary": "Terminé."},
    ).content.decode()

    assert "modifiée par quelqu'un d'autre" in html.unescape(page)
    assert not ProgressReview.objects.exists()
    assert ActionSheet.objects.get(pk=action.pk).status == "in_progress"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"year": 2026, "status": "done", "summary": "x"}, "L'année du bilan doit être comprise entre 2021 et 2023."),
        ({"year": 2023, "status": "done", "summary": " "}, "Écrivez le bilan de l'année."),
    ],
)
def test_a_bad_review_says_why_in_french(plan, login_as, data, message):
    action = plan.actions.get(code="A.1")
    page = login_as(_cd_member(Role.PROGRAMME_PILOT)).post(
        _url("programme:action_review", action), {"version": 1, **data}
    )
    assert message in html.unescape(page.content.decode())
    assert not ProgressReview.objects.exists()


def test_a_step_is_done_not_in_the_future(plan, login_as):
    action = plan.actions.get(code="A.1")
    step = action.steps.get(title="Bilan")
    client = login_as(_cd_member(Role.PROGRAMME_PILOT))
    url = _url("programme:step_update", action, step_pk=step.pk)

    refused = client.post(url, {"done_on": "2023-04-01", "planned_end": ""}).content.decode()
    assert "Une étape ne peut être réalisée dans le futur." in refused
    step.refresh_from_db()
    assert step.done_on is None

    assert client.post(url, {"done_on": "2023-03-01", "planned_end": "2022-06-30"}).status_code == 302
    step.refresh_from_db()
    assert step.done_on == datetime.date(2023, 3, 1)
    assert "1 étape en retard" in client.get(reverse("programme:detail", args=[plan.code])).content.decode()


def test_the_pilot_sets_a_target_in_percent_kept_as_the_observatorys_share(plan, login_as):
    action = plan.actions.get(code="A.1")
    link = action.indicators.get(indicator__code="L03")
    url = _url("programme:target_set", action, indicator_pk=link.pk)

    assert login_as(_cd_member(Role.ADMINISTRATOR)).get(url).status_code == 404  # targets are the pilot's
    client = login_as(_cd_member(Role.PROGRAMME_PILOT))
    assert "Une part ne peut dépasser 100 %." in client.post(url, {"year": 2023, "value": 120}).content.decode()
    assert client.post(url, {"year": 2023, "value": 75}).status_code == 302

    assert IndicatorTarget.objects.get(indicator__code="L03", year=2023).value == 0.75
    assert "2023 : 75,0 %" in client.get(_url("programme:action", action)).content.decode()


def test_a_pilot_organisations_own_pilot_edits_its_action_and_no_other(plan, login_as):
    caf = Organisation.objects.get(name="CAF des Landes")
    own, other = plan.actions.get(code="A.1"), plan.actions.get(code="C.2")
    client = login_as(MembershipFactory(role=Role.PROGRAMME_PILOT, organisation=caf))

    assert client.get(_url("programme:action_update", own)).status_code == 200
    assert client.get(_url("programme:action_update", other)).status_code == 404
    assert "Écrire le bilan de l'année" not in client.get(_url("programme:action", other)).content.decode()
    # Its référent reads the plan his organisation signed, and edits nothing.
    referent = login_as(MembershipFactory(role=Role.REFERENT, organisation=caf))
    assert referent.get(_url("programme:action", own)).status_code == 200
    assert referent.get(_url("programme:action_update", own)).status_code == 404


def test_another_departement_and_an_unnamed_partner_find_nothing(plan, login_as):
    action = plan.actions.get(code="A.1")
    other_departement = DepartementFactory(code="64", name="Pyrénées-Atlantiques")
    outsider = MembershipFactory(role=Role.PROGRAMME_PILOT, organisation__departement=other_departement)
    unnamed = MembershipFactory(role=Role.PARTNER, organisation__departement=plan.departement)

    for membership in (outsider, unnamed):
        client = login_as(membership)
        assert client.get(reverse("programme:detail", args=[plan.code])).status_code == 404
        assert client.get(_url("programme:action", action)).status_code == 404
    assert login_as(unnamed).get(reverse("programme:list")).status_code == 404


def test_the_actions_export_as_a_workbook_row_per_action(plan, login_as):
    client = login_as(_cd_member(Role.ANALYST))
    response = client.get(reverse("programme:actions_csv", args=[plan.code]))

    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Code;Intitulé;Axe") and len(lines) == 3
    assert "A.1;Généraliser le recueil DSP simplifié;A;A-O1;oui;prévue;" in lines[1]


def test_the_pilots_home_shows_the_plan_and_its_late_steps(plan, login_as):
    page = html.unescape(login_as(_cd_member(Role.PROGRAMME_PILOT)).get(reverse("workspace:home")).content.decode())
    page = re.sub(r"\s+", " ", page)

    assert "Plan d'action" in page and "Pacte de test 2021-2025 : 2 actions (prévue : 2)." in page
    assert "2 étapes en retard" in page and "Recueil par la CAF" in page


def test_the_years_bilan_prints_each_actions_review_and_targets(plan, login_as):
    action = plan.actions.get(code="A.1")
    client = login_as(_cd_member(Role.PROGRAMME_PILOT))
    client.post(
        _url("programme:action_review", action),
        {"version": 1, "year": 2022, "status": "in_progress", "summary": "Recueil lancé avec la CAF."},
    )

    pdf = client.get(reverse("programme:bilan", args=[plan.code, 2022]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert pdf["Content-Type"] == "application/pdf"
    assert "Bilan 2022 — Pacte de test 2021-2025" in text and "Recueil lancé avec la CAF." in text
    assert "Bilan 2022 : pas encore écrit." in text  # C.2 has none
    assert "L03" in text and "80,0 %" in text  # the year's target of the rate indicator

    workbook = load_workbook(
        io.BytesIO(client.get(reverse("programme:bilan", args=[plan.code, 2022]), {"format": "xlsx"}).content)
    )
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:5] == ("Axe", "Code", "Action", "Pilotes", "État 2022") and len(rows) == 3
    assert rows[1][1] == "A.1" and rows[1][4] == "en cours" and rows[1][5] == "Recueil lancé avec la CAF."
    # A year that has not begun, or outside the plan, has no bilan.
    assert client.get(reverse("programme:bilan", args=[plan.code, 2024])).status_code == 404
    assert client.get(reverse("programme:bilan", args=[plan.code, 2020])).status_code == 404


def test_the_whole_plan_prints_axis_by_axis(plan, login_as):
    response = login_as(_cd_member(Role.ANALYST)).get(reverse("programme:plan_pdf", args=[plan.code]))

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert (
        text.index("A — Proposer un accompagnement adapté")
        < text.index("A.1 — Généraliser")
        < text.index("C — Animer une offre lisible")
    )
    assert "Source : Fiche action A.1." in text and "Page 1 sur 1" in text


def test_a_partner_system_reads_the_plan_and_updates_an_action_with_its_version(plan, login_as):
    action = plan.actions.get(code="A.1")
    client = login_as(_cd_member(Role.PROGRAMME_PILOT))
    url = reverse("api:programme_action", kwargs={"code": plan.code, "pk": action.pk})

    listed = client.get(reverse("api:programme_actions", kwargs={"code": plan.code})).json()
    assert [a["code"] for a in listed] == ["A.1", "C.2"]
    assert listed[0]["pilots"] == ["CAF des Landes", "Conseil départemental des Landes"]
    assert listed[0]["indicators"] == ["L01", "L03"] and listed[0]["steps"][0]["title"] == "Recueil par la CAF"

    updated = client.patch(url, {"version": 1, "status": "in_progress"}, content_type="application/json")
    assert updated.status_code == 200 and updated.json()["version"] == 2
    stale = client.patch(url, {"version": 1, "status": "done"}, content_type="application/json")
    assert stale.status_code == 400 and "modifiée par quelqu'un d'autre" in stale.json()["errors"]["__all__"][0]
    assert ActionSheet.objects.get(pk=action.pk).status == "in_progress"


def test_the_timeline_lists_the_steps_by_year_with_their_state(plan, login_as):
    action = plan.actions.get(code="A.1")
    action.steps.filter(title="Recueil par la CAF").update(done_on=datetime.date(2021, 12, 20))

    page = login_as(_cd_member(Role.PROGRAMME_PILOT)).get(reverse("programme:timeline", args=[plan.code]))
    text = re.sub(r"\s+", " ", html.unescape(page.content.decode()))

    assert text.index("<h2> 2021 </h2>") < text.index("Recueil par la CAF") < text.index("<h2> 2022 </h2>")
    assert "réalisée le 20/12/2021" in text
    assert text.index("<h2> 2022 </h2>") < text.index("Bilan") and "en retard" in text


def test_the_pilot_links_the_offer_the_action_runs_on_and_only_the_departements(plan, login_as):
    from tests.offer.factories import ServiceFactory

    action = plan.actions.get(code="A.1")
    own = ServiceFactory(name="Garage solidaire", departement_id="40")
    other = ServiceFactory(name="Auto-école sociale", departement=DepartementFactory(code="64", name="P.-A."))
    client = login_as(_cd_member(Role.PROGRAMME_PILOT))
    url = _url("programme:offer_link", action)

    form = client.get(url).content.decode()
    assert "Garage solidaire" in form and "Auto-école sociale" not in form
    assert client.post(url, {"services": [other.pk]}).status_code == 200  # not a choice: refused by the form
    assert not action.services.exists()
    complex_cases = Dispositif.objects.create(
        departement=plan.departement, name="Référence « cas complexes »", orientation_type="social"
    )
    assert client.post(url, {"services": [own.pk], "dispositifs": [complex_cases.pk]}).status_code == 302

    assert list(action.services.all()) == [own] and list(action.dispositifs.all()) == [complex_cases]
    page = html.unescape(client.get(_url("programme:action", action)).content.decode())
    assert "Garage solidaire" in page and "Dispositif Référence « cas complexes »" in page
