import math

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from jalon.core.text import plural


register = template.Library()


class TableFrameNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        # The DSFR table frame; the container is focusable so keyboard users can scroll wide tables.
        return format_html(
            '<div class="fr-table fr-table--no-caption"><div class="fr-table__wrapper">'
            '<div class="fr-table__container" tabindex="0"><div class="fr-table__content">'
            "<table>{}</table></div></div></div></div>",
            mark_safe(self.nodelist.render(context)),  # noqa: S308 — already rendered and escaped by the template
        )


@register.tag
def table_frame(parser, token):
    """{% table_frame %}<caption>…</caption><thead>…</thead><tbody>…</tbody>{% endtable_frame %}"""
    nodelist = parser.parse(("endtable_frame",))
    parser.delete_first_token()
    return TableFrameNode(nodelist)


@register.simple_tag
def sort_header(state, key: str, label: str):
    """A sortable column's header: a link that sorts the list by it (reversed on a second click), and `aria-sort`
    telling assistive technologies how the list is sorted."""
    aria = state.aria_for(key)
    arrow = {"ascending": " ▲", "descending": " ▼"}.get(aria, "")
    hint = "trier par ordre décroissant" if aria == "ascending" else "trier par ordre croissant"
    return format_html(
        '<th scope="col" aria-sort="{}"><a class="fr-link" href="{}">{}<span aria-hidden="true">{}</span>'
        '<span class="fr-sr-only"> ({})</span></a></th>',
        aria,
        state.url_for(key),
        label,
        arrow,
        hint,
    )


@register.filter
def pluriel(count) -> str:
    """The French plural mark, singular for 0 and 1 (« 0 offre », « 2 offres »): Django's `pluralize` is English."""
    return plural(int(count or 0))


@register.simple_tag
def kept_freshness() -> str:
    """How old a kept aggregate (`core.aggregates.kept`) may be, said to the reader of the page that shows it."""
    seconds = settings.JALON_AGGREGATE_SECONDS
    if seconds <= 0:
        return "Compté à l'instant"
    minutes = math.ceil(seconds / 60)
    return f"Compté il y a {minutes} minute{plural(minutes)} au plus"
