from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from jalon.api.enums import TokenScope
from jalon.api.models import ApiToken, key_hash, new_key


def api_token_for(membership, *, scope=TokenScope.READ_WRITE, expires_on=None) -> tuple[ApiToken, str]:
    """A token issued for the membership, and its secret (only its digest is stored)."""
    key = new_key()
    token = ApiToken.objects.create(
        name="Logiciel de la structure",
        membership=membership,
        scope=scope,
        key_hash=key_hash(key),
        key_start=key[:12],
        expires_on=expires_on or timezone.localdate() + timedelta(days=90),
    )
    return token, key


def api_client_for(membership, *, scope=TokenScope.READ_WRITE) -> APIClient:
    """An API client authenticated as a partner's system acting as the membership."""
    _, key = api_token_for(membership, scope=scope)
    client = APIClient(REMOTE_ADDR="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client
