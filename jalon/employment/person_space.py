"""The person's job offers in their own space: where they are positioned, and the open offers of their projects."""

SHOWN = 5


def person_space_panel(*, person) -> dict:
    from jalon.employment.models import Positioning
    from jalon.employment.selectors import person_offer_matches

    notebook = getattr(person, "notebook", None)
    if notebook is None or notebook.closed_on is not None:
        return {}  # a path that ended has no offers to propose
    positionings = list(
        Positioning.objects.filter(person=person)
        .select_related("offer__appellation", "offer__commune")
        .order_by("-status_on", "-pk")[:SHOWN]
    )
    positioned = {positioning.offer_id for positioning in positionings}
    matches = [
        match for match in person_offer_matches(person=person, limit=SHOWN * 2) if match.offer.pk not in positioned
    ]
    if not positionings and not matches:
        return {}
    return {
        "template": "employment/person_space_panel.html",
        "positionings": positionings,
        "matches": matches[:SHOWN],
    }
