"""The employers' panel on a home: the chargé(e) de relation entreprises' day. It is an assignment on top of a role,
so the panel shows on any Département professional's home while the assignment runs."""

from jalon.core.scoping import Actor


def home_panels(*, actor: Actor) -> dict:
    from jalon.employers.selectors import relations_summary

    if not actor.is_departement_staff:
        return {}
    summary = relations_summary(actor=actor)
    return {"relations": summary} if summary is not None else {}
