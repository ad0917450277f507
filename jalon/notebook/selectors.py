from jalon.core.text import normalise_name
from jalon.notebook.models import RomeAppellation


def rome_appellation_search(*, query: str, limit: int = 20):
    """Job titles for a search as you type: accents and case ignored, titles starting with the words first; those the
    current ROME release no longer has are not proposed."""
    words = normalise_name(query).split()
    if not words or len(query.strip()) < 2:
        return RomeAppellation.objects.none()
    qs = RomeAppellation.objects.filter(active=True).select_related("rome")
    for word in words:
        qs = qs.filter(normalized_label__contains=word)
    return qs.order_by("normalized_label")[:limit]
