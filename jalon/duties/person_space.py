"""The procedure as the person sees it in their own space: where it stands, the deadline, the decision."""


def person_space_panel(*, person) -> dict:
    from jalon.duties.models import Failure

    failures = list(
        Failure.objects.filter(person=person).select_related("decision").order_by("-occurred_on", "-pk")[:5]
    )
    if not failures:
        return {}
    return {"template": "duties/person_space_panel.html", "failures": failures}
