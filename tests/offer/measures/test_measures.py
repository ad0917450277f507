import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.notebook.models import Notebook
from jalon.offer.measures import services
from jalon.offer.measures.figures import offer_figures
from jalon.offer.models import Measure, PathStep, PlateauTechnique, Referral, ReferralStatus
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Orientation, ReferentAssignment
from tests.conftest import actor_for
from tests.offer.factories import ServiceFactory, StructureFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import PersonFactory
from tests.territories.factories import DepartementFactory


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def world(db):
    landes = DepartementFactory(code="40")
    agency = OrganisationFactory(kind="france_travail", departement=landes)
    referent = MembershipFactory(role=Role.REFERENT, organisation=agency)
    return landes, agency, referent


def _carnet(world, **person) -> Notebook:
    landes, agency, referent = world
    person = PersonFactory(departement=landes, **person)
    Orientation.objects.create(
        person=person,
        orientation_type=OrientationType.PROFESSIONAL,
        organisation=agency,
        referent=referent.user,
        decided_on=datetime.date(2026, 6, 1),
    )
    ReferentAssignment.objects.create(person=person, referent=referent.user, organisation=agency)
    return Notebook.objects.create(person=person)


def _record(world, notebook, **data):
    notebook.refresh_from_db()
    return services.measure_record(actor=actor_for(world[2]), notebook=notebook, version=notebook.version, **data)


# --- recording --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"kind": "pmsmp", "employer_name": "Boulangerie Dupin", "ends_on": datetime.date(2026, 12, 15)},
            "ends_on",
            "Une immersion (PMSMP) dure un mois au plus",
        ),
        ({"kind": "pmsmp", "ends_on": datetime.date(2026, 11, 20)}, "employer_name", "structure qui accueille"),
        ({"kind": "iae", "weekly_hours": Decimal(26)}, "siae_kind", "type de SIAE"),
        ({"kind": "pec", "employer_name": "EHPAD Les Pins", "weekly_hours": Decimal(15)}, "weekly_hours", "20 heures"),
        ({"kind": "clause"}, "hours_done", "heures réalisées"),
        ({"kind": "avip"}, "employer_name", "crèche"),
        ({"kind": "service_civique", "ends_on": datetime.date(2026, 10, 1)}, "ends_on", "ne peut pas précéder"),
        (
            {"kind": "pec", "employer_name": "EHPAD", "weekly_hours": Decimal(20), "employer_siret": "123"},
            "employer_siret",
            "14 chiffres",
        ),
    ],
)
def test_each_kind_needs_its_fields_and_nothing_is_written_otherwise(world, data, field, message):
    notebook = _carnet(world)
    with pytest.raises(ValidationError) as error:
        _record(world, notebook, starts_on=datetime.date(2026, 11, 2), **data)
    assert message in " ".join(error.value.message_dict[field])
    assert not Measure.objects.exists()
    notebook.refresh_from_db()
    assert notebook.version == 1


def test_a_measure_is_recorded_on_the_carnet_and_audited(world):
    notebook = _carnet(world)
    measure = _record(
        world,
        notebook,
        kind="iae",
        siae_kind="aci",
        weekly_hours=Decimal(26),
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 2, 28),
        employer_name="Chantier d'insertion des Landes",
    )
    assert (measure.person_id, measure.organisation_id) == (notebook.person_id, world[1].pk)
    event = AuditEvent.objects.get(code=AuditCode.MEASURE_RECORDED)
    assert event.person_id == notebook.person_id
    assert event.data["new"]["siae_kind"] == "aci"
    notebook.refresh_from_db()
    assert notebook.version == 2


def test_a_stale_form_is_refused(world):
    notebook = _carnet(world)
    with pytest.raises(ValidationError, match="modifié par quelqu'un d'autre"):
        services.measure_record(
            actor=actor_for(world[2]),
            notebook=notebook,
            version=7,
            kind="clause",
            hours_done=Decimal(35),
            starts_on=datetime.date(2026, 11, 2),
        )
    assert not Measure.objects.exists()


def test_the_measures_screen_lists_and_records_and_is_404_outside(world, login_as):
    notebook = _carnet(world)
    url = reverse("offer:measures", kwargs={"person_pk": notebook.person_id})
    client = login_as(world[2])
    response = client.post(
        url,
        {
            "version": notebook.version,
            "kind": "pmsmp",
            "starts_on": "2026-11-23",
            "ends_on": "2026-12-04",
            "employer_name": "Boulangerie Dupin",
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Immersion (PMSMP)".lower() in page.lower()
    assert "Boulangerie Dupin" in page
    refused = client.post(
        url, {"version": notebook.version + 1, "kind": "pmsmp", "starts_on": "2026-11-23", "ends_on": "2027-01-30"}
    )
    assert "Une immersion (PMSMP) dure un mois au plus" in refused.content.decode()
    assert Measure.objects.count() == 1

    stranger = MembershipFactory(role=Role.REFERENT, organisation__kind="france_travail")
    assert login_as(stranger).get(url).status_code == 404


# --- figures: a small hand-built case ---------------------------------------------------------------------------


def _referral(notebook, service, status, *, answered=None, started=None, ended=None, reason=""):
    sent = datetime.datetime(2026, 9, 1, 9, tzinfo=datetime.UTC)
    return Referral.objects.create(
        person=notebook.person,
        notebook=notebook,
        service=service,
        structure=service.structure,
        sender_organisation=OrganisationFactory(),
        consent_given=True,
        consent_recorded_at=sent,
        status=status,
        reason=reason,
        sent_at=sent,
        answered_at=answered,
        started_at=started,
        ended_at=ended,
    )


def test_the_fiche_4_indicators_on_a_hand_built_plateau(world):
    landes = world[0]
    lead = StructureFactory(name="Groupement Adour Insertion")
    plateau = PlateauTechnique.objects.create(
        departement=landes,
        name="Plateau de Dax",
        path_step=PathStep.BARRIERS,
        lead_structure=lead,
        starts_on=datetime.date(2026, 1, 1),
        target_participants=10,
        professionals=2,
    )
    mobility = ServiceFactory(structure=lead, plateau=plateau)
    health = ServiceFactory(structure=lead, plateau=plateau)
    elsewhere = ServiceFactory(structure=lead)  # not a module of the plateau
    sept = datetime.datetime(2026, 9, 10, 9, tzinfo=datetime.UTC)
    october = datetime.datetime(2026, 10, 5, 9, tzinfo=datetime.UTC)
    anna, bruno, chloe, david = (_carnet(world) for _ in range(4))
    # Anna: two modules started. Bruno: accepted, not started yet. Chloé: refused. David: no answer yet.
    _referral(anna, mobility, ReferralStatus.STARTED, answered=sept, started=october)
    _referral(anna, health, ReferralStatus.COMPLETED, answered=sept, started=sept, ended=october)
    _referral(anna, elsewhere, ReferralStatus.STARTED, answered=sept, started=sept)
    _referral(bruno, mobility, ReferralStatus.ACCEPTED, answered=october)
    _referral(chloe, health, ReferralStatus.REFUSED, answered=sept, ended=sept, reason="pas_de_place")
    _referral(david, mobility, ReferralStatus.SENT)

    figures = offer_figures(departement_id="40", start=datetime.date(2026, 6, 1), end=datetime.date(2026, 11, 20))

    [row] = figures.plateaux
    assert (row.participants, row.with_measure, row.modules_mobilised, row.distinct_modules) == (2, 1, 2, 2)
    assert row.coverage_rate == pytest.approx(0.2)
    assert row.supervision_rate == pytest.approx(1.0)
    assert figures.mean_participants == 2
    # The referrals of the period: 4 of the 5 answers are yes, 1 of the 3 started is completed.
    referrals = figures.referrals
    assert referrals.total.sent == 6
    assert referrals.total.acceptance_rate == pytest.approx(0.8)
    assert referrals.total.completion_rate == pytest.approx(1 / 3)
    assert (referrals.mean_answer_days, referrals.median_answer_days) == (14, 9)
    [mobility_category] = [group for group in referrals.by_thematique if group.sent == 6]
    assert mobility_category.label.lower().startswith("mobilit")
    assert [group.sent for group in referrals.by_structure] == [6]
    # Before the first answer, nobody had been received.
    before = offer_figures(departement_id="40", start=datetime.date(2026, 6, 1), end=datetime.date(2026, 8, 31))
    assert before.plateaux[0].participants == 0


def test_the_landes_measure_indicators_by_month(world):
    anna = _carnet(world, birth_date=datetime.date(1996, 5, 1))  # 30 years old
    bruno = _carnet(world, birth_date=datetime.date(2003, 5, 1))  # 23 years old
    _record(
        world,
        anna,
        kind="iae",
        siae_kind="aci",
        weekly_hours=Decimal(26),
        starts_on=datetime.date(2026, 8, 3),
        ends_on=datetime.date(2026, 9, 30),
    )
    _record(world, bruno, kind="iae", siae_kind="ei", weekly_hours=Decimal(35), starts_on=datetime.date(2026, 9, 14))
    _record(
        world,
        anna,
        kind="pmsmp",
        employer_name="Boulangerie Dupin",
        starts_on=datetime.date(2026, 10, 5),
        ends_on=datetime.date(2026, 10, 16),
    )
    _record(
        world,
        bruno,
        kind="pec",
        employer_name="EHPAD Les Pins",
        weekly_hours=Decimal(20),
        starts_on=datetime.date(2026, 10, 1),
    )
    _record(world, anna, kind="clause", hours_done=Decimal("120.5"), starts_on=datetime.date(2026, 10, 1))
    _record(world, anna, kind="clause", hours_done=Decimal("35"), starts_on=datetime.date(2026, 10, 20))
    _record(world, bruno, kind="avip", employer_name="Crèche Les Petits Pas", starts_on=datetime.date(2026, 11, 2))

    figures = offer_figures(departement_id="40", start=datetime.date(2026, 8, 1), end=datetime.date(2026, 11, 20))

    by_month = {month.month.month: month for month in figures.months}
    assert [by_month[m].iae_employees for m in (8, 9, 10, 11)] == [1, 2, 1, 1]
    assert (by_month[10].pmsmp, by_month[10].pec, by_month[10].clause_hours) == (1, 1, Decimal("155.5"))
    assert by_month[11].avip == 1
    assert figures.totals["iae_employees"] == 2
    profile = dict(figures.iae_profile_rows)
    assert profile["atelier et chantier d'insertion (ACI)"] == [0, 1, 0]
    assert profile["entreprise d'insertion (EI)"] == [1, 0, 0]


def test_the_figures_screen_and_csv_for_a_pilot(world, login_as):
    anna = _carnet(world)
    _record(
        world,
        anna,
        kind="pmsmp",
        employer_name="Boulangerie Dupin",
        starts_on=datetime.date(2026, 10, 5),
        ends_on=datetime.date(2026, 10, 16),
    )
    pilot = MembershipFactory(role=Role.PROGRAMME_PILOT, organisation__kind="cd", organisation__departement=world[0])
    client = login_as(pilot)
    page = client.get(reverse("offer:figures"))
    assert page.status_code == 200
    assert "Chiffres des mesures et des plateaux techniques" in page.content.decode()
    export = b"".join(client.get(reverse("offer:figures_csv")).streaming_content).decode()
    assert "2026-10;1;0;0;0;0;0" in export
    assert login_as(world[2]).get(reverse("offer:figures")).status_code == 404


def test_the_plateaux_screens_show_the_groupement_its_modules_and_the_year_indicators(world, login_as):
    landes, _agency, referent = world
    lead = StructureFactory(name="Groupement Adour Insertion")
    partner = StructureFactory(name="Association Mobilité Sud")
    plateau = PlateauTechnique.objects.create(
        departement=landes,
        name="Plateau de Dax",
        path_step=PathStep.BARRIERS,
        contract_lot="Marché 2026-14, lot 2",
        lead_structure=lead,
        starts_on=datetime.date(2026, 1, 1),
        target_participants=4,
        professionals=2,
    )
    plateau.co_contractors.add(partner)
    mobility = ServiceFactory(name="Module mobilité", structure=partner, plateau=plateau)
    ServiceFactory(name="Module santé", structure=lead, plateau=plateau)
    october = datetime.datetime(2026, 10, 5, 9, tzinfo=datetime.UTC)
    _referral(_carnet(world), mobility, ReferralStatus.STARTED, answered=october, started=october)
    elsewhere = PlateauTechnique.objects.create(
        departement=DepartementFactory(code="64"),
        name="Plateau de Pau",
        path_step=PathStep.ENTRY,
        lead_structure=StructureFactory(),
        starts_on=datetime.date(2026, 1, 1),
        target_participants=4,
        professionals=1,
    )
    client = login_as(referent)

    listing = client.get(reverse("offer:plateaux")).content.decode()

    assert "Plateau de Dax" in listing and "Plateau de Pau" not in listing
    assert "<td>2</td>" in listing  # two modules
    assert "1 / 4" in listing and "25 %" in listing  # participants over the people to accompany
    detail = client.get(reverse("offer:plateau_detail", args=[plateau.pk])).content.decode()
    assert "Groupement Adour Insertion" in detail and "Association Mobilité Sud" in detail
    assert "Marché 2026-14, lot 2" in detail
    assert "Module mobilité" in detail and "Module santé" in detail
    assert "Participants : 1" in detail and "Avec au moins une mesure (un module commencé) : 1" in detail
    assert "Taux d'encadrement : 0,5 participant(s) par professionnel" in detail
    # Before the plateau started, and another Département's plateau.
    assert (
        "Le plateau n'est pas actif en 2025."
        in client.get(reverse("offer:plateau_detail", args=[plateau.pk]), {"annee": "2025"}).content.decode()
    )
    assert client.get(reverse("offer:plateau_detail", args=[elsewhere.pk])).status_code == 404
