from django.core.exceptions import ImproperlyConfigured
from django.template import Context, engines


def render_message(template_name: str, context: dict) -> tuple[str, str]:
    """Render a plain-text message template: its first line is the subject, the rest (after blank lines) the body.

    Messages are plain text (e-mail, SMS, letter), so nothing is HTML-escaped: « L'Hôpital » stays as written.
    """
    template = engines["django"].get_template(template_name)
    text = template.template.render(Context(context, autoescape=False))  # type: ignore[attr-defined]
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    if not lines:
        raise ImproperlyConfigured(f"Le modèle de message {template_name} doit commencer par une ligne d'objet.")
    subject, body_lines = " ".join(lines[0].split()), lines[1:]
    while body_lines and not body_lines[0]:
        body_lines.pop(0)
    return subject, "\n".join(body_lines).rstrip()
