"""A field the offer's services refuse empty is not shown « (Optionnel) »; a truly optional one still is."""

import pytest

from jalon.offer.directory.forms import ServiceForm
from jalon.offer.models import Service
from jalon.offer.referrals.forms import ReferralForm
from tests.labels import is_marked_optional


pytestmark = pytest.mark.django_db


def test_the_referral_form_does_not_call_the_persons_consent_optional():
    form = ReferralForm(services=Service.objects.none())
    assert not is_marked_optional(form, "consent_given")
    assert is_marked_optional(form, "message")


def test_a_referral_without_consent_reaches_the_service_which_refuses_it_in_its_words():
    form = ReferralForm(data={"version": "1", "service": ""}, services=Service.objects.none())
    form.is_valid()
    assert "consent_given" not in form.errors


def test_the_service_form_does_not_call_thematiques_or_zone_optional():
    form = ServiceForm()
    assert not is_marked_optional(form, "thematiques")
    assert not is_marked_optional(form, "eligibility_zone")
    assert is_marked_optional(form, "access_conditions")
