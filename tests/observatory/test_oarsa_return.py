"""The OARSA return of the golden Département (tests/observatory/test_golden.py): its layout, the DREES codes, the
persons behind each figure, the DREES workbook and the pseudonymised individual histories. Every expected value is
counted by hand in the comment beside it."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.notebook.models import ContractType, FreinCategory
from jalon.observatory import oarsa_return as oarsa
from jalon.observatory.oarsa_history import history_rows, pseudonym, pseudonym_key
from jalon.people.crypto import nir_encrypt, nir_hash
from tests.observatory.test_golden import world  # noqa: F401  (the golden Département)
from tests.organisations.factories import MembershipFactory


pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 4)


def _return(year=2025):
    return oarsa.oarsa_return(departement_id="40", year=year, today=TODAY)


def test_the_return_follows_the_questionnaire(world):  # noqa: F811
    result = _return()
    assert [block.key for block in result.blocks] == ["orientation", "organismes", "cer", "delais", "actions"]
    assert oarsa.CODES == tuple(f"B{n}" for n in range(1, 21))
    assert not result.provisional
    # The figures of test_golden.test_oarsa, each with its two counts: B1 8 oriented of 10 SDD on 31/12/2025.
    b1 = result.figure("B1")
    assert (b1.numerator, b1.denominator, b1.display, b1.sheet_value) == (8, 10, "80,0 %", 80.0)
    # By seniority: < 6 months E (1 / 1); 6–12 months A, B, C, H of A, B, C, F, H; ≥ 1 year D, O, P of D, N, O, P.
    assert [(result.figure(c).numerator, result.figure(c).denominator) for c in ("B2", "B3", "B4")] == [
        (1, 1),
        (4, 5),
        (3, 4),
    ]
    # By organisme, among the 8 oriented: FT B, C, O; SPE other E; Département A, D, H; elsewhere P.
    assert [result.figure(c).numerator for c in ("B5", "B6", "B7", "B8")] == [3, 1, 3, 1]
    # B11: A and D have a CER valid on 31/12 among A, D, H (Département) → 66,7 %.
    assert result.figure("B11").display == "66,7 %" and result.figure("B11").sheet_value == 66.7
    # B13: A 54, B 68, C 68, E 14, H 70 days → 274 / 5 = 54,8 days.
    assert result.figure("B13").sheet_value == 54.8 and result.figure("B13").status == ""
    assert _return(2026).provisional


def test_codes_nd_nc_nr(world):  # noqa: F811
    result = _return()
    # B17 (social link): no frein of the référentiel maps to « remobilisation » → ND, with the reason.
    assert result.figure("B17").status == oarsa.ND and "remobilisation" in result.figure("B17").reason
    assert result.figure("B17").display == "ND"
    # Once an administrator maps a frein to it, it is measured: nobody's CER holds it → 0 / 2.
    FreinCategory.objects.create(code="lien_social", label="lien social", thematiques=["remobilisation--lien-social"])
    b17 = _return().figure("B17")
    assert (b17.status, b17.numerator, b17.denominator) == ("", 0, 2)
    # 2016: P alone is SDD on 31/12 (right of 2015, oriented in 2016): B1 1 / 1; nobody under 6 months → B2 NC;
    # no entrant of 2016 → B13 NC.
    old = _return(2016)
    assert old.figure("B1").display == "100,0 %"
    assert old.figure("B2").status == oarsa.NC and old.figure("B13").status == oarsa.NC
    # 2014: no right of the Département was open by 31/12/2014 → every figure NR.
    assert {f.status for block in _return(2014).blocks for f in block.figures} == {oarsa.NR}
    # Without a CER type, the CER figures cannot be told apart → ND, the others still computed.
    ContractType.objects.filter(code="cer").update(code="contrat")
    no_cer = _return()
    assert {no_cer.figure(c).status for c in ("B9", "B10", "B14", "B15", "B20")} == {oarsa.ND}
    assert no_cer.figure("B1").status == ""


def _names(world, *letters):  # noqa: F811
    return sorted(str(world.people[letter].pk) for letter in letters)


def _drilled(world, code, side):  # noqa: F811
    drill = oarsa.drill_for(code=code, year=2025, side=side)
    actor = _analyst_actor(world)
    return drill, list(oarsa.drill_persons(actor=actor, departement_id="40", drill=drill))


def _analyst_actor(world):  # noqa: F811
    from jalon.core.scoping import Actor

    membership = MembershipFactory(role=Role.ANALYST, organisation=world.cd)
    return Actor(user=membership.user, membership=membership)


def test_drilling_into_a_figure_lists_its_persons(world):  # noqa: F811
    # B1: A (effectif A) = the 8 oriented; effectif B = the 10 SDD (F and N not oriented).
    _, numerator = _drilled(world, "B1", oarsa.NUMERATOR)
    assert sorted(str(p.pk) for p in numerator) == _names(world, "A", "B", "C", "D", "E", "H", "O", "P")
    _, denominator = _drilled(world, "B1", oarsa.DENOMINATOR)
    assert sorted(str(p.pk) for p in denominator) == _names(world, "A", "B", "C", "D", "E", "F", "H", "N", "O", "P")
    # B5: oriented to France Travail on 31/12: B, C, O, shown with their organisme.
    _, ft = _drilled(world, "B5", oarsa.NUMERATOR)
    assert {p.drill_organisme for p in ft} == {"FT"} and len(ft) == 3
    # B13, a mean: the persons counted (A, B, C, E, H) with their days, whatever side is asked.
    drill, counted = _drilled(world, "B13", oarsa.NUMERATOR)
    assert drill.side == oarsa.DENOMINATOR and drill.is_mean
    days = {str(p.pk): p.obs_num for p in counted}
    assert sorted(days) == _names(world, "A", "B", "C", "E", "H")
    assert days[str(world.people["E"].pk)] == 14 and days[str(world.people["A"].pk)] == 54


@pytest.fixture
def analyst(world, login_as):  # noqa: F811
    return login_as(MembershipFactory(role=Role.ANALYST, organisation=world.cd))


def test_return_screen_and_drill_are_audited(world, analyst):  # noqa: F811
    response = analyst.get(reverse("observatory:oarsa_return"), {"annee": 2025})
    assert response.status_code == 200
    assert "80,0 %" in response.content.decode() and "ND" in response.content.decode()
    # A year outside the choices is refused in French, the last closed year shown instead.
    refused = analyst.get(reverse("observatory:oarsa_return"), {"annee": "1990"})
    assert "Choisissez une année parmi celles proposées." in refused.content.decode()
    page = analyst.get(
        reverse("observatory:oarsa_persons"), {"annee": 2025, "indicateur": "B1", "cote": oarsa.NUMERATOR}
    )
    assert page.status_code == 200 and world.people["A"].last_name.upper() in page.content.decode()
    event = AuditEvent.objects.get(code=AuditCode.OARSA_PERSONS_VIEWED)
    assert sorted(str(pk) for pk in event.data["persons"]) == _names(world, "A", "B", "C", "D", "E", "H", "O", "P")
    assert event.data["indicator"] == "B1"
    export = analyst.get(
        reverse("observatory:oarsa_persons_csv"), {"annee": 2025, "indicateur": "B13", "cote": oarsa.DENOMINATOR}
    )
    lines = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode().lstrip("\ufeff")), delimiter=";"))
    assert lines[0][-1] == "Délai (jours)" and sorted(int(line[-1]) for line in lines[1:]) == [14, 54, 68, 68, 70]
    assert AuditEvent.objects.filter(code=AuditCode.OARSA_PERSONS_EXPORTED).count() == 1
    # An unknown indicator is not found.
    assert analyst.get(reverse("observatory:oarsa_persons"), {"annee": 2025, "indicateur": "L69"}).status_code == 404


def test_the_workbook_in_the_drees_layout(world, analyst):  # noqa: F811
    response = analyst.get(reverse("observatory:oarsa_xlsx"), {"annee": 2025})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "1 - Orientation",
        "2 - Organismes référents",
        "3 - CER",
        "4 - Délais",
        "5 - Actions des CER",
        "Définitions",
    ]
    sheet = book["1 - Orientation"]
    assert sheet["D5"].value == 2025
    # Row 6 B1: 8 / 10 = 80 %; rows 7–9 B2–B4: 1 / 1, 4 / 5, 3 / 4.
    assert [sheet[f"G{r}"].value for r in range(6, 10)] == ["B1", "B2", "B3", "B4"]
    assert [sheet[f"D{r}"].value for r in range(6, 10)] == [80.0, 100.0, 80.0, 75.0]
    assert (sheet["E6"].value, sheet["F6"].value) == (8, 10)
    assert sheet["C7"].value == "… de moins de 6 mois"
    delays = book["4 - Délais"]
    # B13 274 / 5 = 54,8 days; B14 A alone, 27 days.
    assert (delays["D6"].value, delays["E6"].value, delays["F6"].value) == (54.8, 274, 5)
    assert delays["D7"].value == 27.0
    actions = book["5 - Actions des CER"]
    # B15 1 / 2 = 50 %; B17 ND with its reason and no counts.
    assert actions["D6"].value == 50.0
    assert (actions["G8"].value, actions["D8"].value, actions["E8"].value) == ("B17", "ND", None)
    assert "remobilisation" in actions["H8"].value
    definitions = book["Définitions"]
    codes = [definitions[f"B{r}"].value for r in range(6, 26)]
    assert codes == list(oarsa.CODES)
    assert AuditEvent.objects.filter(code=AuditCode.OARSA_WORKBOOK_EXPORTED).count() == 1


CODED_COLUMNS = {"annee_naissance", "sexe", "commune_residence"}


def test_the_individual_histories_leave_pseudonymised(world, login_as):  # noqa: F811
    a = world.people["A"]
    type(a).objects.filter(pk=a.pk).update(
        nir_encrypted=nir_encrypt("2800540192123"),
        nir_hash=nir_hash("2800540192123"),
        address="12 rue des Arènes",
        postal_code="40000",
        phone="0612345678",
    )
    pilot = login_as(MembershipFactory(role=Role.PROGRAMME_PILOT, organisation=world.cd))
    response = pilot.get(reverse("observatory:oarsa_history_csv"), {"annee": 2025})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    lines = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    # A coded column (birth year, sex, commune) may hold a number equal to some small primary key: the key is looked
    # for in the others.
    free_cells = {value for line in lines for column, value in line.items() if column not in CODED_COLUMNS}
    for person in world.people.values():
        for leak in (person.last_name, person.first_name, person.birth_date.isoformat()):
            assert f";{leak};" not in f";{text.replace(chr(10), ';')};"
        assert str(person.pk) not in free_cells
    for leak in ("2800540192123", nir_hash("2800540192123"), "rue des Arènes", "40000", "0612345678", "01/05/1980"):
        assert leak not in text
    key = pseudonym_key()
    a_lines = [line for line in lines if line["identifiant"] == pseudonym(a.pk, key)]
    # A: her right (opened 01/02/2025), droits et devoirs, the orientation of 05/03/2025 to the Département, two
    # CERs; birth year 1980, Mont-de-Marsan.
    assert {(line["evenement"], line["debut"]) for line in a_lines} == {
        ("droit_rsa", "2025-02-01"),
        ("droits_et_devoirs", "2025-02-01"),
        ("orientation", "2025-03-05"),
        ("contrat", "2025-04-01"),
        ("contrat", "2025-10-01"),
    }
    assert {(line["annee_naissance"], line["commune_residence"]) for line in a_lines} == {("1980", "40192")}
    assert [line["categorie_organisme"] for line in a_lines if line["evenement"] == "orientation"] == ["departement"]
    assert any("B15" in line["precision"] and "B18" in line["precision"] for line in a_lines)
    # SDD on one day of 2025 at least: A, B, C, D, E, F, G (closed 31/03), H, N, O, P and R (left F on 30/06): 12.
    assert len({line["identifiant"] for line in lines}) == 12
    event = AuditEvent.objects.get(code=AuditCode.OARSA_HISTORY_EXPORTED)
    assert len(event.data["persons"]) == 12
    # The identifier is stable within the export (and from one export to the next with the same key).
    actor_rows = list(history_rows(persons=[a], year=2025))
    assert {row[0] for row in actor_rows[1:]} == {pseudonym(a.pk, key)}


def test_the_individual_histories_are_for_the_analyst_and_the_pilot(world, login_as):  # noqa: F811
    admin = login_as(MembershipFactory(role=Role.ADMINISTRATOR, organisation=world.cd))
    assert admin.get(reverse("observatory:oarsa_history_csv"), {"annee": 2025}).status_code == 404
    page = admin.get(reverse("observatory:oarsa_return"), {"annee": 2025})
    assert page.status_code == 200 and reverse("observatory:oarsa_history_csv") not in page.content.decode()


def test_the_return_reads_the_year_the_observatory_stored(world, analyst):  # noqa: F811
    from jalon.observatory.models import IndicatorValue
    from jalon.observatory.services import catalogue_load, snapshot_compute

    computed_here = _return()
    assert computed_here.computed_on is None
    catalogue_load()
    snapshot_compute(
        departement_id="40", today=datetime.date(2026, 1, 15), full=True, first_day=datetime.date(2025, 1, 1)
    )
    stored = _return()
    assert stored.computed_on == datetime.date(2026, 1, 15)
    # The same figures, read instead of computed (the ND ones stay ND: nothing to read for them).
    assert [(f.code, f.numerator, f.denominator, f.status) for b in stored.blocks for f in b.figures] == [
        (f.code, f.numerator, f.denominator, f.status) for b in computed_here.blocks for f in b.figures
    ]
    # What is shown is the stored value: B1's 8 of 10, changed in the store to 7, reads 7 (70,0 %).
    IndicatorValue.objects.filter(
        indicator__code="B1",
        period_kind="annee",
        period_start=datetime.date(2025, 1, 1),
        territory_code="40",
        dimension="",
    ).update(numerator=7)
    page = analyst.get(reverse("observatory:oarsa_return"), {"annee": 2025}).content.decode()
    assert "70,0 %" in page and "Chiffres du calcul de l'observatoire du 15/01/2026" in page
