import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.notebook.carnet import selectors, services
from jalon.notebook.enums import ContractWanted, FreinStatus, NoteVisibility, WorkStatus
from jalon.notebook.models import (
    Action,
    Consent,
    Contact,
    FreinCategory,
    Note,
    Notebook,
    NotebookFrein,
    Objective,
    ProfessionalProject,
    RomeAppellation,
    RomeCode,
    TeamMember,
)
from jalon.orientation.enums import OrientationType
from jalon.orientation.models import Orientation, OrientationSession, ReferentAssignment, SessionParticipant
from jalon.people.enums import ChangeKind
from jalon.people.models import ChangeEvent
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import HouseholdMemberFactory, PersonFactory, RsaRightFactory
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db
STALE = "modifié par quelqu'un d'autre"


@pytest.fixture
def world():
    landes = DepartementFactory()
    agency = OrganisationFactory(kind="france_travail", departement=landes)
    referent = MembershipFactory(role=Role.REFERENT, organisation=agency)
    person = PersonFactory(departement=landes, first_name="Léa", last_name="Durand")
    Orientation.objects.create(
        person=person,
        orientation_type=OrientationType.PROFESSIONAL,
        organisation=agency,
        referent=referent.user,
        decided_on=datetime.date(2026, 9, 1),
    )
    ReferentAssignment.objects.create(
        person=person, referent=referent.user, organisation=agency, started_on=datetime.date(2026, 9, 2)
    )
    partner = MembershipFactory(role=Role.PARTNER, organisation__kind="association", organisation__departement=landes)
    outsider = MembershipFactory(
        role=Role.REFERENT, organisation__kind="association", organisation__departement=landes
    )
    rome = RomeCode.objects.create(code="J1501", label="Soins d'hygiène, de confort du patient")
    RomeAppellation.objects.create(code="11573", label="Aide-soignant", normalized_label="aide soignant", rome=rome)
    return {"person": person, "referent": referent, "partner": partner, "outsider": outsider, "agency": agency}


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _notebook(world) -> Notebook:
    return services.notebook_reach(actor=actor_for(world["referent"]), person_pk=world["person"].pk).notebook


def _categories():
    return list(FreinCategory.objects.filter(is_active=True))


def _freins_post(notebook, rows: dict) -> dict:
    data = {"version": notebook.version}
    for category in _categories():
        data[f"status_{category.pk}"] = FreinStatus.NOT_EXPLORED
    for category, values in rows.items():
        for name, value in values.items():
            data[f"{name}_{category.pk}"] = value
    return data


# --- the carnet page --------------------------------------------------------------------------------------------


def test_the_referent_opens_the_carnet_with_its_header_and_the_read_is_audited(world, login_as):
    household = HouseholdMemberFactory(person=world["person"]).household
    RsaRightFactory(household=household)
    client = login_as(world["referent"])
    response = client.get(reverse("notebook:detail", args=[world["person"].pk]))
    assert response.status_code == 200
    body = _text(response)
    assert "Carnet de bord de" in body
    assert "droit ouvert" in body.lower() or "ouvert" in body
    assert world["referent"].user.get_full_name() in body
    assert "consent-banner" not in body
    assert Notebook.objects.filter(person=world["person"]).exists()
    viewed = AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED, person_id=world["person"].pk)
    assert viewed.filter(data__screen="carnet de bord").count() == 1


def test_an_outsider_gets_404_and_no_carnet_is_created(world, login_as):
    client = login_as(world["outsider"])
    assert client.get(reverse("notebook:detail", args=[world["person"].pk])).status_code == 404
    assert client.get(reverse("notebook:detail", args=[999999])).status_code == 404
    assert not Notebook.objects.exists()


def test_a_partner_reaches_the_carnet_through_consent_with_a_banner(world, login_as):
    notebook = _notebook(world)
    partner = world["partner"]
    client = login_as(partner)
    url = reverse("notebook:detail", args=[world["person"].pk])
    TeamMember.objects.create(notebook=notebook, user=partner.user, organisation=partner.organisation, role="ACI")
    assert client.get(url).status_code == 404
    Consent.objects.create(notebook=notebook, organisation=partner.organisation)
    response = client.get(url)
    assert response.status_code == 200
    assert "consent-banner" in _text(response)


def test_a_partner_without_a_carnet_already_open_cannot_create_one(world, login_as):
    client = login_as(world["partner"])
    assert client.get(reverse("notebook:detail", args=[world["person"].pk])).status_code == 404
    assert not Notebook.objects.exists()


def test_completeness_counts_explored_freins_project_objective_and_contract(world):
    notebook = _notebook(world)
    access = services.notebook_access(actor=actor_for(world["referent"]), person_pk=world["person"].pk)
    empty = selectors.carnet_page(access=access).completeness
    assert (empty.has_project, empty.has_objective, empty.has_contract) == (False, False, False)
    categories = _categories()
    NotebookFrein.objects.create(notebook=notebook, category=categories[0], status=FreinStatus.NEED)
    ProfessionalProject.objects.create(notebook=notebook, title="Aide-soignante")
    page = selectors.carnet_page(access=access)
    assert page.completeness.explored == 1 and page.completeness.has_project
    expected = round(100 * (1 / len(categories) + 1) / 4)
    assert page.completeness.percent == expected


def test_the_carnet_page_uses_a_constant_number_of_queries(world, login_as, django_assert_max_num_queries):
    notebook = _notebook(world)
    client = login_as(world["referent"])
    url = reverse("notebook:detail", args=[world["person"].pk])
    client.get(url)
    for category in _categories()[:5]:
        frein = NotebookFrein.objects.create(notebook=notebook, category=category, status=FreinStatus.NEED)
        for index in range(3):
            objective = Objective.objects.create(notebook=notebook, title=f"obj {index}", frein=frein)
            Action.objects.create(objective=objective, title="action")
        ProfessionalProject.objects.create(notebook=notebook, title=f"projet {category.pk}")
    with django_assert_max_num_queries(27):
        response = client.get(url)
    assert _text(response).count("aucune action") == 0


# --- situation and freins ---------------------------------------------------------------------------------------


def test_the_freins_form_saves_every_change_and_audits_each(world, login_as):
    notebook = _notebook(world)
    mobility, health = _categories()[:2]
    client = login_as(world["referent"])
    url = reverse("notebook:freins", args=[world["person"].pk])
    assert client.get(url).status_code == 200
    data = _freins_post(
        notebook,
        {
            mobility: {"status": FreinStatus.NEED, "nature": "objectif", "identified_on": "2026-10-01"},
            health: {"status": FreinStatus.SUPPORT, "comment": "suivi régulier"},
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302
    saved = {frein.category_id: frein for frein in NotebookFrein.objects.filter(notebook=notebook)}
    assert saved[mobility.pk].status == FreinStatus.NEED
    assert saved[mobility.pk].identified_on == datetime.date(2026, 10, 1)
    assert saved[health.pk].comment == "suivi régulier"
    assert AuditEvent.objects.filter(code=AuditCode.NOTEBOOK_FREIN_UPDATED).count() == 2
    notebook.refresh_from_db()
    assert notebook.version == 2


def test_a_frein_resolved_before_identified_is_refused_in_french_and_nothing_is_saved(world, login_as):
    notebook = _notebook(world)
    mobility, health = _categories()[:2]
    client = login_as(world["referent"])
    data = _freins_post(
        notebook,
        {
            health: {"status": FreinStatus.NEED},
            mobility: {"status": FreinStatus.NEED, "identified_on": "2026-10-01", "resolved_on": "2026-09-01"},
        },
    )
    response = client.post(reverse("notebook:freins", args=[world["person"].pk]), data)
    assert response.status_code == 200
    assert "ne peut pas précéder la date de repérage" in _text(response)
    assert not NotebookFrein.objects.filter(notebook=notebook).exists()
    with pytest.raises(ValidationError, match="précéder"):
        services.notebook_freins_update(
            actor=actor_for(world["referent"]),
            notebook=notebook,
            version=notebook.version,
            rows=[
                {"category": health.pk, "status": FreinStatus.NEED},
                {
                    "category": mobility.pk,
                    "status": FreinStatus.NEED,
                    "identified_on": datetime.date(2026, 10, 1),
                    "resolved_on": datetime.date(2026, 9, 1),
                },
            ],
        )
    assert not NotebookFrein.objects.filter(notebook=notebook).exists()
    assert Notebook.objects.get(pk=notebook.pk).version == 1


def test_two_professionals_on_the_same_situation_the_second_is_told_to_reload(world, login_as):
    notebook = _notebook(world)
    mobility = _categories()[0]
    stale = _freins_post(notebook, {mobility: {"status": FreinStatus.SUPPORT}})
    client = login_as(world["referent"])
    url = reverse("notebook:freins", args=[world["person"].pk])
    assert client.post(url, _freins_post(notebook, {mobility: {"status": FreinStatus.NEED}})).status_code == 302
    response = client.post(url, stale)
    assert response.status_code == 200
    assert STALE in _text(response)
    assert NotebookFrein.objects.get(notebook=notebook, category=mobility).status == FreinStatus.NEED


# --- projects ---------------------------------------------------------------------------------------------------


def _project_post(notebook, **overrides) -> dict:
    return {
        "version": notebook.version,
        "job": "11573",
        "title": "",
        "contract_types": [ContractWanted.CDI, ContractWanted.CDD],
        "working_time": "temps_plein",
        "mobility_km": "30",
        "expected_monthly_wage": "1500",
        "strengths": "patience",
        "is_main": "on",
        **overrides,
    }


def test_a_project_with_a_rome_job_is_created_then_edited_and_audited(world, login_as):
    notebook = _notebook(world)
    client = login_as(world["referent"])
    response = client.post(reverse("notebook:project_create", args=[world["person"].pk]), _project_post(notebook))
    assert response.status_code == 302
    project = ProfessionalProject.objects.get(notebook=notebook)
    assert project.appellation_id == "11573" and project.rome_id == "J1501"
    assert project.contract_types == ["cdi", "cdd"] and project.mobility_km == 30
    notebook.refresh_from_db()
    response = client.post(
        reverse("notebook:project_edit", args=[world["person"].pk, project.pk]),
        _project_post(notebook, job="J1501", mobility_km="50"),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.appellation_id is None and project.rome_id == "J1501" and project.mobility_km == 50
    assert AuditEvent.objects.filter(code=AuditCode.PROJECT_CREATED, person_id=world["person"].pk).count() == 1
    updated = AuditEvent.objects.get(code=AuditCode.PROJECT_UPDATED)
    assert updated.data["old"]["mobility_km"] == 30 and updated.data["new"]["mobility_km"] == 50


def test_an_unknown_rome_code_is_refused_in_french(world, login_as):
    notebook = _notebook(world)
    client = login_as(world["referent"])
    response = client.post(
        reverse("notebook:project_create", args=[world["person"].pk]), _project_post(notebook, job="Z9999")
    )
    assert response.status_code == 200
    assert "ni un code ROME, ni un code OGR" in _text(response)
    assert not ProfessionalProject.objects.exists()
    assert Notebook.objects.get(pk=notebook.pk).version == 1


def test_the_rome_search_suggests_job_titles_as_you_type(world, login_as):
    _notebook(world)
    client = login_as(world["referent"])
    response = client.get(reverse("notebook:rome_search", args=[world["person"].pk]), {"job": "soignant"})
    assert response.status_code == 200
    assert '<option value="11573">Aide-soignant (J1501)</option>' in _text(response)
    outsider = login_as(world["outsider"])
    assert outsider.get(reverse("notebook:rome_search", args=[world["person"].pk]), {"job": "soi"}).status_code == 404


def test_a_stale_project_form_is_refused(world):
    notebook = _notebook(world)
    actor = actor_for(world["referent"])
    fields = {"job": "11573", "title": "", "contract_types": [], "working_time": "indifferent"}
    services.project_create(actor=actor, notebook=notebook, version=1, **fields)
    with pytest.raises(ValidationError, match=STALE):
        services.project_create(actor=actor, notebook=notebook, version=1, **fields)
    assert ProfessionalProject.objects.count() == 1


# --- objectives and actions -------------------------------------------------------------------------------------


def _frein(notebook) -> NotebookFrein:
    return NotebookFrein.objects.create(notebook=notebook, category=_categories()[0], status=FreinStatus.NEED)


def test_an_objective_on_a_frein_then_an_action_under_it(world, login_as):
    notebook = _notebook(world)
    frein = _frein(notebook)
    client = login_as(world["referent"])
    response = client.post(
        reverse("notebook:objective_create", args=[world["person"].pk]),
        {
            "version": notebook.version,
            "title": "Passer le permis B",
            "link": f"frein:{frein.pk}",
            "status": WorkStatus.IN_PROGRESS,
            "starts_on": "2026-10-01",
            "due_on": "2027-03-01",
            "carried_by": world["referent"].user.pk,
        },
    )
    assert response.status_code == 302
    objective = Objective.objects.get(notebook=notebook)
    assert objective.frein == frein and objective.carried_by == world["referent"].user
    notebook.refresh_from_db()
    response = client.post(
        reverse("notebook:action_create", args=[world["person"].pk, objective.pk]),
        {"version": notebook.version, "title": "S'inscrire à l'auto-école", "status": WorkStatus.PLANNED},
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.objective == objective and action.carried_by_organisation == world["agency"]
    notebook.refresh_from_db()
    response = client.post(
        reverse("notebook:action_edit", args=[world["person"].pk, objective.pk, action.pk]),
        {"version": notebook.version, "title": action.title, "status": WorkStatus.DONE},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == WorkStatus.DONE and action.done_on is not None
    codes = set(AuditEvent.objects.filter(person_id=world["person"].pk).values_list("code", flat=True))
    assert {AuditCode.OBJECTIVE_CREATED, AuditCode.ACTION_CREATED, AuditCode.ACTION_UPDATED} <= codes


def test_objective_dates_in_the_wrong_order_are_refused(world, login_as):
    notebook = _notebook(world)
    frein = _frein(notebook)
    client = login_as(world["referent"])
    response = client.post(
        reverse("notebook:objective_create", args=[world["person"].pk]),
        {
            "version": notebook.version,
            "title": "Permis",
            "link": f"frein:{frein.pk}",
            "status": WorkStatus.PLANNED,
            "starts_on": "2027-01-01",
            "due_on": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert "L'échéance ne peut pas précéder la date de début." in _text(response)
    assert not Objective.objects.exists()
    with pytest.raises(ValidationError):
        services.objective_create(
            actor=actor_for(world["referent"]),
            notebook=notebook,
            version=notebook.version,
            title="Permis",
            frein=frein,
            starts_on=datetime.date(2027, 1, 1),
            due_on=datetime.date(2026, 1, 1),
        )
    assert not Objective.objects.exists()


def test_an_objective_must_be_linked_and_an_action_needs_an_objective(world):
    notebook = _notebook(world)
    actor = actor_for(world["referent"])
    with pytest.raises(ValidationError, match="Rattachez l'objectif"):
        services.objective_create(actor=actor, notebook=notebook, version=notebook.version, title="Sans lien")
    with pytest.raises(ValidationError, match="se rattache toujours à un objectif"):
        services.action_create(actor=actor, objective=None, version=notebook.version, title="Orpheline")
    assert not Objective.objects.exists() and not Action.objects.exists()


def test_an_objective_of_another_carnet_is_not_found(world, login_as):
    notebook = _notebook(world)
    other = Notebook.objects.create(person=PersonFactory(departement=world["person"].departement))
    foreign = Objective.objects.create(notebook=other, title="ailleurs")
    client = login_as(world["referent"])
    url = reverse("notebook:action_create", args=[world["person"].pk, foreign.pk])
    assert client.post(url, {"version": notebook.version, "title": "x", "status": "prevu"}).status_code == 404
    assert not Action.objects.exists()


def test_a_stale_objective_edit_is_refused_and_keeps_the_first_change(world, login_as):
    notebook = _notebook(world)
    frein = _frein(notebook)
    objective = Objective.objects.create(notebook=notebook, title="Permis", frein=frein)
    client = login_as(world["referent"])
    url = reverse("notebook:objective_edit", args=[world["person"].pk, objective.pk])
    base = {"version": notebook.version, "link": f"frein:{frein.pk}", "status": WorkStatus.PLANNED}
    assert client.post(url, {**base, "title": "Permis B"}).status_code == 302
    response = client.post(url, {**base, "title": "Permis C"})
    assert STALE in _text(response)
    objective.refresh_from_db()
    assert objective.title == "Permis B"


def test_objectives_at_a_glance_highlights_overdue_ones(world, login_as, django_assert_max_num_queries):
    notebook = _notebook(world)
    frein = _frein(notebook)
    Objective.objects.create(notebook=notebook, title="En retard", frein=frein, due_on=datetime.date(2020, 1, 1))
    Objective.objects.create(
        notebook=notebook, title="Fini", frein=frein, due_on=datetime.date(2020, 1, 1), status=WorkStatus.DONE
    )
    for index in range(5):
        objective = Objective.objects.create(notebook=notebook, title=f"o{index}", frein=frein)
        Action.objects.create(objective=objective, title=f"a{index}")
    client = login_as(world["referent"])
    with django_assert_max_num_queries(15):
        response = client.get(reverse("notebook:objectives", args=[world["person"].pk]))
    body = _text(response)
    assert body.count("en retard</span>") == 1
    assert 'data-overdue="1"' in body


# --- timeline ---------------------------------------------------------------------------------------------------


def test_the_timeline_merges_events_newest_first_and_filters_by_kind(world, login_as):
    notebook = _notebook(world)
    person = world["person"]
    ChangeEvent.objects.create(
        person=person, kind=ChangeKind.RIGHT_OPENED, occurred_at=datetime.datetime(2026, 8, 1, tzinfo=datetime.UTC)
    )
    Contact.objects.create(
        notebook=notebook, kind="telephone", summary="point d'étape", occurred_on=datetime.date(2026, 10, 5)
    )
    session = OrientationSession.objects.create(
        departement=person.departement,
        organisation=world["agency"],
        starts_at=datetime.datetime(2026, 8, 20, 9, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 8, 20, 12, tzinfo=datetime.UTC),
        capacity=10,
    )
    SessionParticipant.objects.create(
        session=session, person=person, invited_at=datetime.datetime(2026, 8, 10, tzinfo=datetime.UTC)
    )
    partner_org = world["partner"].organisation
    Note.objects.create(
        notebook=notebook, organisation=partner_org, visibility=NoteVisibility.PRIVATE, text="secret partenaire"
    )
    events = selectors.notebook_timeline(actor=actor_for(world["referent"]), notebook=notebook)
    dates = [event["at"] for event in events]
    assert dates == sorted(dates, reverse=True)
    kinds = {event["kind"] for event in events}
    assert {"droits", "orientation", "referent", "invitations", "contacts"} <= kinds
    assert "secret partenaire" not in str(events)
    only_contacts = selectors.notebook_timeline(
        actor=actor_for(world["referent"]), notebook=notebook, kinds=["contacts"]
    )
    assert [event["title"] for event in only_contacts] == ["appel téléphonique"]
    client = login_as(world["referent"])
    response = client.get(reverse("notebook:timeline", args=[person.pk]), {"kind": "contacts"})
    assert "point d'étape" in _text(response)
    assert "droit ouvert" not in _text(response)


def test_the_timeline_page_uses_a_constant_number_of_queries(world, login_as, django_assert_max_num_queries):
    notebook = _notebook(world)
    for day in range(1, 29):
        Contact.objects.create(
            notebook=notebook, kind="bureau", summary=f"rdv {day}", occurred_on=datetime.date(2026, 2, day)
        )
        ChangeEvent.objects.create(person=world["person"], kind=ChangeKind.SUSPENDED)
        Note.objects.create(
            notebook=notebook, organisation=world["agency"], visibility=NoteVisibility.SHARED, text=f"n{day}"
        )
    client = login_as(world["referent"])
    # One query per kind of event (the rights and duties' procedures included; the households of the CAF events read
    # first), whatever the history's length.
    with django_assert_max_num_queries(27):
        response = client.get(reverse("notebook:timeline", args=[world["person"].pk]))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(data__screen="carnet de bord : chronologie").count() == 1


def test_the_timeline_is_404_for_an_outsider(world, login_as):
    _notebook(world)
    client = login_as(world["outsider"])
    assert client.get(reverse("notebook:timeline", args=[world["person"].pk])).status_code == 404
    assert client.get(reverse("notebook:objectives", args=[world["person"].pk])).status_code == 404
