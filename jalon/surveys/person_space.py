"""« Un questionnaire vous attend », in the person's own space: their unanswered invitations of open campaigns."""

from django.utils import timezone


def person_space_panel(*, person) -> dict:
    from jalon.surveys.selectors import pending_for_person

    invitations = list(pending_for_person(person=person, today=timezone.localdate()))
    if not invitations:
        return {}
    return {"template": "surveys/person_space_panel.html", "invitations": invitations}
