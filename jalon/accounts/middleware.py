from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse


# Pages a professional can reach before proving the second factor.
_ALLOWED_PREFIXES = ("/compte/", "/static/", "/mentions-legales/", "/accessibilite/", "/donnees-personnelles/")


class TwoFactorMiddleware:
    """When JALON_REQUIRE_2FA is on (production), every signed-in professional must pass a TOTP check."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.JALON_REQUIRE_2FA
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_ALLOWED_PREFIXES)
        ):
            return redirect(f"{reverse('accounts:two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)
