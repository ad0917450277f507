from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from jalon.api.enums import TokenScope
from jalon.api.models import ApiToken, key_hash, new_key
from jalon.core.enums import AuditCode
from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor
from jalon.core.services import audit_event_record
from jalon.organisations.models import Membership, Organisation


MAX_VALIDITY = timedelta(days=365)
# Last use is written at most this often per token: one UPDATE a minute, not one per call.
LAST_USE_PRECISION = timedelta(minutes=1)


def _check_manageable(*, actor: Actor, membership: Membership) -> None:
    # Second line of defence behind the views: a partner's administrator only ever reaches its own organisation.
    if not Organisation.objects.manageable_by(actor).filter(pk=membership.organisation_id).exists():
        raise Http404(NOT_FOUND_MESSAGE)


@transaction.atomic
def api_token_issue(
    *, actor: Actor, membership: Membership, name: str, scope: str, expires_on
) -> tuple[ApiToken, str]:
    """Issue a token acting as `membership`; returns it with its secret, which is never stored nor shown again."""
    _check_manageable(actor=actor, membership=membership)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Donnez un nom au jeton, par exemple le logiciel qui l'utilisera."
    if scope not in TokenScope.values:
        errors["scope"] = "Choisissez les droits du jeton."
    if expires_on is None or expires_on <= today:
        errors["expires_on"] = "La date d'expiration doit être postérieure à aujourd'hui."
    elif expires_on > today + MAX_VALIDITY:
        errors["expires_on"] = "Un jeton vaut au plus un an : choisissez une date d'expiration plus proche."
    if not (membership.is_active and membership.user.is_active and membership.organisation.is_active):
        errors["membership"] = "Ce compte n'est plus actif dans la structure."
    if errors:
        raise ValidationError(errors)
    key = new_key()
    token = ApiToken.objects.create(
        name=name.strip(),
        membership=membership,
        scope=scope,
        key_hash=key_hash(key),
        key_start=key[:12],
        expires_on=expires_on,
        created_by=actor.user,
    )
    audit_event_record(
        code=AuditCode.API_TOKEN_ISSUED,
        actor=actor.user,
        organisation=membership.organisation,
        subject=token,
        new={
            "name": token.name,
            "account": membership.user.email,
            "role": membership.role,
            "scope": scope,
            "expires_on": expires_on,
        },
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    _check_manageable(actor=actor, membership=token.membership)
    if token.revoked_at is not None:
        raise ValidationError("Ce jeton est déjà révoqué.")
    token.revoked_at = timezone.now()
    token.revoked_by = actor.user
    token.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    audit_event_record(
        code=AuditCode.API_TOKEN_REVOKED,
        actor=actor.user,
        organisation=token.membership.organisation,
        subject=token,
        old={"revoked": False},
        new={"revoked": True},
    )
    return token


def api_token_use_record(*, token: ApiToken) -> None:
    """Note the token's last use, at most once a minute (the row in hand says when it was last written)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USE_PRECISION:
        return
    # Conditional, so that parallel calls of one partner write once.
    ApiToken.objects.filter(pk=token.pk).exclude(last_used_at__gte=now - LAST_USE_PRECISION).update(last_used_at=now)
    token.last_used_at = now
