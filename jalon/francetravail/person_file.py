"""The France Travail panel of the person's file: only a way in (the consultation is on demand, never on opening)."""

from django.conf import settings


def person_file_panels(*, actor, person) -> dict:
    from jalon.francetravail.selectors import ROLES

    if not (actor.is_platform_admin or actor.has_role(*ROLES)):
        return {}
    return {"france_travail": {"configured": bool(settings.FRANCE_TRAVAIL_API_URL), "has_nir": bool(person.nir_hash)}}
