from django import template


register = template.Library()


@register.filter
def campaign_status(campaign, today) -> str:
    return campaign.status_label(today)


@register.filter
def percent(value) -> str:
    """A share (0–1) as a French percentage with one decimal at most."""
    if value is None:
        return "—"
    return f"{round(value * 100, 1):g} %".replace(".", ",")
