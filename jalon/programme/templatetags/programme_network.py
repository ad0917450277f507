"""The network's block of a fiche page: its events' counts year by year (what its indicators count), its next
events and its documents."""

from django import template

from jalon.programme.network.selectors import action_network


register = template.Library()


@register.inclusion_tag("programme/network/_action_block.html")
def network_block(action):
    return {"action": action, "programme": action.programme, **action_network(action=action)}
