"""Two payments on the same commitment at the same time cannot overspend it: the payment waits for the line's lock,
then counts what the other one paid."""

import datetime
import threading
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum

from jalon.programme.funding import services
from jalon.programme.funding.models import BudgetLine, Payment
from tests.programme.funding.conftest import NOW


@pytest.mark.django_db(transaction=True)
def test_a_payment_waits_for_the_line_and_sees_the_other_payment(case):
    # c_l2: 45 000 committed, 20 000 paid.
    outcome = {}

    def pay():
        try:
            with time_machine.travel(NOW, tick=False):
                services.payment_record(
                    actor=case.actor,
                    commitment=case.c_l2,
                    amount_eur=Decimal(15000),
                    paid_on=datetime.date(2023, 6, 1),
                    reference="M-THREAD",
                )
            outcome["result"] = "written"
        except ValidationError as error:
            outcome["result"] = " ".join(error.messages)
        finally:
            connection.close()

    with transaction.atomic():
        # Another payment holds the line while the thread's one arrives.
        BudgetLine.objects.select_for_update().get(pk=case.l2.pk)
        thread = threading.Thread(target=pay)
        thread.start()
        thread.join(timeout=1)  # it cannot finish: it waits for the line
        Payment.objects.create(
            commitment=case.c_l2, amount_eur=Decimal(15000), paid_on=datetime.date(2023, 6, 1), reference="M-MAIN"
        )
    thread.join()
    assert "Il ne reste que 10\xa0000,00 €" in outcome["result"]
    assert Payment.objects.filter(commitment=case.c_l2).aggregate(total=Sum("amount_eur"))["total"] == Decimal(35000)
