"""Reading a rendered form as a user does: which labels carry django-dsfr's « (Optionnel) »."""

import html


def is_marked_optional(form, name: str) -> bool:
    """Whether the field `name` shows « (Optionnel) » right after its label on the rendered form."""
    text = " ".join(html.unescape(str(form)).split())
    label = " ".join(str(form.fields[name].label).split())
    assert label in text, f"the field « {label} » is not on the form"
    return f"{label} (Optionnel)" in text
