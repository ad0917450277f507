"""The proposal engine on its own: criteria and facts in, proposal out, no database."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from jalon.intake.enums import DeclaredObstacle, DrivingLicence, EducationLevel, ProfessionalSituation
from jalon.orientation.enums import CriterionCondition as C
from jalon.orientation.enums import OrientationType as T
from jalon.orientation.interviews.engine import (
    NO_MATCH,
    Facts,
    age_on,
    criterion_value_clean,
    criterion_value_label,
    months_between,
    proposal_compute,
)
from jalon.orientation.models import Dispositif, OrientationCriterion


def rule(condition, value="", proposed_type=T.SOCIAL, weight=1, reason=None, dispositif=None, active=True):
    criterion = OrientationCriterion(
        condition=condition,
        value=value,
        proposed_type=proposed_type,
        weight=weight,
        reason=reason or f"{condition} {value}".strip(),
        is_active=active,
    )
    criterion.proposed_dispositif = dispositif
    return criterion


def dispositif(name, orientation_type, active=True):
    return Dispositif(name=name, orientation_type=orientation_type, is_active=active)


# ---- each condition ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criterion", "holds", "fails", "detail"),
    [
        (
            rule(C.OBSTACLE, "sante"),
            Facts(obstacles=frozenset({"sante"})),
            Facts(obstacles=frozenset({"logement"}), dsp_obstacles=frozenset({"sante"})),
            "frein « santé » retenu au diagnostic",
        ),
        (
            rule(C.PROFESSIONAL_SITUATION, ProfessionalSituation.TRAINING),
            Facts(professional_situation="formation"),
            Facts(professional_situation="recherche_emploi"),
            "situation : en formation",
        ),
        (
            rule(C.EDUCATION_LEVEL, EducationLevel.INFRA_3),
            Facts(education_level="infra_3"),
            Facts(education_level="4"),
            "niveau de formation : infra 3 / sans diplôme",
        ),
        (
            rule(C.NO_DRIVING_LICENCE),
            Facts(driving_licence=DrivingLicence.NONE),
            Facts(driving_licence=DrivingLicence.B),
            "aucun permis",
        ),
        (
            rule(C.MONTHS_IN_RSA_AT_LEAST, "48"),
            Facts(months_in_rsa=48),
            Facts(months_in_rsa=47),
            "48 mois dans le RSA",
        ),
        (
            rule(C.MONTHS_SINCE_JOB_AT_LEAST, "24"),
            Facts(months_since_job=30),
            Facts(months_since_job=23),
            "sans emploi depuis 30 mois",
        ),
        (rule(C.AGE_UNDER, "26"), Facts(age=25), Facts(age=26), "25 ans"),
        (rule(C.AGE_AT_LEAST, "55"), Facts(age=55), Facts(age=54), "55 ans"),
        (
            rule(C.SINGLE_PARENT),
            Facts(single_parent=True),
            Facts(single_parent=False),
            "foyer avec enfant(s) à charge, sans conjoint",
        ),
        (
            rule(C.EXPRESSED_NEED, "formation"),
            Facts(needs="Je voudrais une FORMATION d'aide-soignante"),
            Facts(needs="une information sur mes droits"),  # "formation" inside a word does not count
            "« formation » dans les besoins exprimés",
        ),
    ],
    ids=lambda value: getattr(value, "condition", None) or "",
)
def test_each_condition_holds_or_not_and_says_why(criterion, holds, fails, detail):
    proposal = proposal_compute([criterion], holds)
    assert proposal.orientation_type == T.SOCIAL
    assert proposal.reasons == [f"{criterion.reason} ({detail})"]
    assert proposal_compute([criterion], fails).is_empty


def test_unknown_facts_never_satisfy_a_condition():
    facts = Facts()  # nothing known of the person
    criteria = [
        rule(C.MONTHS_IN_RSA_AT_LEAST, "1"),
        rule(C.MONTHS_SINCE_JOB_AT_LEAST, "1"),
        rule(C.AGE_UNDER, "120"),
        rule(C.AGE_AT_LEAST, "1"),
        rule(C.NO_DRIVING_LICENCE),
        rule(C.PROFESSIONAL_SITUATION, ""),
    ]
    assert proposal_compute(criteria, facts).is_empty


def test_a_licence_in_progress_is_no_licence_yet():
    proposal = proposal_compute([rule(C.NO_DRIVING_LICENCE)], Facts(driving_licence=DrivingLicence.IN_PROGRESS))
    assert proposal.reasons == ["sans_permis (permis en cours de préparation)"]


def test_an_obstacle_says_whether_the_dsp_declared_it():
    proposal = proposal_compute(
        [rule(C.OBSTACLE, "mobilite", reason="mobilité")],
        Facts(obstacles=frozenset({"mobilite"}), dsp_obstacles=frozenset({"mobilite"})),
    )
    assert proposal.reasons == ["mobilité (frein « mobilité » déclaré dans les DSP et retenu au diagnostic)"]


def test_a_criterion_with_an_invalid_value_never_holds():
    assert proposal_compute([rule(C.AGE_UNDER, "vingt")], Facts(age=20)).is_empty
    assert proposal_compute([rule(C.AGE_UNDER, "0")], Facts(age=0)).is_empty


# ---- weights, ties, dispositif -------------------------------------------------------------------------------

HEALTH_AND_MOBILITY = Facts(obstacles=frozenset({"sante", "mobilite", "contraintes_familiales"}))


def test_the_heaviest_type_wins_and_keeps_only_its_reasons():
    criteria = [
        rule(C.OBSTACLE, "mobilite", T.SOCIO_PROFESSIONAL, 2, "mobilité"),
        rule(C.OBSTACLE, "sante", T.SOCIAL, 3, "santé"),
        rule(C.OBSTACLE, "contraintes_familiales", T.SOCIO_PROFESSIONAL, 2, "garde"),
    ]
    proposal = proposal_compute(criteria, HEALTH_AND_MOBILITY)
    assert proposal.orientation_type == T.SOCIO_PROFESSIONAL  # 2 + 2 beats 3
    assert proposal.scores == {T.PROFESSIONAL: 0, T.SOCIO_PROFESSIONAL: 4, T.SOCIAL: 3}
    assert [reason.split(" (")[0] for reason in proposal.reasons] == ["mobilité", "garde"]
    assert [match.criterion.reason for match in proposal.other_matches] == ["santé"]


def test_a_tie_goes_to_the_type_whose_first_matching_criterion_comes_first():
    social_first = [
        rule(C.OBSTACLE, "sante", T.SOCIAL, 2),
        rule(C.OBSTACLE, "mobilite", T.SOCIO_PROFESSIONAL, 2),
    ]
    assert proposal_compute(social_first, HEALTH_AND_MOBILITY).orientation_type == T.SOCIAL
    assert proposal_compute(social_first[::-1], HEALTH_AND_MOBILITY).orientation_type == T.SOCIO_PROFESSIONAL
    # A criterion that does not hold does not count for the order.
    unmatched_first = [rule(C.AGE_UNDER, "26", T.SOCIO_PROFESSIONAL), *social_first]
    assert proposal_compute(unmatched_first, HEALTH_AND_MOBILITY).orientation_type == T.SOCIAL


def test_the_dispositif_is_the_strongest_matching_one_of_the_winning_type():
    global_support = dispositif("Accompagnement global", T.SOCIO_PROFESSIONAL)
    young = dispositif("Mission locale", T.SOCIO_PROFESSIONAL)
    complex_cases = dispositif("Cas complexes", T.SOCIAL)
    criteria = [
        rule(C.OBSTACLE, "sante", T.SOCIAL, 1, dispositif=complex_cases),  # not the winning type
        rule(C.OBSTACLE, "mobilite", T.SOCIO_PROFESSIONAL, 1, dispositif=global_support),
        rule(C.AGE_UNDER, "26", T.SOCIO_PROFESSIONAL, 3, dispositif=young),
        rule(C.AGE_UNDER, "30", T.SOCIO_PROFESSIONAL, 5),  # the strongest names no dispositif
    ]
    facts = Facts(obstacles=frozenset({"sante", "mobilite"}), age=22)
    proposal = proposal_compute(criteria, facts)
    assert proposal.orientation_type == T.SOCIO_PROFESSIONAL
    assert proposal.dispositif is young
    assert proposal.summary == "orientation socio-professionnelle — Mission locale"


def test_equal_weights_give_the_dispositif_of_the_first_criterion():
    first, second = dispositif("Premier", T.SOCIAL), dispositif("Second", T.SOCIAL)
    criteria = [
        rule(C.OBSTACLE, "sante", T.SOCIAL, 2, dispositif=first),
        rule(C.OBSTACLE, "mobilite", T.SOCIAL, 2, dispositif=second),
    ]
    assert proposal_compute(criteria, HEALTH_AND_MOBILITY).dispositif is first
    assert proposal_compute(criteria[::-1], HEALTH_AND_MOBILITY).dispositif is second


def test_an_inactive_dispositif_is_not_proposed():
    closed = dispositif("Fermé", T.SOCIAL, active=False)
    proposal = proposal_compute([rule(C.OBSTACLE, "sante", dispositif=closed)], HEALTH_AND_MOBILITY)
    assert proposal.orientation_type == T.SOCIAL and proposal.dispositif is None


def test_inactive_criteria_are_ignored():
    criteria = [
        rule(C.OBSTACLE, "sante", T.SOCIAL, 10, active=False),
        rule(C.OBSTACLE, "mobilite", T.SOCIO_PROFESSIONAL, 1),
    ]
    proposal = proposal_compute(criteria, HEALTH_AND_MOBILITY)
    assert proposal.orientation_type == T.SOCIO_PROFESSIONAL
    assert proposal.scores[T.SOCIAL] == 0


def test_when_nothing_matches_nothing_is_proposed_and_it_says_so():
    proposal = proposal_compute([rule(C.OBSTACLE, "logement")], HEALTH_AND_MOBILITY)
    assert proposal.is_empty and proposal.dispositif is None and proposal.reasons == []
    assert proposal.summary == NO_MATCH == "aucun critère ne s'applique : à apprécier par le professionnel"
    assert proposal_compute([], Facts()).is_empty


# ---- properties ----------------------------------------------------------------------------------------------

OBSTACLES = st.frozensets(st.sampled_from(DeclaredObstacle.values))
criteria_strategy = st.lists(
    st.builds(
        lambda code, kind, weight, active: rule(C.OBSTACLE, code, kind, weight, active=active),
        st.sampled_from(DeclaredObstacle.values),
        st.sampled_from(T.values),
        st.integers(min_value=1, max_value=5),
        st.booleans(),
    ),
    max_size=12,
)


@given(criteria=criteria_strategy, obstacles=OBSTACLES)
def test_the_proposal_is_the_best_score_and_explains_itself(criteria, obstacles):
    facts = Facts(obstacles=obstacles)
    proposal = proposal_compute(criteria, facts)
    matched = [c for c in criteria if c.is_active and c.value in obstacles]
    if not matched:
        assert proposal.is_empty and not proposal.reasons
        return
    assert proposal.scores[proposal.orientation_type] == max(proposal.scores.values())
    for kind in T.values:
        assert proposal.scores[kind] == sum(c.weight for c in matched if c.proposed_type == kind)
    winning = [c for c in matched if c.proposed_type == proposal.orientation_type]
    assert len(proposal.reasons) == len(winning) >= 1
    assert len(proposal.matches) == len(matched)


@given(criteria=criteria_strategy, obstacles=OBSTACLES, data=st.data())
def test_scores_do_not_depend_on_the_order(criteria, obstacles, data):
    shuffled = data.draw(st.permutations(criteria))
    facts = Facts(obstacles=obstacles)
    assert proposal_compute(criteria, facts).scores == proposal_compute(shuffled, facts).scores


@given(criteria=criteria_strategy, obstacles=OBSTACLES, code=st.sampled_from(DeclaredObstacle.values))
def test_an_inactive_criterion_changes_nothing(criteria, obstacles, code):
    facts = Facts(obstacles=obstacles)
    before = proposal_compute(criteria, facts)
    after = proposal_compute([rule(C.OBSTACLE, code, T.SOCIAL, 100, active=False), *criteria], facts)
    assert (after.orientation_type, after.reasons, after.scores) == (
        before.orientation_type,
        before.reasons,
        before.scores,
    )


# ---- values of the criteria ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "value", "stored"),
    [
        (C.OBSTACLE, "sante", "sante"),
        (C.OBSTACLE, " Santé ", "sante"),  # the label is accepted too
        (C.PROFESSIONAL_SITUATION, "en formation", "formation"),
        (C.EDUCATION_LEVEL, "infra_3", "infra_3"),
        (C.AGE_UNDER, " 26 ", "26"),
        (C.MONTHS_IN_RSA_AT_LEAST, "048", "48"),
        (C.SINGLE_PARENT, "n'importe quoi", ""),
        (C.NO_DRIVING_LICENCE, "", ""),
        (C.EXPRESSED_NEED, " emploi ", "emploi"),
    ],
)
def test_criterion_values_are_normalised(condition, value, stored):
    assert criterion_value_clean(condition, value) == stored


@pytest.mark.parametrize(
    ("condition", "value", "message"),
    [
        (C.OBSTACLE, "sport", "« sport » n'est pas un code connu pour « frein identifié (DSP ou diagnostic) »"),
        (C.OBSTACLE, "", "Indiquez le code attendu"),
        (C.PROFESSIONAL_SITUATION, "chômeur", "n'est pas un code connu pour « situation professionnelle »"),
        (C.AGE_UNDER, "-3", "La valeur doit être un nombre entier positif (ans, au plus 120)."),
        (C.AGE_UNDER, "0", "nombre entier positif"),
        (C.AGE_AT_LEAST, "2.5", "nombre entier positif"),
        (C.MONTHS_IN_RSA_AT_LEAST, "quatre ans", "nombre entier positif (mois, au plus 600)"),
        (C.MONTHS_SINCE_JOB_AT_LEAST, "601", "au plus 600"),
        (C.EXPRESSED_NEED, "  ", "Indiquez le mot-clé"),
    ],
)
def test_bad_criterion_values_are_refused_in_french(condition, value, message):
    with pytest.raises(ValidationError) as error:
        criterion_value_clean(condition, value)
    assert message in error.value.message_dict["value"][0]


def test_values_read_well_on_screen():
    assert criterion_value_label(C.OBSTACLE, "sante") == "santé"
    assert criterion_value_label(C.AGE_UNDER, "26") == "26 ans"
    assert criterion_value_label(C.MONTHS_IN_RSA_AT_LEAST, "48") == "48 mois"
    assert criterion_value_label(C.EXPRESSED_NEED, "emploi") == "« emploi »"
    assert criterion_value_label(C.SINGLE_PARENT, "") == "—"


def test_months_and_ages_count_whole_units():
    from datetime import date

    assert months_between(date(2022, 1, 15), date(2026, 1, 15)) == 48
    assert months_between(date(2022, 1, 15), date(2026, 1, 14)) == 47
    assert months_between(date(2026, 2, 1), date(2026, 1, 1)) == 0
    assert age_on(date(2000, 6, 10), date(2026, 6, 9)) == 25
    assert age_on(date(2000, 6, 10), date(2026, 6, 10)) == 26
