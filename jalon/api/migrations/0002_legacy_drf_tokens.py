"""The back-office tokens of Django REST framework (`authtoken`, stored in clear, never expiring) become hashed
tokens: the partner keeps the same secret, now with read-write rights, an expiry one year from now and a revocation.
Each acts as the account's first active membership, which is what the old token saw. The clear secrets are then
deleted. Nothing happens on a database that never had the `authtoken` table."""

import hashlib
from datetime import timedelta

from django.db import migrations
from django.utils import timezone


LEGACY_TABLE = "authtoken_token"


def convert_legacy_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if LEGACY_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("api", "ApiToken")
    Membership = apps.get_model("organisations", "Membership")
    expires_on = timezone.localdate() + timedelta(days=365)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id FROM {LEGACY_TABLE}")  # noqa: S608 (a constant table name)
        rows = cursor.fetchall()
    for key, user_id in rows:
        membership = (
            Membership.objects.filter(
                user_id=user_id, is_active=True, user__is_active=True, organisation__is_active=True
            )
            .order_by("organisation__name", "role")
            .first()
        )
        if membership is None:
            continue  # the old token gave access to nothing
        ApiToken.objects.get_or_create(
            key_hash=hashlib.sha256(key.encode()).hexdigest(),
            defaults={
                "name": "Jeton repris du back-office",
                "membership": membership,
                "scope": "ecriture",
                "key_start": key[:12],
                "expires_on": expires_on,
            },
        )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {LEGACY_TABLE}")  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [("api", "0001_api_tokens")]

    operations = [migrations.RunPython(convert_legacy_tokens, migrations.RunPython.noop)]
