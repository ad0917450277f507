"""The follow-up list at scale: who sees which points, and a number of queries that does not grow with the exits
(bench/bench_exits.py measures the times at Nord scale)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jalon.core.enums import Role
from jalon.exits.models import Checkpoint, ExitProposal
from jalon.exits.selectors import follow_up_counts, follow_up_points
from jalon.exits.services import exit_record, exit_typology_default_create
from tests.conftest import actor_for
from tests.exits.conftest import TODAY, oriented_person
from tests.organisations.factories import MembershipFactory
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db
SIRET = "73282932000074"


def exit_of(world, *, referent=None, person=None, index=0):
    """An exit to employment recorded by the référent (world's by default) for a new person of theirs."""
    referent = referent or world.referent
    if person is None:
        person, _ = oriented_person(
            departement=referent.organisation.departement,
            agency=referent.organisation,
            referent=referent,
            first_name=f"Personne {index}",
            last_name=f"Sortie{index:03d}",
        )
    return exit_record(
        actor=actor_for(referent),
        person=person,
        exit_type=world.type("cdi"),
        exited_on=datetime.date(2026, 6, 1),
        today=TODAY,
        employer_name="Boulangerie Lafitte",
        employer_siret=SIRET,
    )


def closed_right(world, index):
    """A person still in the path whose right the CAF closed: an exit proposed to the référent."""
    person, _ = oriented_person(
        departement=world.departement, agency=world.agency, referent=world.referent, last_name=f"Clos{index}"
    )
    ExitProposal.objects.create(person=person, closure_date=TODAY - datetime.timedelta(days=index))


def departement_manager(departement):
    return MembershipFactory(
        role=Role.TERRITORY_MANAGER, organisation__kind="cd", organisation__departement=departement
    )


def test_each_actor_lists_the_points_of_the_exits_they_carry(world):
    mine = exit_of(world, person=world.person)
    colleague = MembershipFactory(role=Role.REFERENT, organisation=world.agency)
    theirs = exit_of(world, referent=colleague, index=1)
    elsewhere = DepartementFactory(code="64")
    exit_typology_default_create(departement=elsewhere)
    manager = departement_manager(world.departement)

    def exits_listed(membership, which="all"):
        return {point.exit_id for point in follow_up_points(actor=actor_for(membership), which=which, today=TODAY)}

    # A référent: the exits they follow, not their colleague's (though their organisation sees those people).
    assert exits_listed(world.referent) == {mine.pk}
    assert exits_listed(colleague) == {theirs.pk}
    # The Département's manager: every exit of the département, whoever recorded it; another département's: none.
    assert exits_listed(manager) == {mine.pk, theirs.pk}
    assert exits_listed(departement_manager(elsewhere)) == set()
    # An organisation that does not follow the person sees none of it.
    assert exits_listed(world.outsider) == set()
    # A reopened exit leaves the list.
    mine.reopened_on = TODAY
    mine.save(update_fields=["reopened_on"])
    assert exits_listed(manager) == {theirs.pk}
    counts = follow_up_counts(actor=actor_for(manager), today=TODAY)
    assert counts["overdue"] == Checkpoint.objects.filter(exit=theirs, due_on__lt=TODAY).count()


@pytest.mark.parametrize("who", ["referent", "manager"])
def test_the_follow_up_list_reads_a_constant_number_of_queries(world, login_as, django_assert_max_num_queries, who):
    membership = world.referent if who == "referent" else departement_manager(world.departement)
    exit_of(world, person=world.person)
    closed_right(world, 10)
    client = login_as(membership)
    url = reverse("exits:follow_up")
    client.get(url)  # warms the session and the caches of the first request
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    # Ten times more exits, and CAF closures proposing exits for people still in the path.
    for index in range(1, 11):
        exit_of(world, index=index)
    for index in range(11, 21):
        closed_right(world, index)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "SORTIE010" in page and "CLOS20" in page


def test_the_follow_up_list_sorts_by_a_column_and_its_exports_follow(world, login_as):
    from tests.exports import csv_rows, xlsx_rows

    exit_of(world, index=2)
    exit_of(world, index=1)
    client = login_as(world.referent)
    url, export_url = reverse("exits:follow_up"), reverse("exits:follow_up_csv")

    def persons(rows) -> list[str]:
        return [row[0].split()[0] for row in rows[1:]]

    calendar = csv_rows(client.get(export_url, {"which": "all"}))
    months = [int(row[4]) for row in calendar[1:]]
    assert months == sorted(months) and persons(calendar)[:2] == ["SORTIE002", "SORTIE001"]  # by due date, then file
    by_name = csv_rows(client.get(export_url, {"which": "all", "tri": "personne"}))
    half = len(by_name[1:]) // 2
    assert persons(by_name) == ["SORTIE001"] * half + ["SORTIE002"] * half
    workbook = xlsx_rows(client.get(export_url, {"which": "all", "tri": "personne", "format": "xlsx"}))
    assert persons(workbook) == persons(by_name)
    assert persons(csv_rows(client.get(export_url, {"which": "all", "tri": "-personne"})))[0] == "SORTIE002"

    page = client.get(url, {"which": "all", "tri": "-personne"}).content.decode()
    assert page.index("SORTIE002") < page.index("SORTIE001")
    assert 'aria-sort="descending"' in page and 'name="tri" value="-personne"' in page
    assert f'href="{export_url}?which=all&amp;tri=-personne"' in page
    assert "jalon-month-row" not in page  # month headings only for the calendar order
    assert "jalon-month-row" in client.get(url, {"which": "all"}).content.decode()
