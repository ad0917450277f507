"""The commitments' block of a fiche page: the signatories' commitments on the action, year by year."""

from django import template

from jalon.programme.commitments.selectors import action_commitments


register = template.Library()


@register.inclusion_tag("programme/commitments/_action_block.html")
def commitments_block(action):
    return {"action": action, "programme": action.programme, "commitments": action_commitments(action=action)}
