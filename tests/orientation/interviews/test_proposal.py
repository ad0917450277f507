"""The proposal for a real person: the facts read from the DSP and the household, the Département's criteria,
and the default criteria."""

import datetime

import pytest

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.intake.enums import DrivingLicence, ProfessionalSituation
from jalon.orientation.enums import CriterionCondition as C
from jalon.orientation.enums import OrientationType as T
from jalon.orientation.interviews.defaults import DEFAULT_CRITERIA
from jalon.orientation.interviews.engine import orientation_proposal, person_facts
from jalon.orientation.interviews.services import criteria_default_create
from jalon.orientation.models import Dispositif, OrientationCriterion
from jalon.people.enums import HouseholdRole as R
from tests.orientation.interviews.conftest import criterion, person_in_household


pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


def test_the_facts_come_from_the_dsp_the_household_and_the_right(landes):
    person = person_in_household(
        landes,
        birth_date=datetime.date(2001, 6, 16),  # 24 the day before their birthday
        opened=datetime.date(2022, 6, 15),
        others=[R.CHILD, R.CHILD],
        dsp={
            "professional_situation": ProfessionalSituation.JOB_SEEKING,
            "education_level": "4",
            "driving_licence": DrivingLicence.NONE,
            "last_job_end_date": datetime.date(2025, 12, 20),
            "declared_obstacles": ["mobilite", "sante"],
        },
    )
    facts = person_facts(person=person, obstacles=["sante", "logement"], needs="un emploi", today=TODAY)
    assert facts.age == 24
    assert facts.months_in_rsa == 48
    assert facts.months_since_job == 5
    assert facts.single_parent is True
    assert facts.professional_situation == "recherche_emploi" and facts.driving_licence == "aucun"
    # The interview's obstacles are the ones retained; the DSP's only say where they come from.
    assert facts.obstacles == {"sante", "logement"} and facts.dsp_obstacles == {"mobilite", "sante"}


@pytest.mark.parametrize(
    ("role", "others", "single"),
    [
        (R.APPLICANT, [R.CHILD], True),
        (R.PARTNER, [R.OTHER_CHILD], True),
        (R.APPLICANT, [R.PARTNER, R.CHILD], False),  # a couple
        (R.PARTNER, [R.APPLICANT, R.CHILD], False),
        (R.APPLICANT, [], False),  # no child
        (R.CHILD, [R.APPLICANT], False),  # the child of the household is not its parent
    ],
)
def test_single_parent_is_read_from_the_current_household(landes, role, others, single):
    person = person_in_household(landes, role=role, others=others)
    assert person_facts(person=person, obstacles=[], needs="", today=TODAY).single_parent is single


def test_a_spouse_who_left_the_household_leaves_a_single_parent(landes):
    person = person_in_household(landes, others=[R.PARTNER, R.CHILD])
    person.household_links.get().household.members.filter(role=R.PARTNER).update(left_on=datetime.date(2026, 1, 1))
    assert person_facts(person=person, obstacles=[], needs="", today=TODAY).single_parent is True


def test_the_seniority_falls_back_on_the_request_date_and_is_unknown_without_household(landes):
    person = person_in_household(landes, opened=None)
    right = person.household_links.get().household.right
    right.request_date = datetime.date(2025, 6, 15)
    right.save()
    assert person_facts(person=person, obstacles=[], needs="", today=TODAY).months_in_rsa == 12
    from tests.people.factories import PersonFactory

    alone = PersonFactory(departement=landes)
    facts = person_facts(person=alone, obstacles=[], needs="", today=TODAY)
    assert facts.months_in_rsa is None and facts.single_parent is False and facts.professional_situation == ""


def test_only_the_active_criteria_of_the_persons_departement_apply(landes, pyrenees):
    person = person_in_household(landes, birth_date=datetime.date(1980, 1, 1))
    criterion(landes, 1, C.OBSTACLE, "sante", T.SOCIAL, reason="santé")
    criterion(landes, 2, C.OBSTACLE, "sante", T.PROFESSIONAL, weight=9, reason="inactif", is_active=False)
    criterion(pyrenees, 1, C.OBSTACLE, "sante", T.SOCIO_PROFESSIONAL, weight=9, reason="autre département")
    proposal = orientation_proposal(person=person, obstacles=["sante"], needs="", today=TODAY)
    assert proposal.orientation_type == T.SOCIAL
    assert proposal.reasons == ["santé (frein « santé » retenu au diagnostic)"]
    assert proposal.scores == {T.PROFESSIONAL: 0, T.SOCIO_PROFESSIONAL: 0, T.SOCIAL: 1}


def test_the_proposal_reads_a_constant_number_of_queries(landes, django_assert_max_num_queries):
    person = person_in_household(landes, others=[R.CHILD], dsp={"declared_obstacles": ["sante"]})
    for position in range(20):
        criterion(landes, position, C.AGE_AT_LEAST, str(position + 1))
    person = type(person).objects.select_related("dsp").get(pk=person.pk)
    with django_assert_max_num_queries(3):  # household + right, other members, criteria
        orientation_proposal(person=person, obstacles=["sante"], needs="", today=TODAY)


def test_the_default_criteria_are_created_once_and_linked_to_the_dispositifs(landes):
    young = Dispositif.objects.create(
        departement=landes, name="Mission locale (moins de 26 ans)", orientation_type=T.SOCIO_PROFESSIONAL
    )
    # Same word but another type: not linked to a socio-professional criterion.
    Dispositif.objects.create(departement=landes, name="Mission locale sociale", orientation_type=T.SOCIAL)
    created = criteria_default_create(departement=landes)
    assert len(created) == len(DEFAULT_CRITERIA) == OrientationCriterion.objects.filter(departement=landes).count()
    under_26 = OrientationCriterion.objects.get(departement=landes, condition=C.AGE_UNDER)
    assert under_26.value == "26" and under_26.proposed_dispositif == young
    assert list(OrientationCriterion.objects.filter(departement=landes).values_list("position", flat=True)) == list(
        range(1, len(DEFAULT_CRITERIA) + 1)
    )
    assert AuditEvent.objects.filter(code=AuditCode.CRITERIA_CHANGED, actor_label="critères par défaut").count() == 1

    assert criteria_default_create(departement=landes) == []  # idempotent
    assert OrientationCriterion.objects.filter(departement=landes).count() == len(DEFAULT_CRITERIA)


def test_every_default_criterion_has_a_valid_value():
    from jalon.orientation.interviews.engine import criterion_value_clean

    for spec in DEFAULT_CRITERIA:
        assert criterion_value_clean(spec.condition, spec.value) == spec.value, spec.reason


def test_the_default_criteria_propose_what_the_issue_describes(landes):
    criteria_default_create(departement=landes)
    young = person_in_household(landes, birth_date=datetime.date(2004, 1, 1), opened=datetime.date(2026, 1, 1), dsp={})
    assert orientation_proposal(person=young, obstacles=[], needs="", today=TODAY).orientation_type == (
        T.SOCIO_PROFESSIONAL
    )
    job_seeker = person_in_household(
        landes,
        birth_date=datetime.date(1985, 1, 1),
        opened=datetime.date(2025, 1, 1),
        dsp={"professional_situation": ProfessionalSituation.JOB_SEEKING, "driving_licence": DrivingLicence.B},
    )
    proposal = orientation_proposal(person=job_seeker, obstacles=[], needs="", today=TODAY)
    assert proposal.orientation_type == T.PROFESSIONAL
    assert proposal.reasons == ["la personne cherche un emploi (situation : sans emploi, en recherche d'emploi)"]
    sick = person_in_household(landes, birth_date=datetime.date(1970, 1, 1), opened=datetime.date(2025, 1, 1))
    proposal = orientation_proposal(person=sick, obstacles=["sante", "logement"], needs="", today=TODAY)
    assert proposal.orientation_type == T.SOCIAL and len(proposal.reasons) == 2
