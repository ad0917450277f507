"""A small Département for the entered indicators: its pilots, analyst and administrator, a chantier d'insertion
that owns the insertion hours (L36), a CAF adviser who owns nothing."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jalon.core.enums import Role
from jalon.observatory.entered.models import EntrySetup
from jalon.observatory.enums import PeriodKind
from jalon.observatory.models import Indicator
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory, OrganisationFactory


# Thursday 10 May 2026: T1 2026 ended on 31 March, its deadline (30 days) was 30 April.
TODAY = datetime.date(2026, 5, 10)


def pdf(name="bilan.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 bilan", content_type="application/pdf")


@pytest.fixture
def people(landes, territories):
    cd = OrganisationFactory(name="Direction de la solidarité", kind="cd", departement=landes)
    aci = OrganisationFactory(name="Chantier Les Pins", kind="siae", departement=landes)
    caf = OrganisationFactory(name="CAF des Landes", kind="caf", departement=landes)
    members = SimpleNamespace(
        cd=cd,
        aci=aci,
        pilot=MembershipFactory(role=Role.PROGRAMME_PILOT, organisation=cd, user__first_name="Marc"),
        other_pilot=MembershipFactory(role=Role.PROGRAMME_PILOT, organisation=cd, user__first_name="Léa"),
        analyst=MembershipFactory(role=Role.ANALYST, organisation=cd, user__first_name="Inès"),
        admin=MembershipFactory(role=Role.ADMINISTRATOR, organisation=cd, user__first_name="Hélène"),
        partner=MembershipFactory(role=Role.PARTNER, organisation=aci, user__first_name="Thomas"),
        aci_admin=MembershipFactory(role=Role.ADMINISTRATOR, organisation=aci, user__first_name="Paul"),
        caf=MembershipFactory(role=Role.REFERENT, organisation=caf, user__first_name="Nadia"),
    )
    members.actor = lambda name: actor_for(getattr(members, name))
    return members


@pytest.fixture
def hours(people, landes):
    """L36, the insertion hours, owned by the chantier d'insertion, quarterly, evidence required."""
    return EntrySetup.objects.create(
        indicator=Indicator.objects.get(code="L36"),
        departement=landes,
        owner=people.aci,
        period_kind=PeriodKind.QUARTER,
        deadline_days=30,
        reminder_days=7,
        evidence_required=True,
        starts_on=datetime.date(2025, 10, 1),
    )
