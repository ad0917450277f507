import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.orientation.enums import LongTermConsequence, LongTermTypology, OrientationType, ReorientationStatus
from jalon.orientation.models import Dispositif, LongTermReview, ReorientationRequest
from jalon.orientation.reorientation import selectors, services
from jalon.orientation.services import orientation_decide
from jalon.people.enums import RightState
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory
from tests.people.factories import HouseholdMemberFactory, PersonFactory, RsaRightFactory
from tests.territories.factories import CommuneFactory, TerritoryFactory


pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 22)
CUTOFF = datetime.date(2022, 11, 22)  # four years before TODAY


def _beneficiary(landes, *, opened=None, requested=None, state=RightState.OPEN, subject=True, **person):
    member = HouseholdMemberFactory(
        person=PersonFactory(departement=landes, **person),
        household__departement=landes,
        subject_to_rights_and_duties=subject,
    )
    RsaRightFactory(household=member.household, state=state, request_date=requested, opening_date=opened)
    return member.person


def _ids(actor, **filters):
    return set(selectors.long_term_beneficiaries(actor=actor, today=TODAY, **filters).values_list("pk", flat=True))


def test_long_term_means_a_right_opened_at_least_four_years_ago(landes, officer):
    day = datetime.timedelta(days=1)
    exactly = _beneficiary(landes, opened=CUTOFF)
    a_day_more = _beneficiary(landes, opened=CUTOFF - day)
    a_day_less = _beneficiary(landes, opened=CUTOFF + day)
    # Without an opening date, the request date stands in.
    requested_only = _beneficiary(landes, requested=CUTOFF - day)
    recent_request_old_opening = _beneficiary(landes, opened=CUTOFF - day, requested=CUTOFF + day * 30)
    closed = _beneficiary(landes, opened=CUTOFF - day * 400, state=RightState.CLOSED)
    not_subject = _beneficiary(landes, opened=CUTOFF - day * 400, subject=False)
    ids = _ids(actor_for(officer))
    assert {exactly.pk, a_day_more.pk, requested_only.pk, recent_request_old_opening.pk} == ids
    assert not {a_day_less.pk, closed.pk, not_subject.pk} & ids
    # Five years instead of four.
    assert _ids(actor_for(officer), years=5) == set()


def test_filters_and_the_last_review(landes, officer, france_travail):
    territory = TerritoryFactory(departement=landes)
    commune = CommuneFactory(departement=landes)
    territory.communes.add(commune)
    here = _beneficiary(landes, opened=datetime.date(2015, 1, 1), commune=commune)
    there = _beneficiary(landes, opened=datetime.date(2016, 1, 1))
    LongTermReview.objects.create(
        person=here,
        reviewed_on=datetime.date(2025, 1, 1),
        typology=LongTermTypology.MOBILISED,
        consequence=LongTermConsequence.CONTINUE,
    )
    LongTermReview.objects.create(
        person=here,
        reviewed_on=datetime.date(2026, 6, 1),
        typology=LongTermTypology.RESIGNED,
        consequence=LongTermConsequence.COLLECTIVE_ACTION,
    )
    actor = actor_for(officer)
    assert _ids(actor, territory_id=territory.pk) == {here.pk}
    assert _ids(actor, reviewed=True) == {here.pk}
    assert _ids(actor, reviewed=False) == {there.pk}
    # The typology filter looks at the last review only.
    assert _ids(actor, typology=LongTermTypology.RESIGNED) == {here.pk}
    assert _ids(actor, typology=LongTermTypology.MOBILISED) == set()
    row = selectors.long_term_beneficiaries(actor=actor, today=TODAY).get(pk=here.pk)
    assert (row.last_typology, row.last_consequence) == (LongTermTypology.RESIGNED, "action_collective")
    counts = selectors.long_term_counts(actor=actor, today=TODAY)
    assert counts["total"] == 2 and counts["reviewed"] == 1 and counts["not_reviewed"] == 1
    assert dict(counts["by_typology"])["résigné"] == 1 and dict(counts["by_typology"])["mobilisé"] == 0
    assert dict(counts["by_consequence"])["action collective"] == 1


def test_long_term_people_are_scoped(landes, france_travail, officer):
    agency, referent, dispositif = france_travail
    followed = _beneficiary(landes, opened=datetime.date(2015, 1, 1))
    _beneficiary(landes, opened=datetime.date(2015, 1, 1))
    orientation_decide(
        actor=actor_for(officer),
        person=followed,
        orientation_type=OrientationType.PROFESSIONAL,
        organisation=agency,
        referent=referent.user,
    )
    assert _ids(actor_for(referent)) == {followed.pk}  # France Travail sees its own people only
    assert len(_ids(actor_for(officer))) == 2


def test_the_long_term_screen_uses_a_constant_number_of_queries(login_as, landes, officer, france_travail):
    agency, referent, _ = france_travail
    client = login_as(officer)

    def add(count):
        for index in range(count):
            person = _beneficiary(landes, opened=datetime.date(2012, 1, 1))
            if index % 2:
                orientation_decide(
                    actor=actor_for(officer),
                    person=person,
                    orientation_type=OrientationType.PROFESSIONAL,
                    organisation=agency,
                    referent=referent.user,
                )
                LongTermReview.objects.create(
                    person=person, typology=LongTermTypology.OTHER, consequence=LongTermConsequence.CONTINUE
                )

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
            assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    add(2)
    url = reverse("orientation:long_term_list")
    few, _ = count(url)
    add(10)
    many, page = count(url)
    assert many == few
    assert "Maintien de l&#x27;accompagnement" in page or "maintien de l&#x27;accompagnement" in page
    filtered, page = count(url + "?reviewed=non")
    assert page.count("à faire") == 6 and filtered == few


def test_the_long_term_screen_is_for_orientation_roles(login_as, landes):
    partner = MembershipFactory(role=Role.PARTNER, organisation__departement=landes)
    assert login_as(partner).get(reverse("orientation:long_term_list")).status_code == 404
    manager = MembershipFactory(role=Role.TERRITORY_MANAGER, organisation__kind="cd", organisation__departement=landes)
    assert login_as(manager).get(reverse("orientation:long_term_list")).status_code == 200
    person = _beneficiary(landes, opened=datetime.date(2012, 1, 1))
    assert login_as(manager).get(reverse("orientation:long_term_review", args=[person.pk])).status_code == 404


# --- Reviews --------------------------------------------------------------------------------------------------


@pytest.fixture
def long_term(landes, officer, france_travail):
    agency, referent, dispositif = france_travail
    person = _beneficiary(landes, opened=datetime.date(2014, 5, 1))
    orientation_decide(
        actor=actor_for(officer),
        person=person,
        orientation_type=OrientationType.PROFESSIONAL,
        organisation=agency,
        referent=referent.user,
        dispositif=dispositif,
    )
    return person


def test_a_review_leading_to_a_reorientation_opens_a_request(officer, long_term):
    review = services.long_term_review_record(
        actor=actor_for(officer),
        person=long_term,
        typology=LongTermTypology.DISAPPOINTED,
        consequence=LongTermConsequence.REORIENTATION,
        comment="Plusieurs accompagnements sans résultat, attend un appui vers l'emploi.",
    )
    request = review.reorientation_request
    assert request.status == ReorientationStatus.REQUESTED and request.person == long_term
    assert request.reason == "Plusieurs accompagnements sans résultat, attend un appui vers l'emploi."
    audit = AuditEvent.objects.get(code=AuditCode.LONG_TERM_REVIEWED)
    assert audit.person_id == long_term.pk and audit.data["new"]["reorientation_request"] == request.pk


def test_a_complex_cases_review_asks_for_the_departement_dispositif(landes, officer, long_term):
    complex_cases = Dispositif.objects.create(
        departement=landes, name="Référence « cas complexes »", orientation_type=OrientationType.SOCIAL
    )
    review = services.long_term_review_record(
        actor=actor_for(officer),
        person=long_term,
        typology=LongTermTypology.RESIGNED,
        consequence=LongTermConsequence.COMPLEX_CASES,
    )
    request = review.reorientation_request
    assert request.requested_dispositif == complex_cases and request.requested_type == OrientationType.SOCIAL
    assert "cas complexes" in request.reason


def test_a_complex_cases_review_without_such_a_dispositif_still_asks(officer, long_term):
    review = services.long_term_review_record(
        actor=actor_for(officer),
        person=long_term,
        typology=LongTermTypology.RESIGNED,
        consequence=LongTermConsequence.COMPLEX_CASES,
    )
    assert review.reorientation_request.requested_dispositif is None


@pytest.mark.parametrize("consequence", [LongTermConsequence.COLLECTIVE_ACTION, LongTermConsequence.CONTINUE])
def test_other_consequences_open_no_request(officer, long_term, consequence):
    review = services.long_term_review_record(
        actor=actor_for(officer), person=long_term, typology=LongTermTypology.MOBILISED, consequence=consequence
    )
    assert review.reorientation_request is None and not ReorientationRequest.objects.exists()


@pytest.mark.parametrize("case", ["no_comment", "not_oriented", "bad_typology", "future"])
def test_bad_reviews_are_refused_and_write_nothing(landes, officer, long_term, case):
    person = long_term
    values = {
        "typology": LongTermTypology.DISAPPOINTED,
        "consequence": LongTermConsequence.REORIENTATION,
        "comment": "Motif",
    }
    if case == "no_comment":
        values["comment"] = ""
        expected = "Indiquez dans le commentaire le motif de la réorientation"
    elif case == "not_oriented":
        person = _beneficiary(landes, opened=datetime.date(2014, 5, 1))
        expected = "pas d'orientation en cours"
    elif case == "bad_typology":
        values["typology"] = "fataliste"
        expected = "Choisissez la typologie"
    else:
        values["reviewed_on"] = datetime.date(2099, 1, 1)
        expected = "dans le futur"
    with pytest.raises(ValidationError, match=expected):
        services.long_term_review_record(actor=actor_for(officer), person=person, **values)
    assert not LongTermReview.objects.exists() and not ReorientationRequest.objects.exists()
    assert not AuditEvent.objects.filter(code=AuditCode.LONG_TERM_REVIEWED).exists()


def test_the_review_screen(login_as, officer, long_term):
    client = login_as(officer)
    url = reverse("orientation:long_term_review", args=[long_term.pk])
    page = client.get(url).content.decode()
    assert "Typologie" in page and "déçu" in page
    assert AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED, person_id=long_term.pk).exists()
    response = client.post(url, {"typology": "decu", "consequence": "reorientation", "comment": ""})
    assert "Indiquez dans le commentaire" in response.content.decode()
    response = client.post(url, {"typology": "decu", "consequence": "reorientation", "comment": "Autre voie."})
    assert response["Location"] == reverse("people:detail", args=[long_term.pk])
    review = LongTermReview.objects.get()
    assert review.reviewed_by == officer.user and review.reorientation_request.reason == "Autre voie."
