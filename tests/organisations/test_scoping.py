"""A professional only reaches the organisations they administer; anything else answers 404, like a wrong URL."""

import re

import pytest
from django.urls import reverse

from jalon.core.enums import Role
from tests.organisations.factories import InvitationFactory, MembershipFactory, OrganisationFactory
from tests.territories.factories import DepartementFactory, RegionFactory


pytestmark = pytest.mark.django_db


def _admin_pages(organisation, membership, invitation):
    return [
        ("get", reverse("organisations:detail", args=[organisation.pk])),
        ("get", reverse("organisations:update", args=[organisation.pk])),
        ("get", reverse("organisations:invite", args=[organisation.pk])),
        ("get", reverse("organisations:membership_update", args=[organisation.pk, membership.pk])),
        ("post", reverse("organisations:membership_deactivate", args=[organisation.pk, membership.pk])),
        ("post", reverse("organisations:invitation_revoke", args=[organisation.pk, invitation.pk])),
    ]


def test_admin_of_organisation_a_gets_404_on_organisation_b(login_as):
    admin_a = MembershipFactory(administrator=True, organisation__kind="association")
    member_b = MembershipFactory()
    organisation_b = member_b.organisation
    invitation_b = InvitationFactory(organisation=organisation_b)
    client = login_as(admin_a)

    for method, url in _admin_pages(organisation_b, member_b, invitation_b):
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
        assert "Page introuvable" in response.content.decode()

    # The same pages of A's own organisation answer.
    own_member = MembershipFactory(organisation=admin_a.organisation)
    assert client.get(reverse("organisations:detail", args=[admin_a.organisation.pk])).status_code == 200
    assert (
        client.get(
            reverse("organisations:membership_update", args=[admin_a.organisation.pk, own_member.pk])
        ).status_code
        == 200
    )
    # Nothing of B was changed by the refused POSTs.
    member_b.refresh_from_db()
    invitation_b.refresh_from_db()
    assert member_b.is_active and invitation_b.revoked_at is None


def test_forbidden_answers_exactly_like_unknown(login_as):
    admin_a = MembershipFactory(administrator=True, organisation__kind="association")
    organisation_b = OrganisationFactory()
    client = login_as(admin_a)
    forbidden = client.get(reverse("organisations:detail", args=[organisation_b.pk]))
    unknown = client.get(reverse("organisations:detail", args=[999_999]))
    assert forbidden.status_code == unknown.status_code == 404
    # Same page, byte for byte, but for the per-request CSRF token and CSP nonces.
    strip_token = re.compile(rb'(name="csrfmiddlewaretoken" value|nonce)="[^"]+"')
    assert strip_token.sub(b"", forbidden.content) == strip_token.sub(b"", unknown.content)


def test_members_of_another_organisation_are_out_of_reach_even_through_own_organisation_url(login_as):
    admin_a = MembershipFactory(administrator=True, organisation__kind="association")
    member_b = MembershipFactory()
    client = login_as(admin_a)
    url = reverse("organisations:membership_update", args=[admin_a.organisation.pk, member_b.pk])
    assert client.get(url).status_code == 404


def test_non_administrators_get_404_on_every_administration_page(login_as):
    for role in [
        Role.REFERENT,
        Role.ORIENTATION_OFFICER,
        Role.PARTNER,
        Role.TERRITORY_MANAGER,
        Role.PROGRAMME_PILOT,
        Role.ANALYST,
    ]:
        membership = MembershipFactory(role=role)
        client = login_as(membership)
        assert client.get(reverse("organisations:list")).status_code == 404, role
        assert client.get(reverse("organisations:detail", args=[membership.organisation.pk])).status_code == 404, role
        assert client.get(reverse("core:audit_log")).status_code == 404, role


def test_departement_admin_manages_every_organisation_of_its_departement_only(login_as):
    cd_admin = MembershipFactory(administrator=True, organisation__conseil_departemental=True)
    same_departement = OrganisationFactory(departement=cd_admin.organisation.departement)
    other_departement = OrganisationFactory(
        departement=DepartementFactory(code="64", name="Pyrénées-Atlantiques", region=RegionFactory())
    )
    client = login_as(cd_admin)
    assert client.get(reverse("organisations:detail", args=[same_departement.pk])).status_code == 200
    assert client.get(reverse("organisations:detail", args=[other_departement.pk])).status_code == 404
    listing = client.get(reverse("organisations:list")).content.decode()
    assert same_departement.name in listing
    assert other_departement.name not in listing


def test_only_departement_admins_may_create_organisations(login_as):
    association_admin = MembershipFactory(administrator=True, organisation__kind="association")
    assert login_as(association_admin).get(reverse("organisations:create")).status_code == 404


def test_organisation_list_is_paginated_with_a_constant_number_of_queries(login_as, django_assert_max_num_queries):
    cd_admin = MembershipFactory(administrator=True, organisation__conseil_departemental=True)
    client = login_as(cd_admin)
    departement = cd_admin.organisation.departement

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("organisations:list")).status_code == 200
        return len(ctx.captured_queries)

    OrganisationFactory.create_batch(3, departement=departement)
    few = count_queries()
    OrganisationFactory.create_batch(40, departement=departement)
    many = count_queries()
    assert many == few
    page_2 = client.get(reverse("organisations:list") + "?page=2").content.decode()
    assert "44 résultats" in page_2
