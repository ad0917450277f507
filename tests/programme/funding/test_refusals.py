"""Every refusal of the money's writes, in French, with nothing written (no row, no audit event)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from jalon.core.models import AuditEvent
from jalon.programme.funding import services
from jalon.programme.funding.enums import Instrument
from jalon.programme.funding.models import BudgetLine, Commitment, Envelope, Payment
from tests.programme.funding.conftest import NOW, actor_of


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def _snapshot():
    return (
        BudgetLine.objects.count(),
        list(Envelope.objects.order_by("pk").values_list("pk", "amount_eur")),
        Commitment.objects.count(),
        Payment.objects.count(),
        AuditEvent.objects.count(),
        list(BudgetLine.objects.order_by("pk").values_list("amount_eur", "closed_on")),
    )


def _refused(write, message):
    before = _snapshot()
    with pytest.raises(ValidationError) as error:
        write()
    assert message in " ".join(error.value.messages)
    assert _snapshot() == before


def _commit(case, line, envelope=None, *, actor=None, operator=None, amount="1000", **extra):
    return lambda: services.commitment_record(
        actor=actor or case.actor,
        line=line,
        envelope=envelope,
        operator=operator or case.op1,
        instrument=extra.pop("instrument", Instrument.GRANT),
        reference=extra.pop("reference", "E-TEST"),
        amount_eur=Decimal(amount),
        committed_on=extra.pop("committed_on", datetime.date(2023, 5, 1)),
        **extra,
    )


def _pay(case, commitment, amount, *, actor=None):
    return lambda: services.payment_record(
        actor=actor or case.actor,
        commitment=commitment,
        amount_eur=Decimal(amount),
        paid_on=datetime.date(2023, 6, 1),
        reference="M-TEST",
    )


def test_a_payment_above_what_remains_of_its_commitment(case):
    # 45 000 committed, 20 000 paid: 25 000 remain.
    _refused(_pay(case, case.c_l2, "25000.01"), "Il ne reste que 25\xa0000,00 € à mandater sur cet engagement")
    _pay(case, case.c_l2, "25000")()
    assert Payment.objects.filter(commitment=case.c_l2).count() == 2


def test_a_commitment_above_what_remains_on_its_envelope_or_line(case):
    north = case.l1.envelopes.get(territory=case.north)
    # Nord: 60 000 voted, 54 000 committed.
    _refused(
        _commit(case, case.l1, north, amount="6000.01"),
        "Il ne reste que 6\xa0000,00 € à engager sur l'enveloppe de Nord",
    )
    _refused(_commit(case, case.l3, amount="20000.01"), "Il ne reste que 20\xa0000,00 € à engager sur la ligne")
    _commit(case, case.l1, north, amount="6000")()


def test_a_split_line_is_committed_through_an_envelope(case):
    _refused(_commit(case, case.l1), "choisissez l'enveloppe engagée")


def test_any_write_on_a_closed_line(case):
    services.budget_line_close(actor=case.actor, line=case.l2)
    line = BudgetLine.objects.get(pk=case.l2.pk)
    _refused(_commit(case, line), "est clôturée")
    _refused(_pay(case, case.c_l2, "100"), "est clôturée")
    _refused(
        lambda: services.budget_line_update(actor=case.actor, line=line, amount_eur=Decimal(60000)), "est clôturée"
    )
    _refused(lambda: services.budget_line_split(actor=case.actor, line=line, amounts={}), "est clôturée")


def test_an_operator_outside_the_departement(case, elsewhere):
    operator, _territory = elsewhere
    _refused(_commit(case, case.l3, operator=operator), "n'est pas une structure du Département")


def test_envelopes_that_do_not_add_up_to_the_line(case):
    _refused(
        lambda: services.budget_line_split(
            actor=case.actor, line=case.l3, amounts={case.north: Decimal(12000), case.south: Decimal(7999)}
        ),
        "Les enveloppes font 19\xa0999,00 € et la ligne 20\xa0000,00 €",
    )
    services.budget_line_split(
        actor=case.actor, line=case.l3, amounts={case.north: Decimal(12000), case.south: Decimal(8000)}
    )
    assert sorted(case.l3.envelopes.values_list("amount_eur", flat=True)) == [Decimal(8000), Decimal(12000)]


def test_a_split_cannot_leave_an_envelope_below_its_commitments(case):
    # Nord has 54 000 committed.
    _refused(
        lambda: services.budget_line_split(
            actor=case.actor, line=case.l1, amounts={case.north: Decimal(50000), case.south: Decimal(50000)}
        ),
        "Nord a déjà engagé 54\xa0000,00 €",
    )


def test_a_territory_of_another_departement(case, elsewhere):
    _operator, territory = elsewhere
    _refused(
        lambda: services.budget_line_split(actor=case.actor, line=case.l3, amounts={territory: Decimal(20000)}),
        "n'est pas un territoire du Département",
    )


def test_a_line_voted_below_what_is_committed(case):
    _refused(
        lambda: services.budget_line_update(actor=case.actor, line=case.l2, amount_eur=Decimal(44999)),
        "La ligne porte déjà 45\xa0000,00 € d'engagements",
    )


def test_the_same_line_twice(case):
    _refused(
        lambda: services.budget_line_create(
            actor=case.actor,
            programme=case.programme,
            action=case.l2.action,
            year=2023,
            funding_source=case.l2.funding_source,
            amount_eur=Decimal(1),
        ),
        "a déjà une ligne 2023 sur CALPAE",
    )


def test_the_manager_records_on_their_territorys_envelopes_only(case):
    manager = actor_of(case.manager)
    south = case.l1.envelopes.get(territory=case.south)
    north = case.l1.envelopes.get(territory=case.north)
    _refused(_commit(case, case.l1, south, actor=manager), "les enveloppes de vos territoires")
    _refused(_pay(case, case.c_south, "1", actor=manager), "les enveloppes de vos territoires")
    # Nor the lines themselves, nor a line left to the Département.
    _refused(_commit(case, case.l2, actor=manager), "les enveloppes de vos territoires")
    _refused(lambda: services.budget_line_close(actor=manager, line=case.l3), "Vous ne pouvez pas modifier")
    _commit(case, case.l1, north, actor=manager, amount="1000")()
    _pay(case, case.c_north_2, "1000", actor=manager)()
    assert Payment.objects.filter(commitment=case.c_north_2).count() == 1
