"""Everything Jalon holds on one person, for a right-of-access request (RGPD art. 15): a JSON document for
machines and the same content as a PDF for the person. Made on demand, never stored."""

import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate

from jalon.core.pdf import BOLD, REGULAR, date_in_words, paragraph
from jalon.people.crypto import nir_format
from jalon.privacy.retention import last_contact


# Technical fields that say nothing about the person (or would help forge an access): never exported.
HIDDEN_FIELDS = {
    "nir_encrypted",
    "nir_hash",
    "normalized_last_name",
    "normalized_birth_name",
    "normalized_first_name",
    "source_hash",
    "raw_fingerprint",
    "code_hash",
    "link_token_hash",
    "about_type",
    "about_id",
    "provider_reference",
    "backend",
}
ONE_TIME_CODE = re.compile(r"\b\d{6}\b")
REDACTED_CODE = "[code masqué]"

# (key, title, model, path from the row to the person)
SECTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("history", "Historique du dossier", "people.ChangeEvent", "person"),
    ("orientations", "Orientations", "orientation.Orientation", "person"),
    ("referents", "Référents de parcours", "orientation.ReferentAssignment", "person"),
    ("orientation_sessions", "Séances d'orientation", "orientation.SessionParticipant", "person"),
    ("orientation_interviews", "Entretiens d'orientation", "orientation.Interview", "person"),
    ("reorientation_requests", "Demandes de réorientation", "orientation.ReorientationRequest", "person"),
    ("long_term_reviews", "Diagnostics de longue durée", "orientation.LongTermReview", "person"),
    ("delay_alerts", "Alertes de délai", "orientation.DelayAlert", "person"),
    ("socio_professional_data", "Données socio-professionnelles", "intake.SocioProfessionalData", "person"),
    ("carnet", "Carnet de bord", "notebook.Notebook", "person"),
    ("carnet_freins", "Situation et freins", "notebook.NotebookFrein", "notebook__person"),
    ("carnet_projects", "Projets professionnels", "notebook.ProfessionalProject", "notebook__person"),
    ("carnet_objectives", "Objectifs", "notebook.Objective", "notebook__person"),
    ("carnet_actions", "Actions", "notebook.Action", "objective__notebook__person"),
    ("carnet_contracts", "Contrats d'engagement", "notebook.Contract", "notebook__person"),
    ("appointments", "Rendez-vous", "notebook.Appointment", "notebook__person"),
    ("contacts", "Contacts", "notebook.Contact", "notebook__person"),
    ("carnet_team", "Équipe du carnet", "notebook.TeamMember", "notebook__person"),
    ("carnet_consents", "Consentements au partage", "notebook.Consent", "notebook__person"),
    ("carnet_notes", "Notes du carnet", "notebook.Note", "notebook__person"),
    ("messages", "Messages", "messaging.Message", "person"),
    ("referrals", "Orientations vers un service de l'offre", "offer.Referral", "person"),
    ("referral_events", "Suites des orientations vers un service", "offer.ReferralEvent", "referral__person"),
    ("measures", "Mesures (IAE, PMSMP, PEC…)", "offer.Measure", "person"),
)


@dataclass
class Section:
    key: str
    title: str
    # Each row: (field name, French label, value) in the model's field order.
    rows: list[list[tuple[str, str, object]]] = field(default_factory=list)


@dataclass
class PersonExport:
    person: Any
    generated_at: datetime
    sections: list[Section]


def _value(obj: models.Model, model_field: models.Field):
    if model_field.is_relation:
        related = getattr(obj, model_field.name)
        return str(related) if related is not None else None
    if model_field.choices:
        value = getattr(obj, model_field.attname)
        return getattr(obj, f"get_{model_field.name}_display")() if value not in (None, "") else value
    value = getattr(obj, model_field.attname)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    return value


def _row(obj: models.Model, *, skip: tuple[str, ...] = ()) -> list[tuple[str, str, object]]:
    row = []
    for model_field in obj._meta.concrete_fields:
        if model_field.name in HIDDEN_FIELDS or model_field.name in skip:
            continue
        row.append((model_field.name, str(model_field.verbose_name), _value(obj, model_field)))
    return row


def _redact_codes(row):
    """One-time codes sent to the person are never shown again, not even to them."""
    return [
        (name, label, ONE_TIME_CODE.sub(REDACTED_CODE, value) if isinstance(value, str) else value)
        for name, label, value in row
    ]


def person_export_build(*, person) -> PersonExport:
    """Gather the export; the caller has checked access and records the audit event."""
    person_section = Section("person", "Identité et coordonnées", [_row(person)])
    person_section.rows[0].append(("nir", "NIR", nir_format(person.nir) if person.nir_encrypted else ""))
    contact_day, contact_label = last_contact(person)
    person_section.rows[0].append(
        ("last_contact", "dernier contact", f"{contact_day:%d/%m/%Y} ({contact_label})" if contact_day else None)
    )
    member_model = apps.get_model("people", "HouseholdMember")
    households = Section("households", "Foyers et droit au RSA")
    for link in member_model.objects.filter(person=person).select_related("household__right"):
        row = _row(link, skip=("person",)) + [
            (f"household_{name}", f"foyer : {label}", value)
            for name, label, value in _row(link.household, skip=("departement",))
        ]
        right = getattr(link.household, "right", None)
        if right is not None:
            row += [
                (f"right_{name}", f"droit RSA : {label}", value)
                for name, label, value in _row(right, skip=("household",))
            ]
        households.rows.append(row)

    sections = [person_section, households]
    for key, title, label, path in SECTIONS:
        model = apps.get_model(label)
        rows = [_row(obj, skip=("person",)) for obj in model.objects.filter(**{path: person.pk})]
        if label == "messaging.Message":
            rows = [_redact_codes(row) for row in rows]
        sections.append(Section(key, title, rows))

    audit = Section("audit_events", "Journal des accès et des actions sur le dossier")
    for event in apps.get_model("core", "AuditEvent").objects.about_person(person.pk).select_related("organisation"):
        audit.rows.append(
            [
                ("occurred_at", "date", event.occurred_at),
                ("event", "événement", event.code_label),
                ("actor", "auteur", event.actor_label),
                ("organisation", "structure", str(event.organisation) if event.organisation else None),
            ]
        )
    sections.append(audit)
    return PersonExport(person=person, generated_at=timezone.now(), sections=sections)


def export_json(export: PersonExport) -> bytes:
    document = {
        "format": "jalon-export-personne/1",
        "responsable_de_traitement": f"Département ({settings.JALON_DEPARTEMENT_NAME})",
        "genere_le": export.generated_at,
        **{
            section.key: [{name: value for name, _, value in row} for row in section.rows]
            for section in export.sections
        },
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


BODY = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=12.5, spaceAfter=1)
ITEM = ParagraphStyle("item", parent=BODY, leftIndent=5 * mm)
TITLE = ParagraphStyle("title", parent=BODY, fontName=BOLD, fontSize=16, leading=20, spaceAfter=8)
HEADING = ParagraphStyle("heading", parent=BODY, fontName=BOLD, fontSize=12, leading=16, spaceBefore=10, spaceAfter=4)
ROW_HEADING = ParagraphStyle("row", parent=BODY, fontName=BOLD, spaceBefore=5)


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
    if isinstance(value, Decimal | float | int):
        return str(value)
    return str(value)


def _p(text: str, style=BODY):
    return paragraph(text, style)


def export_pdf(export: PersonExport) -> bytes:
    person = export.person
    story = [
        _p("Vos données enregistrées dans Jalon", TITLE),
        _p(f"{person.first_name} {person.last_name.upper()}, né(e) le {date_in_words(person.birth_date)}"),
        _p(
            f"Document établi le {date_in_words(timezone.localdate(export.generated_at))} par le Département "
            f"({settings.JALON_DEPARTEMENT_NAME}), en réponse à votre demande d'accès (article 15 du RGPD). "
            "Les codes de connexion à usage unique ne sont jamais reproduits."
        ),
    ]
    for section in export.sections:
        story.append(_p(f"{section.title} ({len(section.rows)})", HEADING))
        if not section.rows:
            story.append(_p("Aucune donnée."))
        for index, row in enumerate(section.rows, start=1):
            if len(section.rows) > 1:
                story.append(_p(f"{section.title} — {index}", ROW_HEADING))
            story += [_p(f"{label} : {_text(value)}", ITEM) for _, label, value in row]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title="Export des données personnelles",
    ).build(story)
    return buffer.getvalue()
