"""One-time codes were stored in clear in the messages history: redact them in the messages already sent, and file
those messages under their own kind, « code de connexion ».

They are recognised by their subject, which only the person space's code request ever used, and by the code's
place in their text; their sender is automatic (no professional author).
"""

import re

from django.db import migrations


CODE_SUBJECT = "Votre code pour accéder à votre carnet de bord"
CODE_IN_BODY = re.compile(r"(Votre code pour accéder à votre carnet de bord est : )\d+")
REDACTED = "••••••"


def redact_codes(apps, schema_editor):
    Message = apps.get_model("messaging", "Message")
    batch = []
    rows = Message.objects.filter(subject=CODE_SUBJECT, created_by__isnull=True).only("pk", "body", "kind")
    for message in rows.iterator(chunk_size=1000):
        body, found = CODE_IN_BODY.subn(rf"\g<1>{REDACTED}", message.body)
        if not found:
            continue
        message.body, message.kind = body, "access_code"
        batch.append(message)
        if len(batch) >= 1000:
            Message.objects.bulk_update(batch, ["body", "kind"])
            batch = []
    Message.objects.bulk_update(batch, ["body", "kind"])


class Migration(migrations.Migration):
    dependencies = [
        ("notebook", "0003_person_space_note_by_person"),
        ("messaging", "0002_message_kind_access_code"),
    ]

    # Nothing to undo: the codes are gone, and had expired long ago.
    operations = [migrations.RunPython(redact_codes, migrations.RunPython.noop)]
