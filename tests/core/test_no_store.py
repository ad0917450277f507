"""Pages and API answers seen by a signed-in user are never kept by a browser or a proxy."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework.test import APIClient

from jalon.core.enums import Role
from jalon.core.middleware import NoStoreMiddleware
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory


pytestmark = pytest.mark.django_db


def test_a_signed_in_page_is_not_stored(login_as):
    response = login_as(MembershipFactory(role=Role.REFERENT)).get("/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_session_api_answer_is_not_stored():
    membership = MembershipFactory(role=Role.ADMINISTRATOR, organisation__conseil_departemental=True)
    client = APIClient(REMOTE_ADDR="127.0.0.1")
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/api/v1/personnes/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_anonymous_public_pages_are_left_alone(client):
    assert not client.get("/mentions-legales/").has_header("Cache-Control")


def test_static_files_keep_their_own_caching_even_for_a_signed_in_user(login_as, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from the sources, as without collectstatic
    static = login_as(MembershipFactory()).get("/static/vendor/htmx/htmx.min.js")
    static.close()  # a streamed file
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")


def test_a_response_that_sets_its_own_caching_keeps_it():
    request = RequestFactory().get("/")
    request.user = UserFactory()

    def view(request):
        response = HttpResponse("ok")
        response["Cache-Control"] = "max-age=60"
        return response

    assert NoStoreMiddleware(view)(request)["Cache-Control"] == "max-age=60"
