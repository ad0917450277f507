import datetime

import pytest
from django.urls import reverse

from jalon.core.enums import Role
from jalon.orientation.enums import DelayStep
from jalon.orientation.models import DelayAlert
from tests.organisations.factories import MembershipFactory
from tests.orientation.delays.conftest import orient, person_in_path


pytestmark = pytest.mark.django_db


def test_the_referents_home_counts_their_caseload_and_their_open_alerts(login_as, landes):
    referent = MembershipFactory(
        role=Role.REFERENT, organisation__kind="france_travail", organisation__departement=landes
    )
    followed = [person_in_path(landes) for _ in range(3)]
    for person in followed:
        orient(
            person, organisation=referent.organisation, referent=referent.user, decided_on=datetime.date(2026, 9, 1)
        )
    DelayAlert.objects.create(
        person=followed[0],
        step=DelayStep.FIRST_APPOINTMENT,
        due_on=datetime.date(2026, 10, 1),
        organisation=referent.organisation,
        recipient=referent.user,
    )
    DelayAlert.objects.create(
        person=followed[1], step=DelayStep.CONTRACT, due_on=datetime.date(2026, 10, 31), recipient=None
    )
    page = login_as(referent).get(reverse("workspace:home")).content.decode()
    assert '<strong data-testid="caseload-count">3</strong>' in page
    assert "Premier rendez-vous avec le référent en retard : 1" in page
    assert "Contrat d&#x27;engagement en retard" not in page and "Contrat d'engagement en retard" not in page
