"""A field the orientation services refuse empty is not shown « (Optionnel) »; a truly optional one still is."""

import pytest

from jalon.orientation.models import OrientationSession
from jalon.orientation.reorientation.forms import LongTermReviewForm
from jalon.orientation.sessions.forms import FollowUpForm, SessionForm
from tests.labels import is_marked_optional


pytestmark = pytest.mark.django_db


def test_the_session_form_does_not_call_the_place_optional():
    form = SessionForm(departement_id=0)
    assert not is_marked_optional(form, "place")  # refused empty for a session on site, the usual one
    assert is_marked_optional(form, "territory")


def test_a_phone_session_still_goes_without_a_place_and_one_on_site_does_not():
    data = {
        "kind": "info_collective",
        "day": "2030-03-04",
        "start_time": "09:00",
        "end_time": "11:00",
        "capacity": "8",
    }
    by_phone = SessionForm(data={**data, "mode": "telephone", "place": ""}, departement_id=0)
    on_site = SessionForm(data={**data, "mode": "sur_place", "place": ""}, departement_id=0)
    assert by_phone.is_valid(), by_phone.errors
    assert not on_site.is_valid() and on_site.errors["place"] == ["Indiquez le lieu d'une séance sur place."]


def test_the_follow_up_form_does_not_call_the_new_session_optional():
    form = FollowUpForm(sessions=OrientationSession.objects.none())
    assert not is_marked_optional(form, "new_session")
    assert not is_marked_optional(form, "channels")


def test_a_follow_up_without_new_session_reaches_the_service():
    form = FollowUpForm(data={"follow_up": "aucune"}, sessions=OrientationSession.objects.none())
    assert form.is_valid(), form.errors


def test_the_long_term_review_does_not_call_the_comment_optional():
    assert not is_marked_optional(LongTermReviewForm(), "comment")
