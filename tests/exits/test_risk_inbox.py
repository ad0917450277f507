"""A situation at risk in the follow-up in employment reaches the inbox of whoever leads the follow-up and of the
chargé(e)s de relation entreprises of the employer's territory — never of the one who recorded it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jalon.core.enums import Role
from jalon.employers.services import employer_create, relations_officer_assign
from jalon.exits.enums import RiskReason
from jalon.exits.models import Checkpoint, EmployerFeedback
from jalon.exits.services import checkpoint_record, employer_feedback_record, exits_daily
from jalon.inbox.enums import NotificationKind
from jalon.inbox.models import Notification
from tests.conftest import actor_for
from tests.exits.conftest import TODAY
from tests.exits.test_services import point, record
from tests.organisations.factories import MembershipFactory
from tests.territories.factories import CommuneFactory, TerritoryFactory


pytestmark = pytest.mark.django_db
SIRET = "73282932000074"


def _alerts(membership):
    return list(
        Notification.objects.filter(
            recipient=membership.user,
            organisation=membership.organisation,
            kind=NotificationKind.EMPLOYMENT_AT_RISK,
        ).values_list("title", "url")
    )


@pytest.fixture
def officer(world):
    """The Département's chargé de relation entreprises of the territory of a directory employer."""
    admin = MembershipFactory(
        role=Role.ADMINISTRATOR, organisation__kind="cd", organisation__departement=world.departement
    )
    commune = CommuneFactory(departement=world.departement, code="40192", name="Mont-de-Marsan")
    territory = TerritoryFactory(departement=world.departement)
    territory.communes.add(commune)
    employer_create(actor=actor_for(admin), siret=SIRET, name="Conserverie", naf_code="10.39B", commune=commune)
    relations_officer_assign(
        actor=actor_for(admin), user=admin.user, territories=[territory], started_on=datetime.date(2026, 1, 1)
    )
    return admin


def _rupture(world, exit, actor=None):
    return checkpoint_record(
        actor=actor or world.actor,
        exit=exit,
        months=3,
        done_on=datetime.date(2026, 9, 2),
        still_employed=False,
        rupture_on=datetime.date(2026, 8, 20),
        rupture_reason="démission",
        today=TODAY,
    )


def test_a_rupture_goes_to_the_officer_of_the_employer_not_to_the_referent_who_recorded_it(world, officer):
    exit = record(world, employer_siret=SIRET)  # linked to the directory by its SIRET
    assert exit.employer is not None
    point(world, exit, 1)
    assert not Notification.objects.exists()  # still employed: nothing at risk

    _rupture(world, exit)

    assert _alerts(world.referent) == []
    [(title, url)] = _alerts(officer)
    assert "rupture relevée au point à 3 mois" in title and url == f"/sorties/personnes/{world.person.pk}/"


def test_a_rupture_recorded_by_a_colleague_goes_to_the_referent_who_ended_the_path(world):
    exit = record(world)  # an employer outside the directory: no officer to tell
    colleague = MembershipFactory(role=Role.REFERENT, organisation=world.agency)
    _rupture(world, exit, actor=actor_for(colleague))
    assert len(_alerts(world.referent)) == 1 and _alerts(colleague) == []


def test_the_daily_run_tells_once_about_a_missed_point(world, officer):
    exit = record(world, employer_siret=SIRET)  # points due 01/07, 01/09, 01/12/2026
    point(world, exit, 1)
    assert exits_daily(today=TODAY)["overdue"] == 1
    [(title, _)] = _alerts(world.referent)
    assert title == "Suivi en emploi : le point à 3 mois n'a pas été fait à sa date"
    assert len(_alerts(officer)) == 1
    exits_daily(today=TODAY)
    assert Notification.objects.count() == 2


def test_the_employers_difficulties_put_the_person_at_risk_and_reach_the_inbox(world, officer):
    exit = record(world, employer_siret=SIRET)  # points due 01/07, 01/09, 01/12/2026
    point(world, exit, 1)
    good = employer_feedback_record(
        actor=world.actor,
        exit=exit,
        given_on=datetime.date(2026, 7, 15),
        assessment="good",
        contact="Mme Laborde, responsable d'atelier",
        supports=["sponsor", "reviews"],
        today=TODAY,
    )
    assert good.support_labels == ["parrainage, tutorat", "bilans croisés réguliers"]
    assert not Notification.objects.exists() and not Checkpoint.objects.at_risk().exists()

    employer_feedback_record(
        actor=world.actor,
        exit=exit,
        given_on=datetime.date(2026, 8, 10),
        assessment="difficult",
        concerns=["attendance", "mobility"],
        today=TODAY,
    )

    at_risk = Checkpoint.objects.get(exit=exit, months=3)  # the next point to do
    assert (at_risk.risk_reason, at_risk.risk_since) == (RiskReason.EMPLOYER_ALERT, datetime.date(2026, 8, 10))
    [(title, _)] = _alerts(officer)
    assert "l'employeur signale des difficultés (difficultés)" in title
    assert _alerts(world.referent) == []  # she recorded it
    # Found still employed at the next point: no longer at risk.
    point(world, exit, 3)
    assert not Checkpoint.objects.at_risk().exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"given_on": None}, "given_on", "date de l'échange"),
        ({"given_on": datetime.date(2026, 12, 2)}, "given_on", "futur"),
        ({"given_on": datetime.date(2026, 5, 1)}, "given_on", "précéder l'embauche"),
        ({"assessment": ""}, "assessment", "appréciation"),
        ({"assessment": "rupture", "concerns": []}, "concerns", "Précisez les difficultés"),
        ({"supports": ["cheque"]}, "supports", "inconnue"),
    ],
)
def test_bad_employer_feedback_is_refused_and_nothing_is_saved(world, fields, field, message):
    exit = record(world)
    values = {"given_on": datetime.date(2026, 7, 1), "assessment": "good", **fields}
    with pytest.raises(ValidationError) as error:
        employer_feedback_record(actor=world.actor, exit=exit, today=TODAY, **values)
    assert message in " ".join(error.value.message_dict[field])
    assert not EmployerFeedback.objects.exists()


def test_the_employer_feedback_screen_records_and_lists_it(world, client):
    exit = record(world)
    client.force_login(world.referent.user)
    url = reverse("exits:employer_feedback", kwargs={"pk": exit.pk})
    response = client.post(
        url, {"given_on": "2026-07-01", "assessment": "consolidate", "supports": ["plan"], "contact": "M. Dufau"}
    )
    assert response.status_code == 302
    page = client.get(reverse("exits:person", kwargs={"person_pk": world.person.pk})).content.decode()
    assert "à consolider" in page and "plan d&#x27;intégration" in page and "M. Dufau" in page
    refused = client.post(url, {"given_on": "", "assessment": ""})
    assert refused.status_code == 200 and "Indiquez la date de l&#x27;échange" in refused.content.decode()
    assert EmployerFeedback.objects.count() == 1
