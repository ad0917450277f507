import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.orientation.enums import OrientationType, ReorientationStatus
from jalon.orientation.models import EplMeeting, Orientation, ReorientationRequest
from jalon.orientation.reorientation import selectors, services
from jalon.orientation.services import orientation_decide
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory
from tests.orientation.reorientation.conftest import _meeting, _person, _request
from tests.territories.factories import DepartementFactory, RegionFactory, TerritoryFactory


pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _orient(officer, person, agency, referent):
    orientation_decide(
        actor=actor_for(officer),
        person=person,
        orientation_type=OrientationType.PROFESSIONAL,
        organisation=agency,
        referent=referent.user,
    )


def test_the_whole_path_on_the_screens(login_as, landes, officer, oriented, france_travail, social):
    agency, ft_referent, _ = france_travail
    service, social_referent, dispositif = social
    previous = Orientation.objects.current().get(person=oriented)

    # The référent asks from the person's page.
    client = login_as(ft_referent)
    url = reverse("orientation:reorientation_request", args=[oriented.pk])
    page = client.get(url).content.decode()
    assert "France Travail — Mont-de-Marsan" in page and "Motif de la demande" in page
    response = client.post(url, {"reason": "", "requested_type": "social"})
    assert "Ce champ est obligatoire." in response.content.decode()
    response = client.post(url, {"reason": "Santé fragile, suivi social nécessaire.", "requested_type": "social"})
    assert response["Location"] == reverse("people:detail", args=[oriented.pk])
    request = ReorientationRequest.objects.get(person=oriented)
    assert request.requested_by == ft_referent.user
    response = client.post(url, {"reason": "Encore", "requested_type": "social"})
    assert "déjà en cours" in response.content.decode()
    assert ReorientationRequest.objects.count() == 1

    # The orientation officer creates an EPL: the request waits on the list.
    client = login_as(officer)
    page = client.get(reverse("orientation:epl_list")).content.decode()
    assert "Santé fragile" in page and "ORIENTE" in page
    today = timezone.localdate()
    response = client.post(
        reverse("orientation:epl_list"),
        {"day": today.isoformat(), "time": "00:00", "place": "MDS", "members": [officer.user.pk, ft_referent.user.pk]},
    )
    meeting = EplMeeting.objects.get()
    assert response["Location"] == reverse("orientation:epl_detail", args=[meeting.pk])
    assert set(meeting.members.all()) == {officer.user, ft_referent.user}

    # The request goes on the agenda; the page shows it with the days waiting.
    detail = reverse("orientation:epl_detail", args=[meeting.pk])
    assert "Demandes en attente à inscrire" in client.get(detail).content.decode()
    client.post(reverse("orientation:epl_agenda_add", args=[meeting.pk]), {"requests": [request.pk]})
    request.refresh_from_db()
    assert request.status == ReorientationStatus.SCHEDULED and request.epl_meeting == meeting
    page = client.get(detail).content.decode()
    assert "Santé fragile" in page and "0 jour" in page and "Décider" in page
    viewed = AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED, subject_type="orientation.eplmeeting").latest(
        "pk"
    )
    assert viewed.data["persons"] == [oriented.pk]

    # Closing is refused while the item is undecided.
    response = client.post(reverse("orientation:epl_close", args=[meeting.pk]), {"minutes": "CR"})
    assert "pas décidée" in response.content.decode()

    # The decision: a bad one is refused on the form, then accepted with a new orientation.
    decide = reverse("orientation:epl_decide", args=[meeting.pk, request.pk])
    page = client.get(decide).content.decode()
    assert 'value="social" selected' in page  # the requested type is proposed
    data = {
        "decision": "accepter",
        "decision_reason": "Accord : priorité à la santé.",
        "orientation_type": "social",
        "dispositif": dispositif.pk,
        "organisation": service.pk,
        "referent": ft_referent.user.pk,
        "person_agreement": "accord",
    }
    response = client.post(decide, data)
    assert response.status_code == 200 and "n&#x27;est pas membre de" in response.content.decode()
    assert Orientation.objects.current().get(person=oriented) == previous
    response = client.post(decide, {**data, "referent": social_referent.user.pk})
    assert response["Location"] == detail
    request.refresh_from_db()
    previous.refresh_from_db()
    assert request.status == ReorientationStatus.ACCEPTED
    assert previous.end_reason == "réorientation" and previous.ended_on == today
    assert request.new_orientation.organisation == service

    # Closing with the minutes.
    client.post(reverse("orientation:epl_close", args=[meeting.pk]), {"minutes": "Une situation, acceptée."})
    meeting.refresh_from_db()
    assert meeting.closed_at is not None
    page = client.get(detail).content.decode()
    assert "Une situation, acceptée." in page and "Clôturer" not in page

    # The person page's snippet shows it all.
    reorientations = selectors.person_reorientations(actor=actor_for(officer), person=oriented)
    html = render_to_string(
        "orientation/reorientation/_person_reorientations.html",
        {"person": oriented, "reorientation": reorientations, "actor": actor_for(officer)},
    )
    assert "acceptée" in html and "Accord : priorité à la santé." in html and str(meeting) in html
    assert "Délais : 0 jours jusqu" in html
    assert reorientations.can_request  # decided: a new request is possible


def test_refuse_and_postpone_on_the_screens(login_as, officer, oriented):
    request = _request(officer, oriented)
    meeting = _meeting(officer)
    services.reorientation_schedule(actor=actor_for(officer), request=request, meeting=meeting)
    client = login_as(officer)
    client.post(reverse("orientation:epl_postpone", args=[meeting.pk, request.pk]))
    request.refresh_from_db()
    assert request.status == ReorientationStatus.REQUESTED
    services.reorientation_schedule(actor=actor_for(officer), request=request, meeting=meeting)
    decide = reverse("orientation:epl_decide", args=[meeting.pk, request.pk])
    response = client.post(decide, {"decision": "refuser", "refus-decision_reason": ""})
    assert "Ce champ est obligatoire." in response.content.decode()
    client.post(decide, {"decision": "refuser", "refus-decision_reason": "Maintien de l'orientation."})
    request.refresh_from_db()
    assert request.status == ReorientationStatus.REFUSED and request.decision_reason == "Maintien de l'orientation."


def test_withdraw_on_the_screen(login_as, officer, oriented):
    request = _request(officer, oriented)
    client = login_as(officer)
    url = reverse("orientation:reorientation_withdraw", args=[request.pk])
    assert "Retirer la demande" in client.get(url).content.decode()
    client.post(url, {"reason": "La personne a retrouvé un emploi."})
    request.refresh_from_db()
    assert request.status == ReorientationStatus.WITHDRAWN


def test_the_officers_home_counts_the_requests_waiting_for_an_epl(login_as, officer, oriented):
    home = reverse("workspace:home")
    assert "Aucune demande de réorientation en attente" in login_as(officer).get(home).content.decode()
    _request(officer, oriented)
    page = login_as(officer).get(home).content.decode()
    assert '<strong data-testid="reorientations-count">1</strong> demande de réorientation en attente' in page
    assert reverse("orientation:epl_list") in page


def test_who_may_ask_for_a_reorientation(login_as, landes, officer, oriented, france_travail, social):
    url = reverse("orientation:reorientation_request", args=[oriented.pk])
    # The référent of another organisation of the Département's staff sees the person, but may not ask.
    _, social_referent, _ = social
    assert login_as(social_referent).get(url).status_code == 404
    other_agency = MembershipFactory(
        role=Role.REFERENT, organisation__kind="france_travail", organisation__departement=landes
    )
    assert login_as(other_agency).get(url).status_code == 404
    manager = MembershipFactory(role=Role.TERRITORY_MANAGER, organisation__kind="cd", organisation__departement=landes)
    assert login_as(manager).get(url).status_code == 404
    assert login_as(france_travail[1]).get(url).status_code == 200
    assert login_as(officer).get(url).status_code == 200
    # The référent's withdrawal follows the same rule.
    request = _request(officer, oriented)
    withdraw = reverse("orientation:reorientation_withdraw", args=[request.pk])
    assert login_as(social_referent).get(withdraw).status_code == 404
    assert login_as(france_travail[1]).get(withdraw).status_code == 200


def test_epl_screens_are_scoped(login_as, landes, officer, oriented, france_travail):
    meeting = _meeting(officer)
    gironde = DepartementFactory(code="33", name="Gironde", region=RegionFactory())
    gironde_officer = MembershipFactory(
        role=Role.ORIENTATION_OFFICER, organisation__kind="cd", organisation__departement=gironde
    )
    elsewhere = _meeting(gironde_officer)
    client = login_as(officer)
    assert client.get(reverse("orientation:epl_detail", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("orientation:epl_decide", args=[elsewhere.pk, 1])).status_code == 404
    assert client.post(reverse("orientation:epl_close", args=[elsewhere.pk]), {"minutes": "x"}).status_code == 404
    assert EplMeeting.objects.get(pk=elsewhere.pk).closed_at is None
    # A référent has no EPL screen.
    referent_client = login_as(france_travail[1])
    for url in (reverse("orientation:epl_list"), reverse("orientation:epl_detail", args=[meeting.pk])):
        assert referent_client.get(url).status_code == 404
    # A territory-limited manager sees their territory's meetings and the département-wide ones.
    dax, mont = TerritoryFactory(departement=landes), TerritoryFactory(departement=landes)
    at_mont = _meeting(officer, territory=mont)
    at_dax = _meeting(officer, territory=dax)
    manager = MembershipFactory(
        role=Role.TERRITORY_MANAGER, organisation__kind="sdsei", organisation__departement=landes
    )
    manager.territories.set([dax])
    manager_client = login_as(manager)
    assert manager_client.get(reverse("orientation:epl_detail", args=[at_mont.pk])).status_code == 404
    assert manager_client.get(reverse("orientation:epl_detail", args=[at_dax.pk])).status_code == 200
    assert manager_client.get(reverse("orientation:epl_detail", args=[meeting.pk])).status_code == 200


def test_the_epl_list_and_page_use_a_constant_number_of_queries(login_as, landes, officer, france_travail):
    agency, referent, _ = france_travail
    client = login_as(officer)
    meeting = _meeting(officer)

    def add(count):
        for _ in range(count):
            person = _person(landes)
            _orient(officer, person, agency, referent)
            request = _request(officer, person)
            services.reorientation_schedule(actor=actor_for(officer), request=request, meeting=meeting)
            _request(officer, _oriented_other(landes, officer, agency, referent))
            _meeting(officer, held_at=timezone.now() - datetime.timedelta(days=30))

    add(2)
    list_few = _count(client, reverse("orientation:epl_list"))
    detail_few = _count(client, reverse("orientation:epl_detail", args=[meeting.pk]))
    add(8)
    assert _count(client, reverse("orientation:epl_list")) == list_few
    assert _count(client, reverse("orientation:epl_detail", args=[meeting.pk])) == detail_few


def _oriented_other(landes, officer, agency, referent):
    person = _person(landes)
    _orient(officer, person, agency, referent)
    return person


def test_the_person_block_offers_what_the_actor_may_do(landes, officer, oriented, france_travail, social):
    ft_referent, social_referent = france_travail[1], social[1]
    for membership, can_request in ((officer, True), (ft_referent, True), (social_referent, False)):
        block = selectors.person_reorientations(actor=actor_for(membership), person=oriented)
        assert block.can_request is can_request and block.requests == []
    request = _request(officer, oriented)
    block = selectors.person_reorientations(actor=actor_for(ft_referent), person=oriented)
    assert not block.can_request and block.can_withdraw and block.pending == request
    assert block.requests[0].delays.waiting == 0
    html = render_to_string(
        "orientation/reorientation/_person_reorientations.html",
        {"person": oriented, "reorientation": block, "actor": actor_for(ft_referent)},
    )
    assert "Retirer la demande" in html and "Demander une réorientation" not in html
    assert "En attente depuis 0 jours" in html
    assert not selectors.person_reorientations(actor=actor_for(social_referent), person=oriented).can_withdraw
