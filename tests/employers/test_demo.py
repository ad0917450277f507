import pytest
from django.core.management import call_command

from jalon.core.validators import validate_siret
from jalon.demo.builder import demo_build
from jalon.employers.models import Commitment, Employer, Immersion
from jalon.employers.naf import subclasses
from jalon.exits.models import Exit


pytestmark = pytest.mark.django_db


def test_the_small_demo_has_employers_commitments_and_immersions_in_several_statuses():
    call_command("load_cog", "--departements", "40", verbosity=0)
    demo_build(departement_code="40", log=lambda _message: None, households=120)
    employers = list(Employer.objects.filter(departement_id="40").select_related("commune"))
    assert len(employers) == 40
    for employer in employers:
        validate_siret(employer.siret)
        assert employer.naf_code in subclasses() and employer.commune.departement_id == "40"
    assert Commitment.objects.filter(employer__departement_id="40").exists()
    statuses = set(Immersion.objects.values_list("status", flat=True))
    assert {"draft", "accepted_by_validator", "cancelled"} <= statuses
    assert Immersion.objects.exclude(review_outcome="").exists()
    assert not Exit.objects.to_employment().filter(employer=None).exists()
    # Idempotent: a second run adds nothing.
    demo_build(departement_code="40", log=lambda _message: None, households=120)
    assert Employer.objects.filter(departement_id="40").count() == 40
