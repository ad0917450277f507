"""The observatory's panel on the homes of the programme pilot and the analyst: the summary's headline figures (read
from the snapshots, as the summary itself) and, for the analyst, the share of the catalogue computed, entered,
received from a partner or still waiting for data."""

from datetime import date

from jalon.core.enums import Role
from jalon.core.scoping import Actor
from jalon.observatory.dashboards import director_summary
from jalon.observatory.selectors import catalogue_shares


HOME_HEADLINES = 4


def home_panel(*, actor: Actor, today: date) -> dict:
    summary = director_summary(actor=actor, today=today)
    panel = {
        "period_label": summary.period_label,
        "has_values": summary.has_values,
        "headlines": [
            (h.spec.code, h.spec.label, h.last_text, h.target_text) for h in summary.headlines[:HOME_HEADLINES]
        ],
        "may_set_targets": actor.acts_for_departement(Role.PROGRAMME_PILOT),
    }
    if actor.has_role(Role.ANALYST):
        panel["catalogue_shares"] = [
            (label, count, f"{share * 100:.0f} %") for label, count, share in catalogue_shares()
        ]
    return panel


def home_panels(*, actor: Actor) -> dict:
    from django.utils import timezone

    if not actor.acts_for_departement(Role.PROGRAMME_PILOT, Role.ANALYST):
        return {}
    return {"observatory": home_panel(actor=actor, today=timezone.localdate())}
