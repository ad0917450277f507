"""The network's block of a fiche page: its events' counts year by year (what its indicators count), its next
events and its documents."""

from django import template
from django.utils import timezone

from jalon.programme.network.selectors import action_network


register = template.Library()


@register.inclusion_tag("programme/network/_action_block.html", takes_context=True)
def network_block(context, action):
    """`may_report`: the fiche's editor may report its counts to the observatory when its indicators are counted
    from the events."""
    from jalon.programme.access import may_edit_action
    from jalon.programme.network.services import counted_indicators

    actor = context["request"].actor
    reportable = may_edit_action(actor, action) and counted_indicators(action).exists()
    return {
        "action": action,
        "programme": action.programme,
        "may_report": reportable,
        "this_year": timezone.localdate().year,
        **action_network(action=action),
    }
