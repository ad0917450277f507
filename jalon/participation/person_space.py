"""The member's committees, in their own space: the next meetings of the comités d'usagers where they sit."""

from django.utils import timezone


def person_space_panel(*, person) -> dict:
    from jalon.participation.selectors import member_next_meetings

    meetings = member_next_meetings(person=person, now=timezone.now())
    if not meetings:
        return {}
    return {"template": "participation/person_space_panel.html", "meetings": meetings}
