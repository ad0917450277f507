"""The observatory's dashboards on the golden population (tests/observatory/test_golden.py), read from its stored
snapshots: the director summary, targets, the indicator page's chart, the homes and the territory portrait PDF.

Today is 15 January 2026: the last complete month is December 2025 and the year of the targets is 2025."""

import datetime
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.observatory import dashboards, portrait
from jalon.observatory.models import Indicator, IndicatorTarget
from jalon.observatory.services import catalogue_load, snapshot_compute
from jalon.territories.models import Departement
from tests.observatory.test_golden import world  # noqa: F401  (the golden population)
from tests.organisations.factories import MembershipFactory
from tests.territories.factories import TerritoryFactory


pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = datetime.datetime(2026, 1, 15, 12, tzinfo=datetime.UTC)
CODES = sorted(set(dashboards.HEADLINE_CODES) | set(portrait.CODES))


@pytest.fixture
def stored(world):  # noqa: F811
    catalogue_load()
    snapshot_compute(departement_id="40", today=D(2026, 1, 15), full=True, first_day=D(2025, 1, 1), codes=CODES)
    return world


def member(role, kind="cd"):
    return MembershipFactory(
        role=role, organisation__kind=kind, organisation__departement=Departement.objects.get(code="40")
    )


@pytest.fixture
def travel():
    with time_machine.travel(TODAY, tick=False):
        yield


def headline(page: str, code: str) -> str:
    start = page.index(f'data-testid="headline-{code}"')
    return page[start : page.index("</section>", start)]


def value_in(card: str) -> str:
    return re.search(r'data-testid="headline-value">([^<]*)<', card).group(1)


def test_the_summary_shows_the_hand_counted_headlines(stored, login_as, travel):
    page = login_as(member(Role.PROGRAMME_PILOT)).get(reverse("observatory:summary")).content.decode()
    assert "au dernier mois complet : décembre 2025" in page
    # L69: 10 people subject on 31/12/2025; B1: 8 of them oriented; L10: no exit in December (G left in March).
    assert value_in(headline(page, "L69")) == "10"
    assert value_in(headline(page, "B1")) == "80,0 %"
    assert value_in(headline(page, "L10")) == "0"
    # By territory (December): MdM 5 (A, B, C, H, N), Dax 3 (D, E, O); the Département as reference.
    card = headline(page, "L69")
    assert '<th scope="row">MdM</th>\n                                  <td>5</td>' in card
    assert '<th scope="row">Dax</th>\n                                  <td>3</td>' in card
    assert '<th scope="row">Département</th>' in card
    # A sparkline and a comparison chart, each an accessible image.
    assert card.count('role="img"') == 2
    # Twelve months in the trend's table, from January to December 2025.
    assert '<th scope="row">Janvier 2025</th>' in card and '<th scope="row">Décembre 2025</th>' in card


def test_the_summary_reads_a_constant_number_of_queries(stored, login_as, travel, django_assert_max_num_queries):
    client = login_as(member(Role.ANALYST))
    url = reverse("observatory:summary")
    client.get(url)  # warms the session and the caches of the first request
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(12):
        TerritoryFactory(departement=Departement.objects.get(code="40"), name=f"Territoire {index:02d}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "Territoire 11" in response.content.decode()


def test_a_manager_sees_his_territories_only(stored, login_as, travel):
    manager = member(Role.TERRITORY_MANAGER, kind="sdsei")
    manager.territories.set([stored.t_dax])
    page = login_as(manager).get(reverse("observatory:summary")).content.decode()
    card = headline(page, "L69")
    assert value_in(card) == "3"  # Dax: D, E, O
    assert "MdM" not in page and '<th scope="row">Département</th>' not in page


def test_the_pilot_sets_a_target_shown_on_the_summary_and_the_indicator_page(stored, login_as, travel):
    pilot = member(Role.PROGRAMME_PILOT)
    client = login_as(pilot)
    b1 = Indicator.objects.get(code="B1")
    response = client.post(reverse("observatory:targets"), {"indicator": b1.pk, "year": 2025, "value": "85"})
    assert response.status_code == 302
    target = IndicatorTarget.objects.get(indicator=b1, year=2025, territory=None)
    assert target.value == pytest.approx(0.85) and target.set_by == pilot.user
    assert AuditEvent.objects.filter(code=AuditCode.OBSERVATORY_TARGET_SET, subject_id=str(target.pk)).exists()
    # Setting it again replaces it.
    client.post(reverse("observatory:targets"), {"indicator": b1.pk, "year": 2025, "value": "90"})
    assert IndicatorTarget.objects.get(indicator=b1, year=2025, territory=None).value == pytest.approx(0.9)

    card = headline(client.get(reverse("observatory:summary")).content.decode(), "B1")
    # The year 2025's B1 is 8 / 10 = 80 %, under the 90 % target.
    assert "Objectif 2025 : <strong>90,0 %</strong>" in card and "depuis janvier : 80,0 %" in card
    assert "pas atteint" in card
    with time_machine.travel(datetime.datetime(2025, 12, 20, 12, tzinfo=datetime.UTC), tick=False):
        indicator_page = client.get(reverse("observatory:indicator", args=["B1"])).content.decode()
    assert "Objectifs de B1 et valeurs atteintes" in indicator_page
    assert "<td>90,0 %</td>" in indicator_page and "<td>80,0 %</td>" in indicator_page
    assert 'class="jalon-chart__target"' in indicator_page  # the year's target drawn on the chart


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("B1", "150", "Une part s&#x27;exprime entre 0 et 100 %."),
        ("L69", "-3", "L&#x27;objectif ne peut pas être négatif."),
        ("L69", "12,5", "Un nombre de personnes s&#x27;écrit sans décimale."),
    ],
)
def test_a_target_out_of_its_unit_is_refused_in_french(stored, login_as, code, value, message):
    client = login_as(member(Role.PROGRAMME_PILOT))
    indicator = Indicator.objects.get(code=code)
    response = client.post(reverse("observatory:targets"), {"indicator": indicator.pk, "year": 2025, "value": value})
    assert response.status_code == 200 and message in response.content.decode()
    assert not IndicatorTarget.objects.exists()


def test_only_the_pilot_sets_targets(stored, login_as):
    b1 = Indicator.objects.get(code="B1")
    for role in (Role.ANALYST, Role.TERRITORY_MANAGER, Role.ADMINISTRATOR):
        response = login_as(member(role)).post(reverse("observatory:targets"), {"indicator": b1.pk, "year": 2025})
        assert response.status_code == 404
    assert not IndicatorTarget.objects.exists()


def test_homes_show_the_headlines_and_the_catalogue_shares(stored, login_as, travel):
    pilot_home = login_as(member(Role.PROGRAMME_PILOT)).get(reverse("workspace:home")).content.decode()
    assert "Synthèse de l&#x27;observatoire" in pilot_home or "Synthèse de l'observatoire" in pilot_home
    assert "Personnes soumises aux droits et devoirs : <strong>10</strong>" in pilot_home
    assert 'data-testid="catalogue-shares"' not in pilot_home
    analyst_home = login_as(member(Role.ANALYST)).get(reverse("workspace:home")).content.decode()
    total = Indicator.objects.count()
    computed = Indicator.objects.filter(source="calcule").count()
    assert f"Calculé par Jalon : {computed} ({computed * 100 / total:.0f} %)" in analyst_home
    assert "Ici apparaîtront" not in pilot_home + analyst_home


def pdf_lines(content: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages).splitlines()


def row(lines: list[str], label: str) -> str:
    """The place's and the Département's cells of a table row (each cell is a line of the PDF's text)."""
    assert label in lines, f"{label!r} absent du portrait"
    index = lines.index(label)
    return f"{lines[index + 1]} {lines[index + 2]}"


def test_the_territory_portrait_prints_the_hand_counted_figures_under_secrecy(stored, login_as, travel):
    client = login_as(member(Role.PROGRAMME_PILOT))
    url = reverse("observatory:portrait_pdf", args=["territoire", stored.t_mdm.pk, 2025])
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    lines = pdf_lines(response.content)
    # Population on 31/12/2025: MdM 5 (A, B, C, H, N), the Département 10; 4 years or more: none in MdM, D, O, P
    # in the Département (3: « < 5 »); 60 or older: none in MdM, D and P (2).
    assert row(lines, "Personnes soumises aux droits et devoirs") == "5 10"
    assert row(lines, "dont droit ouvert depuis 4 ans ou plus") == "0 < 5"
    assert row(lines, "dont âgées de 60 ans ou plus") == "0 < 5"
    # By sex: MdM women A, C, N (3) and men B, H (2) are hidden; the Département's 5 and 5 are printed.
    assert row(lines, "femmes") == "< 5 5" and row(lines, "hommes") == "< 5 5"
    # B1: MdM 4 of 5 oriented (N not) and the Département 8 of 10: each would give back a count under 5 → « s ».
    assert row(lines, "Part des personnes soumises aux droits et devoirs orientées") == "s s"
    # B13: the Département's 5 entrants, 274 days → 54,8; MdM's 4 entrants (A, B, C, H) are too few.
    assert row(lines, "Délai moyen de la demande à la primo-orientation (jours)") == "s 54,8"
    # Exits: none in MdM, G in Dax (1: « < 5 »).
    assert row(lines, "Sorties du RSA (foyers)") == "0 < 5"
    # Households in the Département: alone 7, couple with children 2, alone with a child 1: the 2 and 1 are hidden
    # and so is the 7, otherwise 10 − 7 would give their sum back.
    assert row(lines, "couple avec enfant(s)").endswith("< 5")
    assert row(lines, "personne seule sans enfant").endswith("< 5")


def test_portraits_of_an_epci_and_a_manager_outside_his_territory(stored, login_as, travel):
    client = login_as(member(Role.ANALYST))
    page = client.get(reverse("observatory:portraits")).content.decode()
    assert "Marsan Agglo" in page and "2025" in page
    epci = client.get(reverse("observatory:portrait_pdf", args=["epci", stored.agglo.code, 2025]))
    assert row(pdf_lines(epci.content), "Personnes soumises aux droits et devoirs") == "5 10"
    manager = member(Role.TERRITORY_MANAGER, kind="sdsei")
    manager.territories.set([stored.t_dax])
    other = login_as(manager).get(reverse("observatory:portrait_pdf", args=["territoire", stored.t_mdm.pk, 2025]))
    assert other.status_code == 404
    assert client.get(reverse("observatory:portrait_pdf", args=["commune", "40192", 2025])).status_code == 404
