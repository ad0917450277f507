from base64 import b32encode

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.organisations.factories import MembershipFactory


pytestmark = pytest.mark.django_db


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_when_required_a_professional_must_enrol_then_verify(client, settings):
    settings.JALON_REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    membership = MembershipFactory()
    client.post(reverse("accounts:login"), {"username": membership.user.email, "password": DEFAULT_PASSWORD})

    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))

    enrol = client.get(response["Location"])
    assert "Scannez ce code" in enrol.content.decode()
    device = TOTPDevice.objects.get(user=membership.user, confirmed=False)
    # The key to type by hand is the base32 one authenticator apps expect.
    assert b32encode(device.bin_key).decode() in enrol.content.decode()

    wrong = client.post(reverse("accounts:two_factor"), {"token": "000000" if _code(device) != "000000" else "111111"})
    assert "Code incorrect" in wrong.content.decode()
    assert AuditEvent.objects.filter(code=AuditCode.TWO_FACTOR_FAILED).count() == 1

    response = client.post(reverse("accounts:two_factor"), {"token": _code(device), "next": "/"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(code=AuditCode.TWO_FACTOR_ENROLLED, actor=membership.user).exists()
    assert client.get("/").status_code == 200


def test_demo_and_development_do_not_require_two_factor(login_as, settings):
    settings.JALON_REQUIRE_2FA = False
    client = login_as(MembershipFactory())
    assert client.get("/").status_code == 200


def test_non_numeric_code_gets_a_field_error(login_as):
    client = login_as(MembershipFactory())
    response = client.post(reverse("accounts:two_factor"), {"token": "abcdef"})
    assert "Le code ne contient que des chiffres." in response.content.decode()
