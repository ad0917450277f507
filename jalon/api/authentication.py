"""Partners' systems authenticate with a token issued on the administrators' screen (`api_tokens:list`).

`Authorization: Bearer <secret>` (or `Token <secret>`, the header of the earlier tokens, still accepted). The token
acts as its membership: the organisation and role it was issued for, whatever other memberships the account has.
A read-only token is refused any write (403) on every endpoint, whatever the endpoint's own permissions.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from jalon.api import services
from jalon.api.models import ApiToken, key_hash
from jalon.core.scoping import Actor


KEYWORDS = (b"bearer", b"token")
INVALID = "Jeton d'API invalide, expiré ou révoqué."


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("En-tête d'authentification mal formé : « Bearer <jeton> ».")
        try:
            key = parts[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(INVALID) from error
        token = (
            ApiToken.objects.select_related("membership__user", "membership__organisation")
            .filter(key_hash=key_hash(key))
            .first()
        )
        if token is None or not token.is_usable:
            raise exceptions.AuthenticationFailed(INVALID)
        membership = token.membership
        if not (membership.is_active and membership.user.is_active and membership.organisation.is_active):
            raise exceptions.AuthenticationFailed(INVALID)
        if not token.allows(request.method):
            raise exceptions.PermissionDenied("Ce jeton d'API ne permet que la lecture.")
        services.api_token_use_record(token=token)
        # The scoping of every endpoint reads `request.actor`: the token's membership, not the account's first one.
        request._request.actor = Actor(user=membership.user, membership=membership, memberships=(membership,))
        return membership.user, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to a missing, expired or revoked token.
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "jalon.api.authentication.ApiTokenAuthentication"
    name = "jetonApi"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Jeton créé par un administrateur de la structure."}
