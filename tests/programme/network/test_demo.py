"""The demo's commitments and network on both real plans, built twice: the second run creates nothing."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine

from jalon.core.enums import Role
from jalon.programme.commitments import demo as commitments_demo
from jalon.programme.loader import load_file, plan_files, read_plan
from jalon.programme.models import (
    BankDocument,
    BankDocumentVersion,
    EventRegistration,
    NetworkEvent,
    SignatoryCommitment,
    SignatoryCommitmentAccount,
)
from jalon.programme.network import demo as network_demo
from jalon.programme.network.selectors import network_counts
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.programme.factories import plan_prerequisites
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db


def _counts():
    return [
        model.objects.count()
        for model in (
            SignatoryCommitment,
            SignatoryCommitmentAccount,
            NetworkEvent,
            EventRegistration,
            BankDocument,
            BankDocumentVersion,
        )
    ]


def _seed(departement) -> None:
    """The plan's demo steps of this room (commitments, network) on the loaded plan; the other rooms' steps (money,
    governance) have their own tests."""
    ctx = SimpleNamespace(departement=departement, log=lambda message: None)
    for path in plan_files():
        if str(read_plan(path)["programme"]["departement"]) == departement.code:
            programme = load_file(path).programme
            commitments_demo.build(ctx, programme)
            network_demo.build(ctx, programme)


def test_the_demo_seeds_both_plans_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    landes = plan_prerequisites()
    pa = DepartementFactory(code="64")
    cd64 = OrganisationFactory(name="Conseil départemental des Pyrénées-Atlantiques", kind="cd", departement=pa)
    from jalon.organisations.models import Organisation

    cd40 = Organisation.objects.get(kind="cd", departement=landes)
    for organisation in (cd40, cd64):
        MembershipFactory(role=Role.PROGRAMME_PILOT, organisation=organisation)
        for _ in range(9):
            MembershipFactory(role=Role.REFERENT, organisation=organisation)

    with time_machine.travel(datetime.datetime(2026, 12, 5, 9, tzinfo=datetime.UTC), tick=False):
        for departement in (landes, pa):
            _seed(departement)
        first = _counts()
        for departement in (landes, pa):
            _seed(departement)
        pa_counts = network_counts(
            programme=NetworkEvent.objects.filter(programme__departement=pa).first().programme, year=2026
        )

    assert _counts() == first
    commitments, accounts, events, registrations, documents, versions = first
    assert (commitments, events, documents, versions) == (19, 5, 4, 5)
    assert SignatoryCommitment.objects.filter(
        signatory__key="pole_emploi", action__code="B.26", year=2021, text__contains="60 CUI-PEC supplémentaires"
    ).exists()
    assert SignatoryCommitment.objects.filter(signatory__key="cd40", action__code="A.3", kind="etp").count() == 5
    forum = NetworkEvent.objects.get(action__code="C.34")
    assert (forum.registrations.count(), forum.registrations.filter(attended=True).count()) == (10, 8)
    # PA: the séminaire-action of fiche 5 is held (7 of 9 present); the webinaires and the café are to come.
    assert (pa_counts["events"], pa_counts["attendees"], pa_counts["by_kind"]) == (1, 7, [("séminaire-action", 1)])
    referential = BankDocument.objects.get(title="Référentiel de l'accompagnement")
    assert list(referential.versions.values_list("version", flat=True)) == ["v2", "v1"]
