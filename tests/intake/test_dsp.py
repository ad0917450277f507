import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.intake.demo import dsp_demo_fill
from jalon.intake.enums import DeclaredObstacle, DrivingLicence, EducationLevel, ProfessionalSituation
from jalon.intake.models import SocioProfessionalData
from jalon.intake.selectors import dsp_completeness_rate, dsp_get
from jalon.intake.services import dsp_update
from jalon.people.enums import HouseholdRole, Organisme
from jalon.people.models import Household, HouseholdMember, Person
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def make_person(departement, **fields) -> Person:
    number = next(_numbers)
    person = Person(
        departement=departement,
        last_name=fields.pop("last_name", f"Dupont{number}"),
        first_name=fields.pop("first_name", "Camille"),
        birth_date=fields.pop("birth_date", datetime.date(1985, 5, 12)),
        **fields,
    )
    person.set_normalized_names()
    person.save()
    return person


def make_subject(departement, *, subject=True, left=False) -> Person:
    """A person in a household, subject (or not) to rights and duties."""
    person = make_person(departement)
    household = Household.objects.create(
        departement=departement, organisme=Organisme.CAF, matricule=f"{next(_numbers):07d}"
    )
    HouseholdMember.objects.create(
        household=household,
        person=person,
        role=HouseholdRole.APPLICANT,
        subject_to_rights_and_duties=subject,
        left_on=timezone.localdate() if left else None,
    )
    return person


def complete_answers(**overrides) -> dict:
    answers = {
        "professional_situation": ProfessionalSituation.JOB_SEEKING,
        "education_level": EducationLevel.LEVEL_3,
        "driving_licence": DrivingLicence.NONE,
        "has_vehicle": False,
        "declared_obstacles": [DeclaredObstacle.MOBILITY],
        "project": "Devenir aide à domicile.",
    }
    answers.update(overrides)
    return answers


@pytest.fixture
def landes():
    return DepartementFactory()


@pytest.fixture
def referent(landes):
    return MembershipFactory(
        organisation__conseil_departemental=True, organisation__departement=landes, role=Role.REFERENT
    )


@pytest.fixture
def person(landes):
    return make_person(landes, last_name="Lafitte", first_name="Maïté")


def form_data(**overrides) -> dict:
    data = {
        "professional_situation": ProfessionalSituation.JOB_SEEKING,
        "education_level": EducationLevel.LEVEL_3,
        "last_job": "Agent d'entretien",
        "last_job_rome_code": "k2204",
        "last_job_end_date": "2023-06-30",
        "driving_licence": DrivingLicence.NONE,
        "has_vehicle": "false",
        "declared_obstacles": [DeclaredObstacle.MOBILITY, DeclaredObstacle.HEALTH],
        "project": "Reprendre un emploi dans le nettoyage.",
    }
    data.update(overrides)
    return data


# --- screen ---------------------------------------------------------------------------------------------


def test_referent_fills_the_dsp_and_it_is_audited(login_as, referent, person):
    client = login_as(referent)
    url = reverse("intake:dsp_edit", args=[person.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Données socio-professionnelles de LAFITTE Maïté" in page.content.decode()

    response = client.post(url, form_data())

    assert response.status_code == 302
    assert response["Location"] == f"/personnes/{person.pk}/"
    dsp = SocioProfessionalData.objects.get(person=person)
    assert dsp.last_job_rome_code == "K2204"
    assert dsp.declared_obstacles == [DeclaredObstacle.MOBILITY, DeclaredObstacle.HEALTH]
    assert dsp.has_vehicle is False
    assert dsp.filled_by == referent.user
    assert dsp.filled_on == timezone.localdate()
    assert dsp.is_complete
    event = AuditEvent.objects.get(code=AuditCode.DSP_UPDATED)
    assert event.actor == referent.user
    assert event.organisation == referent.organisation
    assert event.person_id == person.pk
    assert event.subject_id == str(dsp.pk)
    assert event.data["new"]["last_job_rome_code"] == "K2204"
    assert event.data["new"]["declared_obstacles"] == ["mobilite", "sante"]

    # The second visit shows the stored answers; changing one question records only that one.
    page = client.get(url).content.decode()
    assert 'value="K2204"' in page
    response = client.post(url, form_data(education_level=EducationLevel.LEVEL_4))
    assert response.status_code == 302
    event = AuditEvent.objects.filter(code=AuditCode.DSP_UPDATED).latest("pk")
    assert event.data == {
        "old": {"education_level": EducationLevel.LEVEL_3},
        "new": {"education_level": EducationLevel.LEVEL_4},
    }


def test_saving_the_same_answers_again_writes_no_audit_event(login_as, referent, person):
    client = login_as(referent)
    url = reverse("intake:dsp_edit", args=[person.pk])
    client.post(url, form_data())
    updated_at = SocioProfessionalData.objects.get(person=person).updated_at

    # Same answers, obstacles in another order and ROME code typed differently.
    response = client.post(
        url, form_data(last_job_rome_code=" K2204", declared_obstacles=[DeclaredObstacle.HEALTH, "mobilite"])
    )

    assert response.status_code == 302
    assert AuditEvent.objects.filter(code=AuditCode.DSP_UPDATED).count() == 1
    assert SocioProfessionalData.objects.get(person=person).updated_at == updated_at


def test_no_obstacle_is_an_answer_distinct_from_not_asked(login_as, referent, person):
    client = login_as(referent)
    url = reverse("intake:dsp_edit", args=[person.pk])
    client.post(url, form_data(declared_obstacles=["aucun"]))
    assert SocioProfessionalData.objects.get(person=person).declared_obstacles == []
    assert client.get(url).context["form"]["declared_obstacles"].value() == ["aucun"]

    client.post(url, form_data(declared_obstacles=[]))
    dsp = SocioProfessionalData.objects.get(person=person)
    assert dsp.declared_obstacles is None
    assert not dsp.is_complete

    response = client.post(url, form_data(declared_obstacles=["aucun", DeclaredObstacle.HOUSING]))
    assert response.status_code == 200
    assert "« Aucun frein déclaré » ne peut pas être coché avec un frein." in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"last_job_rome_code": "12345"}, "last_job_rome_code", "Le code ROME est une lettre suivie de 4 chiffres"),
        ({"last_job_rome_code": "Z1234"}, "last_job_rome_code", "Le code ROME est une lettre suivie de 4 chiffres"),
        (
            {"last_job_end_date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()},
            "last_job_end_date",
            "La date de fin du dernier emploi ne peut pas être dans le futur.",
        ),
    ],
)
def test_invalid_answers_give_french_errors_and_write_nothing(login_as, referent, person, overrides, field, message):
    client = login_as(referent)
    response = client.post(reverse("intake:dsp_edit", args=[person.pk]), form_data(**overrides))

    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    assert message in response.content.decode()
    assert not SocioProfessionalData.objects.exists()
    assert not AuditEvent.objects.filter(code=AuditCode.DSP_UPDATED).exists()


def test_partner_gets_404(login_as, landes, person):
    partner = MembershipFactory(
        organisation__conseil_departemental=True, organisation__departement=landes, role=Role.PARTNER
    )
    client = login_as(partner)
    url = reverse("intake:dsp_edit", args=[person.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, form_data()).status_code == 404
    assert not SocioProfessionalData.objects.exists()


def test_referent_of_another_departement_gets_the_same_404_as_an_unknown_person(login_as, person):
    other = MembershipFactory(
        organisation__conseil_departemental=True,
        organisation__departement=DepartementFactory(code="64", name="Pyrénées-Atlantiques"),
        role=Role.REFERENT,
    )
    client = login_as(other)
    forbidden = client.get(reverse("intake:dsp_edit", args=[person.pk]))
    unknown = client.get(reverse("intake:dsp_edit", args=[person.pk + 1000]))
    assert forbidden.status_code == unknown.status_code == 404
    assert client.post(reverse("intake:dsp_edit", args=[person.pk]), form_data()).status_code == 404
    assert not SocioProfessionalData.objects.exists()


def test_summary_partial_renders_with_and_without_dsp(referent, person):
    from django.template.loader import render_to_string

    html = render_to_string("intake/_dsp_summary.html", {"person": person, "dsp": None})
    assert "DSP non renseignées" in html and "Compléter les DSP" in html
    assert reverse("intake:dsp_edit", args=[person.pk]) in html

    dsp = dsp_update(actor=actor_for(referent), person=person, data=complete_answers(project=""))
    html = render_to_string("intake/_dsp_summary.html", {"person": person, "dsp": dsp})
    assert "DSP complètes à 83 %" in html and "Compléter les DSP" in html
    assert "mobilité" in html

    dsp = dsp_update(actor=actor_for(referent), person=person, data={"project": "Passer le permis B."})
    html = render_to_string("intake/_dsp_summary.html", {"person": person, "dsp": dsp})
    assert "DSP complètes" in html and "Modifier les DSP" in html


# --- service, model, selectors --------------------------------------------------------------------------


def test_service_creates_then_updates_only_changed_fields(referent, person):
    actor = actor_for(referent)
    dsp = dsp_update(actor=actor, person=person, data=complete_answers())
    created = AuditEvent.objects.get(code=AuditCode.DSP_UPDATED)
    assert created.data["created"] is True
    assert set(created.data["new"]) == set(complete_answers())

    dsp_update(actor=actor, person=person, data={"project": "Devenir aide à domicile."})  # unchanged
    assert AuditEvent.objects.filter(code=AuditCode.DSP_UPDATED).count() == 1

    dsp_update(actor=actor, person=person, data={"has_vehicle": True})
    event = AuditEvent.objects.filter(code=AuditCode.DSP_UPDATED).latest("pk")
    assert event.data == {"old": {"has_vehicle": False}, "new": {"has_vehicle": True}}
    dsp.refresh_from_db()
    assert dsp.has_vehicle is True and dsp.project == "Devenir aide à domicile."


def test_empty_first_questionnaire_stores_nothing(referent, person):
    dsp = dsp_update(actor=actor_for(referent), person=person, data={"project": "  ", "declared_obstacles": None})
    assert dsp.pk is None
    assert not SocioProfessionalData.objects.exists()
    assert not AuditEvent.objects.filter(code=AuditCode.DSP_UPDATED).exists()


def test_completeness_property(person):
    dsp = SocioProfessionalData(person=person)
    assert dsp.completeness == 0 and not dsp.is_complete
    assert len(dsp.missing_questions) == 6
    dsp.professional_situation = ProfessionalSituation.JOB_SEEKING
    dsp.education_level = EducationLevel.INFRA_3
    dsp.driving_licence = DrivingLicence.B
    assert dsp.completeness == 50
    dsp.has_vehicle = False  # "no" is an answer
    dsp.declared_obstacles = []  # "no obstacle" is an answer
    assert dsp.completeness == 83
    assert dsp.missing_questions == ["projet de la personne"]
    dsp.project = "   "
    assert not dsp.is_complete
    dsp.project = "Se former au métier de cariste."
    assert dsp.completeness == 100 and dsp.is_complete
    dsp.declared_obstacles = None
    assert dsp.completeness == 83 and not dsp.is_complete
    # Last job and ROME code are not key questions (the person may never have worked).
    assert "dernier emploi occupé" not in dsp.missing_questions


def test_dsp_get_scopes_and_returns_the_dsp(referent, person):
    actor = actor_for(referent)
    assert dsp_get(actor=actor, person_pk=person.pk) == (person, None)
    dsp = dsp_update(actor=actor, person=person, data=complete_answers())
    found_person, found_dsp = dsp_get(actor=actor, person_pk=person.pk)
    assert found_person == person and found_dsp == dsp

    from django.http import Http404

    partner = MembershipFactory(organisation__departement=person.departement, role=Role.PARTNER)
    with pytest.raises(Http404):
        dsp_get(actor=actor_for(partner), person_pk=person.pk)


def test_completeness_rate_figures(referent, landes):
    actor = actor_for(referent)
    complete = [make_subject(landes) for _ in range(3)]
    incomplete = make_subject(landes)
    make_subject(landes)  # subject, no DSP at all
    not_subject = make_subject(landes, subject=False)
    left = make_subject(landes, left=True)
    elsewhere = make_subject(DepartementFactory(code="64", name="Pyrénées-Atlantiques"))
    make_person(landes)  # in no household
    for person in [*complete, not_subject, left, elsewhere]:
        dsp_update(actor=actor, person=person, data=complete_answers())
    dsp_update(actor=actor, person=incomplete, data=complete_answers(has_vehicle=None))

    assert dsp_completeness_rate(actor=actor) == {"count": 5, "complete": 3, "rate": 60.0}


def test_completeness_rate_is_none_without_population(referent):
    assert dsp_completeness_rate(actor=actor_for(referent)) == {"count": 0, "complete": 0, "rate": None}


def test_completeness_rate_query_count_does_not_grow_with_population(referent, landes):
    def count_queries() -> tuple[int, dict]:
        actor = actor_for(referent)
        with CaptureQueriesContext(connection) as queries:
            figures = dsp_completeness_rate(actor=actor)
        return len(queries), figures

    persons = [make_subject(landes) for _ in range(5)]
    dsp_demo_fill(persons=persons, seed=1)
    small, figures = count_queries()
    assert figures["count"] == 5

    persons += [make_subject(landes) for _ in range(45)]
    dsp_demo_fill(persons=persons, seed=1)
    large, figures = count_queries()
    assert figures["count"] == 50
    assert small == large <= 2


# --- demo -----------------------------------------------------------------------------------------------


def _snapshot() -> list[tuple]:
    fields = [
        field
        for field in SocioProfessionalData._meta.concrete_fields
        if field.name not in ("id", "created_at", "updated_at")
    ]
    return sorted(
        tuple(
            getattr(dsp, field.attname) if field.name != "declared_obstacles" else repr(dsp.declared_obstacles)
            for field in fields
        )
        for dsp in SocioProfessionalData.objects.all()
    )


def test_dsp_demo_fill_is_deterministic_and_idempotent(landes):
    persons = [make_person(landes) for _ in range(60)]

    created = dsp_demo_fill(persons=persons, seed=40)
    assert 30 <= created <= 55  # about 70 %
    first = _snapshot()
    assert dsp_demo_fill(persons=reversed(persons), seed=40) == 0  # nothing new on a re-run

    SocioProfessionalData.objects.all().delete()
    assert dsp_demo_fill(persons=persons, seed=40) == created
    assert _snapshot() == first

    SocioProfessionalData.objects.all().delete()
    dsp_demo_fill(persons=persons, seed=64)
    assert _snapshot() != first

    # The generated answers are valid.
    for dsp in SocioProfessionalData.objects.all():
        dsp.full_clean()
