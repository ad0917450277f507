"""The national orientation criteria (arrêté du 21 novembre 2024) as the default set: loading them (service,
command, screen), every load traced, and the path they propose on hand-built situations."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.intake.enums import EducationLevel, ProfessionalSituation
from jalon.orientation.enums import CriterionCondition as C
from jalon.orientation.enums import OrientationType as T
from jalon.orientation.interviews.defaults import (
    ASPIRATIONS,
    DEFAULT_CRITERIA,
    DIFFICULTIES,
    QUALIFICATION,
    SITUATION,
)
from jalon.orientation.interviews.engine import Facts, criterion_value_clean, orientation_proposal, proposal_compute
from jalon.orientation.interviews.services import criteria_national_load
from jalon.orientation.models import Dispositif, OrientationCriterion
from tests.conftest import actor_for
from tests.orientation.interviews.conftest import criterion, person_in_household


TODAY = datetime.date(2026, 6, 15)


def _national(**overrides):
    """The national set as unsaved criteria, for the pure engine."""
    return [
        OrientationCriterion(
            condition=spec.condition,
            value=spec.value,
            proposed_type=spec.proposed_type,
            weight=spec.weight,
            reason=spec.reason,
            position=position,
        )
        for position, spec in enumerate(DEFAULT_CRITERIA, start=1)
    ]


def test_the_set_covers_the_four_categories_and_the_named_difficulties():
    assert {spec.category for spec in DEFAULT_CRITERIA} == {SITUATION, QUALIFICATION, ASPIRATIONS, DIFFICULTIES}
    difficulties = {spec.value for spec in DEFAULT_CRITERIA if spec.category == DIFFICULTIES}
    assert {"sante", "logement", "mobilite", "contraintes_familiales", ProfessionalSituation.FAMILY_CARER} <= (
        difficulties
    )
    for spec in DEFAULT_CRITERIA:
        assert criterion_value_clean(spec.condition, spec.value) == spec.value, spec.reason


def test_recent_activity_without_difficulty_proposes_the_professional_path():
    facts = Facts(
        months_since_job=6,
        professional_situation=ProfessionalSituation.JOB_SEEKING,
        education_level=EducationLevel.LEVEL_4,
    )
    proposal = proposal_compute(_national(), facts)
    assert proposal.orientation_type == T.PROFESSIONAL
    assert "activité professionnelle dans les deux dernières années (dernier emploi il y a 6 mois)" in (
        proposal.reasons
    )
    assert "formation qualifiante ou supérieure (niveau de formation : 4 — bac)" in proposal.reasons


def test_strong_difficulties_propose_the_social_path_even_after_a_recent_activity():
    facts = Facts(obstacles=frozenset({"sante", "logement"}), months_since_job=10)
    assert proposal_compute(_national(), facts).orientation_type == T.SOCIAL
    inactive = Facts(
        obstacles=frozenset({"sante", "logement"}),
        months_since_job=60,
        professional_situation=ProfessionalSituation.NOT_SEEKING,
        education_level=EducationLevel.INFRA_3,
    )
    assert proposal_compute(_national(), inactive).orientation_type == T.SOCIAL


def test_a_project_to_build_with_liftable_difficulties_proposes_the_socio_professional_path():
    facts = Facts(
        obstacles=frozenset({"mobilite", "contraintes_familiales"}),
        months_since_job=36,
        professional_situation=ProfessionalSituation.BUILDING_PROJECT,
    )
    proposal = proposal_compute(_national(), facts)
    assert proposal.orientation_type == T.SOCIO_PROFESSIONAL
    assert "sans activité professionnelle depuis deux ans ou plus (sans emploi depuis 36 mois)" in proposal.reasons


def test_a_caregiver_is_proposed_the_social_path():
    facts = Facts(professional_situation=ProfessionalSituation.FAMILY_CARER)
    assert proposal_compute(_national(), facts).orientation_type == T.SOCIAL


@pytest.mark.parametrize(
    ("level", "holds"), [(EducationLevel.INFRA_3, False), (EducationLevel.LEVEL_3, True), ("", False)]
)
def test_qualified_means_a_cap_or_above(level, holds):
    only = [OrientationCriterion(condition=C.QUALIFIED, value="", proposed_type=T.PROFESSIONAL, weight=1, reason="q")]
    assert (proposal_compute(only, Facts(education_level=level)).orientation_type == T.PROFESSIONAL) is holds


@pytest.mark.parametrize(("months", "holds"), [(23, True), (24, False), (None, False)])
def test_a_job_less_than_n_months_ago(months, holds):
    only = [
        OrientationCriterion(
            condition=C.MONTHS_SINCE_JOB_UNDER, value="24", proposed_type=T.PROFESSIONAL, weight=1, reason="r"
        )
    ]
    assert (proposal_compute(only, Facts(months_since_job=months)).orientation_type == T.PROFESSIONAL) is holds


@pytest.mark.django_db
def test_loading_replaces_the_active_criteria_links_the_dispositifs_and_is_traced(landes, cd_admin):
    own = criterion(landes, 1, C.AGE_AT_LEAST, "60", reason="proche de la retraite")
    france_travail = Dispositif.objects.create(
        departement=landes, name="Accompagnement professionnel (France Travail)", orientation_type=T.PROFESSIONAL
    )
    result = criteria_national_load(departement=landes, actor=actor_for(cd_admin))
    assert result == {"created": len(DEFAULT_CRITERIA), "deactivated": 1}
    own.refresh_from_db()
    assert not own.is_active  # kept, so that the Département can reactivate it
    active = OrientationCriterion.objects.filter(departement=landes, is_active=True).order_by("position")
    assert [c.reason for c in active] == [spec.reason for spec in DEFAULT_CRITERIA]
    assert active.first().position == 2
    recent = active.get(condition=C.MONTHS_SINCE_JOB_UNDER)
    assert recent.proposed_dispositif == france_travail
    event = AuditEvent.objects.get(code=AuditCode.CRITERIA_CHANGED)
    assert event.actor == cd_admin.user and event.data["criteria_deactivated"] == [own.pk]

    # A re-run changes nothing and writes nothing.
    assert criteria_national_load(departement=landes, actor=actor_for(cd_admin)) == {"created": 0, "deactivated": 0}
    assert OrientationCriterion.objects.filter(departement=landes).count() == len(DEFAULT_CRITERIA) + 1
    assert AuditEvent.objects.filter(code=AuditCode.CRITERIA_CHANGED).count() == 1


@pytest.mark.django_db
def test_the_loaded_set_proposes_on_a_real_person(landes):
    criteria_national_load(departement=landes)
    worker = person_in_household(
        landes,
        birth_date=datetime.date(1985, 1, 1),
        opened=datetime.date(2026, 3, 1),
        dsp={
            "professional_situation": ProfessionalSituation.JOB_SEEKING,
            "education_level": EducationLevel.LEVEL_5,
            "last_job_end_date": datetime.date(2026, 1, 31),
        },
    )
    assert orientation_proposal(person=worker, obstacles=[], needs="", today=TODAY).orientation_type == T.PROFESSIONAL
    assert (
        orientation_proposal(person=worker, obstacles=["sante", "logement"], needs="", today=TODAY).orientation_type
        == T.SOCIAL
    )


@pytest.mark.django_db
def test_the_command_and_the_screen_load_the_set(landes, cd_admin, login_as):
    out = StringIO()
    call_command("orientation_national_criteria", departement=[landes.code], stdout=out)
    assert f"{len(DEFAULT_CRITERIA)} critères nationaux chargés" in out.getvalue()
    call_command("orientation_national_criteria", departement=[landes.code], stdout=out)
    assert "déjà chargés" in out.getvalue()
    assert AuditEvent.objects.filter(code=AuditCode.CRITERIA_CHANGED, actor_label="critères nationaux").count() == 1

    OrientationCriterion.objects.filter(departement=landes).update(is_active=False)
    response = login_as(cd_admin).post(reverse("orientation:criteria_national"), follow=True)
    assert "critères nationaux sont chargés" in response.content.decode()
    assert OrientationCriterion.objects.filter(departement=landes, is_active=True).count() == len(DEFAULT_CRITERIA)
