"""ProConnect-compatible OpenID Connect login: only professionals already invited into Jalon may sign in."""

import json

from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class JalonOIDCBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip().lower()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def get_userinfo(self, access_token, id_token, payload):
        # ProConnect answers the userinfo endpoint with a signed JWT rather than plain JSON.
        response = self._userinfo_response(access_token)
        if response.headers.get("Content-Type", "").startswith("application/jwt"):
            return json.loads(self.verify_token(response.text))
        return response.json()

    def _userinfo_response(self, access_token):
        import requests

        response = requests.get(
            self.OIDC_OP_USER_ENDPOINT,
            headers={"Authorization": f"Bearer {access_token}"},
            verify=self.get_settings("OIDC_VERIFY_SSL", True),
            timeout=self.get_settings("OIDC_TIMEOUT", 10),
            proxies=self.get_settings("OIDC_PROXY", None),
        )
        response.raise_for_status()
        return response

    def update_user(self, user, claims):
        # Names come from the identity provider; the organisation and role stay those given by invitation.
        user.first_name = claims.get("given_name") or user.first_name
        user.last_name = claims.get("usual_name") or claims.get("family_name") or user.last_name
        user.save(update_fields=["first_name", "last_name"])
        return user
