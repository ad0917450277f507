import time

import pytest

from jalon.core.request_context import acting_as
from jalon.orientation.enums import LongTermTypology, ReorientationStatus
from jalon.orientation.models import EplMeeting, LongTermReview, Orientation, ReorientationRequest


pytestmark = pytest.mark.django_db


def test_the_demo_builds_epl_meetings_requests_and_reviews_once(base_demo):
    from jalon.orientation.reorientation.demo import build

    ctx = base_demo
    with acting_as("commande seed_demo"):
        started = time.monotonic()
        build(ctx)
        elapsed = time.monotonic() - started
    assert elapsed < 10, elapsed
    meetings = EplMeeting.objects.filter(departement_id="40")
    assert meetings.count() == 27
    assert meetings.filter(closed_at=None).count() == 1  # the next one
    requests = ReorientationRequest.objects.filter(person__departement_id="40")
    assert requests.count() >= 12
    statuses = set(requests.values_list("status", flat=True))
    assert {ReorientationStatus.REQUESTED, ReorientationStatus.SCHEDULED, ReorientationStatus.ACCEPTED} <= statuses
    for request in requests.filter(status=ReorientationStatus.ACCEPTED):
        assert request.new_orientation.ended_on is None
        assert Orientation.objects.get(pk=request.from_orientation_id).end_reason == "réorientation"
    reviews = LongTermReview.objects.filter(person__departement_id="40")
    assert reviews.count() > 20
    assert set(reviews.values_list("typology", flat=True)) == set(LongTermTypology.values)

    counts = (meetings.count(), requests.count(), reviews.count())
    build(ctx)
    assert (meetings.count(), requests.count(), reviews.count()) == counts
