import pytest
from django.core.management import call_command

from jalon.demo.builder import demo_build
from jalon.duties.enums import ProcedureState
from jalon.duties.models import CafLine, Failure


pytestmark = pytest.mark.django_db


def test_the_small_demo_has_procedures_in_each_state_and_a_first_caf_file():
    call_command("load_cog", "--departements", "40", verbosity=0)
    demo_build(departement_code="40", log=lambda _message: None, households=120)
    states = set(Failure.objects.filter(departement_id="40").values_list("state", flat=True))
    assert states == set(ProcedureState.values)
    assert Failure.objects.filter(rank="repete", state=ProcedureState.SUPPRESSED).exists()
    assert CafLine.objects.filter(export__isnull=False).exists()
    count = Failure.objects.count()
    demo_build(departement_code="40", log=lambda _message: None, households=120)
    assert Failure.objects.count() == count
