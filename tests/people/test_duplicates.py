import datetime

import pytest
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.intake.models import DuplicateCandidate
from jalon.people.enums import ChangeKind
from jalon.people.models import ChangeEvent, HouseholdMember, Person
from tests.organisations.factories import MembershipFactory
from tests.people.factories import HouseholdMemberFactory, PersonFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return MembershipFactory(role=Role.ADMINISTRATOR, organisation__kind="cd")


def _pair(admin, **other):
    birth = datetime.date(1980, 5, 6)
    kept = PersonFactory(
        departement=admin.organisation.departement,
        last_name="Dupont",
        first_name="Marie",
        birth_date=birth,
        nir="2800540192123",
    )
    merged = PersonFactory(
        departement=admin.organisation.departement,
        last_name="Dupond",
        first_name="Marie",
        birth_date=birth,
        internal_id="IODAS-7",
        **other,
    )
    ChangeEvent.objects.create(kind=ChangeKind.NEW_ENTRANT, person=merged)
    candidate = DuplicateCandidate.objects.create(person=kept, other=merged, score=0.9, reasons=["noms proches"])
    return kept, merged, candidate


def test_merge_keeps_both_histories_and_fills_missing_identifiers(login_as, admin):
    kept, merged, candidate = _pair(admin)
    HouseholdMemberFactory(person=merged, household__departement=kept.departement)
    client = login_as(admin)
    review = client.get(reverse("people:duplicate_review", args=[candidate.pk]))
    assert "Même personne ?" in review.content.decode()
    response = client.post(reverse("people:duplicate_resolve", args=[candidate.pk]), {"decision": "keep_person"})
    assert response["Location"] == reverse("people:detail", args=[kept.pk])

    merged.refresh_from_db()
    kept.refresh_from_db()
    assert merged.merged_into == kept
    assert kept.internal_id == "IODAS-7"
    assert HouseholdMember.objects.filter(person=kept).count() == 1
    kinds = set(ChangeEvent.objects.filter(person=kept).values_list("kind", flat=True))
    assert kinds == {ChangeKind.NEW_ENTRANT, ChangeKind.MERGED}
    candidate.refresh_from_db()
    assert candidate.status == "merged" and candidate.reviewed_by == admin.user
    assert AuditEvent.objects.filter(code=AuditCode.PERSONS_MERGED, person_id=kept.pk).exists()
    # The merged file is gone from searches and from its own URL.
    assert client.get(reverse("people:detail", args=[merged.pk])).status_code == 404
    assert list(Person.objects.active().filter(pk__in=[kept.pk, merged.pk])) == [kept]


def test_merge_refuses_two_different_nirs(login_as, admin):
    kept, merged, candidate = _pair(admin, nir="2800564445999")
    response = login_as(admin).post(
        reverse("people:duplicate_resolve", args=[candidate.pk]), {"decision": "keep_other"}, follow=True
    )
    assert "NIR différents" in response.content.decode()
    merged.refresh_from_db()
    assert merged.merged_into is None
    assert not AuditEvent.objects.filter(code=AuditCode.PERSONS_MERGED).exists()


def test_mark_distinct(login_as, admin):
    _, _, candidate = _pair(admin)
    client = login_as(admin)
    client.post(reverse("people:duplicate_resolve", args=[candidate.pk]), {"decision": "distinct"})
    candidate.refresh_from_db()
    assert candidate.status == "distinct"
    assert AuditEvent.objects.filter(code=AuditCode.PERSONS_MARKED_DISTINCT).exists()
    assert "Aucun doublon à examiner" in client.get(reverse("people:duplicates")).content.decode()


def test_duplicates_are_reserved_to_administrators_of_the_departement(login_as, admin):
    _, _, candidate = _pair(admin)
    referent = MembershipFactory(
        role=Role.REFERENT, organisation__kind="cd", organisation__departement=admin.organisation.departement
    )
    assert login_as(referent).get(reverse("people:duplicate_review", args=[candidate.pk])).status_code == 404
    from tests.territories.factories import DepartementFactory, RegionFactory

    other = MembershipFactory(
        role=Role.ADMINISTRATOR,
        organisation__kind="cd",
        organisation__departement=DepartementFactory(code="64", name="Pyrénées-Atlantiques", region=RegionFactory()),
    )
    assert login_as(other).get(reverse("people:duplicate_review", args=[candidate.pk])).status_code == 404


def test_merge_of_two_members_of_the_same_household_closes_the_merged_membership(admin):
    from jalon.core.scoping import Actor
    from jalon.people.services import person_merge
    from tests.people.factories import HouseholdFactory

    kept, merged, _ = _pair(admin)
    household = HouseholdFactory(departement=kept.departement)
    HouseholdMemberFactory(person=kept, household=household)
    HouseholdMemberFactory(person=merged, household=household)
    person_merge(actor=Actor(user=admin.user, membership=admin), kept=kept, merged=merged)
    assert HouseholdMember.objects.current().filter(household=household).get().person == kept
    closed = HouseholdMember.objects.get(household=household, left_on__isnull=False)
    assert closed.person == merged  # the merged file's closed membership stays its own history
