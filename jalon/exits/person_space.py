"""The exit of the path and its follow-up in employment, in the person's own space."""


def person_space_panel(*, person) -> dict:
    from jalon.exits.models import Exit

    notebook = getattr(person, "notebook", None)
    if notebook is None or notebook.closed_on is None:
        return {}  # an exit in force closes the carnet: an open one has none (and costs no query)
    exit = (
        Exit.objects.in_force()
        .filter(person=person)
        .select_related("exit_type", "organisation")
        .prefetch_related("checkpoints")
        .first()
    )
    if exit is None:
        return {}
    points = sorted(exit.checkpoints.all(), key=lambda point: point.due_on)
    return {
        "template": "exits/person_space_panel.html",
        "exit": exit,
        "points": points,
        "next_point": next((point for point in points if point.done_on is None), None),
    }
