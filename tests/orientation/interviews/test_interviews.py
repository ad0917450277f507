"""The individual interview: the screen, the live proposal, the record and its refusals, the decision that
follows, the person's page snippet, the API, the demo helpers."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from rest_framework.test import APIRequestFactory, force_authenticate

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.orientation.enums import Attendance
from jalon.orientation.enums import CriterionCondition as C
from jalon.orientation.enums import OrientationType as T
from jalon.orientation.interviews import selectors, services
from jalon.orientation.interviews.api import InterviewListCreateApi
from jalon.orientation.models import Interview, Orientation, OrientationCriterion
from jalon.people.enums import HouseholdRole as R
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory
from tests.orientation.interviews.conftest import criterion, participant_for, person_in_household


pytestmark = pytest.mark.django_db


@pytest.fixture
def criteria(landes, social_dispositif):
    return [
        criterion(
            landes,
            1,
            C.OBSTACLE,
            "sante",
            T.SOCIAL,
            weight=3,
            reason="santé d'abord",
            proposed_dispositif=social_dispositif,
        ),
        criterion(landes, 2, C.OBSTACLE, "mobilite", T.SOCIO_PROFESSIONAL, weight=2, reason="mobilité"),
        criterion(landes, 3, C.SINGLE_PARENT, "", T.SOCIAL, weight=1, reason="parent isolé"),
    ]


@pytest.fixture
def person(landes):
    return person_in_household(
        landes, others=[R.CHILD], dsp={"declared_obstacles": ["mobilite"]}, last_name="Entretien"
    )


def _url(person, participant=None):
    url = reverse("orientation:interview_new", args=[person.pk])
    return f"{url}?participant={participant.pk}" if participant else url


def _post(client, person, participant=None, **data):
    values = {"strengths": "ponctuelle", "needs": "trouver un emploi", "obstacles": ["sante"], **data}
    return client.post(_url(person, participant), values)


def _record(officer, person, participant=None, obstacles=("sante",)):
    return services.interview_record(
        actor=actor_for(officer),
        person=person,
        participant=participant,
        strengths="",
        needs="",
        obstacles=list(obstacles),
        diagnostic_note="",
    )


# ---- the screen ----------------------------------------------------------------------------------------------


def test_the_screen_starts_from_the_dsp_obstacles_and_shows_the_proposal(login_as, officer, person, criteria):
    page = login_as(officer).get(_url(person)).content.decode()
    assert re.search(r'value="mobilite"[^>]*checked', page)
    assert not re.search(r'value="sante"[^>]*checked', page)
    assert "Orientation socio-professionnelle" in page
    assert "mobilité (frein « mobilité » déclaré dans les DSP et retenu au diagnostic)" in page
    assert "parent isolé (foyer avec enfant(s) à charge, sans conjoint) — oriente vers sociale" in page
    assert f'hx-post="{reverse("orientation:interview_proposal", args=[person.pk])}"' in page
    viewed = AuditEvent.objects.get(code=AuditCode.PERSON_VIEWED, person_id=person.pk)
    assert viewed.data["screen"] == "entretien d'orientation"


def test_the_proposal_follows_the_obstacles_live(login_as, officer, person, criteria):
    client = login_as(officer)
    url = reverse("orientation:interview_proposal", args=[person.pk])
    fragment = client.post(url, {"obstacles": ["sante", "mobilite"]}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert "Orientation sociale — Accompagnement social départemental" in fragment
    assert "santé d&#x27;abord (frein « santé » retenu au diagnostic)" in fragment
    fragment = client.post(url, {"obstacles": []}, HTTP_HX_REQUEST="true").content.decode()
    assert "Orientation sociale" in fragment and "parent isolé" in fragment and "santé" not in fragment
    assert client.get(url).status_code == 405
    assert not Interview.objects.exists()


def test_without_javascript_the_proposal_is_refreshed_on_submit(login_as, officer, person, criteria):
    response = _post(login_as(officer), person, obstacles=["sante"], preview="1")
    assert response.status_code == 200
    assert "Orientation sociale — Accompagnement social départemental" in response.content.decode()
    assert not Interview.objects.exists()


def test_with_no_criteria_nothing_is_proposed(login_as, officer, person):
    page = login_as(officer).get(_url(person)).content.decode()
    assert "Aucun critère ne s'applique : à apprécier par le professionnel." in page


def test_saving_stores_the_proposal_and_goes_to_the_decision(login_as, officer, person, criteria):
    response = _post(login_as(officer), person, diagnostic_note="à revoir dans 3 mois")
    interview = Interview.objects.get(person=person)
    assert response["Location"] == f"{reverse('orientation:decide', args=[person.pk])}?entretien={interview.pk}"
    assert interview.obstacles == ["sante"] and interview.needs == "trouver un emploi"
    assert interview.proposed_type == T.SOCIAL and interview.proposed_dispositif == criteria[0].proposed_dispositif
    assert interview.proposal_reasons == [
        "santé d'abord (frein « santé » retenu au diagnostic)",
        "parent isolé (foyer avec enfant(s) à charge, sans conjoint)",
    ]
    assert interview.conducted_by == officer.user
    event = AuditEvent.objects.get(code=AuditCode.INTERVIEW_RECORDED, person_id=person.pk)
    assert event.data["new"]["proposed_type"] == T.SOCIAL and "trouver un emploi" not in str(event.data)


def test_a_referent_records_an_interview_and_goes_back_to_the_person(login_as, cd_referent, person, criteria):
    response = _post(login_as(cd_referent), person)
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert Interview.objects.get(person=person).conducted_by == cd_referent.user


def test_an_unknown_obstacle_is_refused(login_as, officer, person):
    response = _post(login_as(officer), person, obstacles=["sport"])
    assert "Sélectionnez un choix valide" in response.content.decode()
    with pytest.raises(ValidationError) as error:
        _record(officer, person, obstacles=["sport"])
    assert error.value.message_dict == {"obstacles": ["Frein inconnu : choisissez parmi les freins proposés."]}
    assert not Interview.objects.exists()


def test_people_out_of_scope_or_other_roles_get_404(login_as, landes, pyrenees, officer, person):
    elsewhere = person_in_household(pyrenees)
    client = login_as(officer)
    assert client.get(_url(elsewhere)).status_code == 404
    assert client.post(reverse("orientation:interview_proposal", args=[elsewhere.pk])).status_code == 404
    manager = MembershipFactory(role=Role.TERRITORY_MANAGER, organisation__kind="cd", organisation__departement=landes)
    assert login_as(manager).get(_url(person)).status_code == 404
    outside_referent = MembershipFactory(role=Role.REFERENT, organisation__departement=landes)  # an association
    assert login_as(outside_referent).get(_url(person)).status_code == 404


# ---- sessions ------------------------------------------------------------------------------------------------


def test_an_interview_of_a_session_is_linked_and_leaves_attendance_alone(login_as, officer, person, criteria):
    participant = participant_for(person, officer.organisation)
    client = login_as(officer)
    page = client.get(_url(person, participant)).content.decode()
    assert "Entretien de la séance" in page and "fr-alert--warning" not in page
    _post(client, person, participant)
    interview = Interview.objects.get(person=person)
    assert interview.participant == participant
    participant.refresh_from_db()
    assert participant.attendance == "" and participant.attendance_recorded_at is None


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("other_person", "Cette participation à une séance concerne une autre personne."),
        ("cancelled", "a été annulée : l&#x27;entretien ne peut pas s&#x27;y rattacher."),
        ("absent", "est noté(e) absent à cette séance : un entretien suppose la présence de la personne."),
        ("excused", "est noté(e) excusé à cette séance"),
        ("already", "Un entretien est déjà enregistré pour cette participation à la séance."),
    ],
)
def test_interviews_of_a_session_are_refused_when_they_cannot_be(login_as, officer, person, landes, case, message):
    organisation = officer.organisation
    if case == "other_person":
        participant = participant_for(person_in_household(landes), organisation)
    elif case == "cancelled":
        participant = participant_for(person, organisation, cancelled=True)
    elif case == "absent":
        participant = participant_for(person, organisation, attendance=Attendance.ABSENT)
    elif case == "excused":
        participant = participant_for(person, organisation, attendance=Attendance.EXCUSED)
    else:
        participant = participant_for(person, organisation, attendance=Attendance.PRESENT)
        _record(officer, person, participant)
    before = Interview.objects.count()
    client = login_as(officer)
    assert message in client.get(_url(person, participant)).content.decode()  # said before filling in
    response = _post(client, person, participant)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Interview.objects.count() == before
    assert AuditEvent.objects.filter(code=AuditCode.INTERVIEW_RECORDED).count() == before


def test_a_session_of_another_departement_is_not_found(login_as, officer, person, pyrenees):
    other_admin = MembershipFactory(
        role=Role.ADMINISTRATOR, organisation__kind="cd", organisation__departement=pyrenees
    )
    participant = participant_for(person_in_household(pyrenees), other_admin.organisation)
    assert login_as(officer).get(_url(person, participant)).status_code == 404


# ---- the decision --------------------------------------------------------------------------------------------


def test_the_decision_is_prefilled_from_the_interview_and_linked_to_it(login_as, officer, person, criteria):
    participant = participant_for(person, officer.organisation, attendance=Attendance.PRESENT)
    interview = _record(officer, person, participant)
    client = login_as(officer)
    url = f"{reverse('orientation:decide', args=[person.pk])}?entretien={interview.pk}"
    page = client.get(url).content.decode()
    assert "santé d&#x27;abord (frein « santé » retenu au diagnostic)" in page
    assert '<option value="social" selected>' in page
    dispositif = criteria[0].proposed_dispositif
    assert f'<option value="{dispositif.pk}" selected>' in page
    # The dispositif has a single carrier: the structure is proposed too.
    assert f'<option value="{officer.organisation.pk}" selected>' in page

    referent = MembershipFactory(role=Role.REFERENT, organisation=officer.organisation)
    response = client.post(
        url,
        {
            "orientation_type": T.SOCIAL,
            "dispositif": dispositif.pk,
            "organisation": officer.organisation.pk,
            "referent": referent.user.pk,
            "person_agreement": "accord",
        },
    )
    assert response.status_code == 302
    orientation = Orientation.objects.current().get(person=person)
    interview.refresh_from_db()
    assert interview.orientation == orientation
    assert orientation.session == participant.session


def test_the_decision_may_differ_and_an_interview_is_linked_once(login_as, officer, person, criteria):
    interview = _record(officer, person)
    referent = MembershipFactory(role=Role.REFERENT, organisation=officer.organisation)
    client = login_as(officer)
    url = f"{reverse('orientation:decide', args=[person.pk])}?entretien={interview.pk}"
    data = {
        "orientation_type": T.PROFESSIONAL,
        "organisation": officer.organisation.pk,
        "referent": referent.user.pk,
        "person_agreement": "accord",
    }
    client.post(url, data)
    first = Orientation.objects.get(person=person)
    interview.refresh_from_db()
    assert interview.orientation == first and first.orientation_type == T.PROFESSIONAL
    assert "a déjà donné lieu à une décision" in client.get(url).content.decode()
    client.post(url, {**data, "orientation_type": T.SOCIAL})
    interview.refresh_from_db()
    assert interview.orientation == first  # the second decision did not take the interview over


def test_another_persons_interview_cannot_prefill_a_decision(login_as, officer, person, landes):
    other = person_in_household(landes)
    interview = _record(officer, other)
    url = f"{reverse('orientation:decide', args=[person.pk])}?entretien={interview.pk}"
    assert login_as(officer).get(url).status_code == 404


# ---- the person's page snippet -------------------------------------------------------------------------------


def test_the_person_page_snippet_shows_proposals_reasons_and_decisions(officer, person, criteria):
    decided = _record(officer, person)
    pending = _record(officer, person, obstacles=["mobilite"])
    referent = MembershipFactory(role=Role.REFERENT, organisation=officer.organisation)
    from jalon.orientation.services import orientation_decide

    orientation_decide(
        actor=actor_for(officer),
        person=person,
        orientation_type=T.PROFESSIONAL,
        organisation=officer.organisation,
        referent=referent.user,
        interview=decided,
    )
    interviews = selectors.person_interviews(person=person)
    html = render_to_string(
        "orientation/interviews/_person_interviews.html",
        {"person": person, "interviews": interviews, "actor": actor_for(officer)},
    )
    assert "santé d&#x27;abord (frein « santé » retenu au diagnostic)" in html
    assert "Professionnelle" in html and "différente de la proposition" in html
    assert f"?entretien={pending.pk}" in html and f"?entretien={decided.pk}" not in html
    assert "Mener un entretien" in html


def test_the_person_interviews_read_in_one_query(officer, person, criteria, django_assert_num_queries):
    for _ in range(5):
        _record(officer, person)
    with django_assert_num_queries(1):
        interviews = selectors.person_interviews(person=person, limit=3)
        assert [interview.obstacle_labels for interview in interviews] == [["santé"]] * 3
        assert all(interview.proposed_dispositif.name for interview in interviews)


# ---- API ------------------------------------------------------------------------------------------------------


def _api(membership, method, person, data=None):
    factory = APIRequestFactory()
    path = f"/api/v1/personnes/{person.pk}/entretiens/"
    request = factory.post(path, data, format="json") if method == "post" else factory.get(path)
    force_authenticate(request, user=membership.user)
    request.actor = actor_for(membership)
    return InterviewListCreateApi.as_view()(request, pk=person.pk)


def test_the_interviews_api_records_and_lists(officer, person, criteria, landes):
    created = _api(officer, "post", person, {"obstacles": ["sante"], "needs": "un emploi"})
    assert created.status_code == 201
    assert created.data["proposed_type"] == T.SOCIAL
    assert created.data["proposal_reasons"][0] == "santé d'abord (frein « santé » retenu au diagnostic)"
    listed = _api(officer, "get", person)
    assert [row["id"] for row in listed.data] == [created.data["id"]]
    assert AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED, person_id=person.pk).exists()

    other = participant_for(person_in_household(landes), officer.organisation)
    refused = _api(officer, "post", person, {"participant": other.pk})
    assert refused.status_code == 400
    assert refused.data == {"errors": {"__all__": ["Cette participation à une séance concerne une autre personne."]}}
    assert Interview.objects.count() == 1


def test_the_interviews_api_refuses_unknown_obstacles(officer, person):
    # Last call of the test: DRF marks the test's transaction for rollback on an input error.
    response = _api(officer, "post", person, {"obstacles": ["sport"]})
    assert response.status_code == 400 and "obstacles" in response.data


def test_the_interviews_api_is_for_the_interview_roles(landes, person):
    partner = MembershipFactory(role=Role.PARTNER, organisation__departement=landes)
    assert _api(partner, "get", person).status_code == 404


# ---- bulk and demo ---------------------------------------------------------------------------------------------


def test_past_interviews_are_recorded_in_bulk_once(officer, person, social_dispositif, landes):
    participant = participant_for(person, officer.organisation, attendance=Attendance.PRESENT)
    row = {
        "person_id": person.pk,
        "participant_id": participant.pk,
        "obstacles": ["sante"],
        "strengths": "",
        "needs": "",
        "proposed_type": T.SOCIAL,
        "proposed_dispositif_id": social_dispositif.pk,
        "proposal_reasons": ["santé d'abord (frein « santé » retenu au diagnostic)"],
        "conducted_on": datetime.date(2026, 3, 2),
        "conducted_by_id": officer.user.pk,
        "orientation_id": None,
    }
    from jalon.orientation.interviews.demo import interviews_bulk_create

    assert interviews_bulk_create([row, {**row, "participant_id": None}]) == 2
    assert interviews_bulk_create([row]) == 0  # the participation already has its interview
    assert Interview.objects.filter(person=person, conducted_on=datetime.date(2026, 3, 2)).count() == 2
    assert AuditEvent.objects.filter(code=AuditCode.INTERVIEW_RECORDED, actor_label="commande seed_demo").count() == 2


def test_the_demo_step_creates_the_default_criteria_once(landes):
    from jalon.orientation.interviews.demo import build

    logged = []

    class Context:
        departement = landes
        log = staticmethod(logged.append)

    build(Context())
    count = OrientationCriterion.objects.filter(departement=landes).count()
    build(Context())
    assert count > 10 and OrientationCriterion.objects.filter(departement=landes).count() == count
    assert logged == [f"  {count} critères d'orientation nationaux", "  critères déjà présents"]
