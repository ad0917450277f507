"""A pseudonymised individual-history export in the spirit of the DREES « remontées individuelles sur l'insertion »
(RI-insertion): one line per person and event or state (RSA right, droits et devoirs, orientation, référent,
contract), for the persons subject to rights and duties on one day of the year at least, their histories up to
31 December.

No name, NIR, birth date, address or contact leaves: a person is a keyed hash of Jalon's internal number (the key
comes from the settings, so the same person keeps the same identifier from one export to the next and cannot be
recomputed without the key), the birth year stands for the birth date and the commune's INSEE code for the
address. Organismes are given by their kind, never by a professional's name."""

import hashlib
import hmac
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from jalon.core.enums import AuditCode
from jalon.core.scoping import Actor
from jalon.notebook.models import Contract
from jalon.observatory.indicators.common import flagged_subject
from jalon.observatory.indicators.oarsa import (
    CER_ACTION_CATEGORIES,
    DEPARTEMENT,
    FRANCE_TRAVAIL,
    OTHER_SPE,
    action_freins,
)
from jalon.organisations.enums import OrganisationKind
from jalon.orientation.models import Orientation, ReferentAssignment
from jalon.people.enums import HouseholdRole
from jalon.people.models import HouseholdMember, Person
from jalon.people.selectors import persons_view_record


HEADER = [
    "identifiant",
    "annee_naissance",
    "sexe",
    "commune_residence",
    "evenement",
    "debut",
    "fin",
    "type_orientation",
    "categorie_organisme",
    "type_organisme",
    "precision",
]
KIND_LABELS = dict(OrganisationKind.choices)


def pseudonym_key() -> bytes:
    configured = getattr(settings, "JALON_PSEUDONYM_KEY", "")
    if configured:
        return configured.encode()
    # Development and tests: derived from SECRET_KEY, under its own label (never the key of the NIR's hash).
    return hashlib.sha256(b"jalon-pseudonym" + settings.SECRET_KEY.encode()).digest()


def pseudonym(person_id: int, key: bytes) -> str:
    return hmac.new(key, f"personne:{person_id}".encode(), hashlib.sha256).hexdigest()[:20]


def organisme_category(kind: str | None) -> str:
    """The DREES grouping of an organisme référent (OARSA B5–B8)."""
    if not kind:
        return ""
    if kind in FRANCE_TRAVAIL:
        return "france_travail"
    if kind in OTHER_SPE:
        return "spe_autre"
    if kind in DEPARTEMENT:
        return "departement"
    return "hors_spe"


def history_population(*, actor: Actor, departement_id: str, year: int):
    """The persons of the actor's reach subject to rights and duties on one day of `year` at least."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    subject = HouseholdMember.objects.filter(
        Q(left_on=None) | Q(left_on__gte=start),
        Q(household__right__closure_date=None) | Q(household__right__closure_date__gte=start),
        flagged_subject(after=start - timedelta(days=1)),
        person_id=OuterRef("pk"),
        role__in=[HouseholdRole.APPLICANT, HouseholdRole.PARTNER],
        household__right__opening_date__lte=end,
    )
    return Person.objects.visible_to(actor).filter(Exists(subject), departement_id=departement_id).order_by("pk")


def history_rows(*, persons: list[Person], year: int):
    """The export's lines, header first, in the order of the persons."""
    end = date(year, 12, 31)
    ids = [p.pk for p in persons]
    events = defaultdict(list)
    for m in (
        HouseholdMember.objects.filter(person_id__in=ids, household__right__opening_date__lte=end)
        .annotate(subject=ExpressionWrapper(flagged_subject(), output_field=BooleanField()))
        .select_related("household__right")
        .order_by("household__right__opening_date", "pk")
    ):
        right = m.household.right
        events[m.person_id].append(
            (
                "droit_rsa",
                right.opening_date,
                right.closure_date,
                "",
                "",
                "",
                f"demande le {right.request_date or '?'}",
            )
        )
        if m.subject and m.role in (HouseholdRole.APPLICANT, HouseholdRole.PARTNER):
            # Rights and duties end with the membership or with the right.
            ends = [day for day in (m.left_on, right.closure_date) if day]
            events[m.person_id].append(
                (
                    "droits_et_devoirs",
                    max(m.joined_on, right.opening_date),
                    min(ends, default=None),
                    "",
                    "",
                    "",
                    m.get_role_display(),
                )
            )
    for o in Orientation.objects.filter(person_id__in=ids, decided_on__lte=end).select_related("organisation"):
        kind = o.organisation.kind if o.organisation else ""
        events[o.person_id].append(
            (
                "orientation",
                o.decided_on,
                o.ended_on,
                o.orientation_type,
                organisme_category(kind),
                KIND_LABELS.get(kind, ""),
                "",
            )
        )
    for a in ReferentAssignment.objects.filter(person_id__in=ids, started_on__lte=end).select_related("organisation"):
        kind = a.organisation.kind if a.organisation else ""
        events[a.person_id].append(
            ("referent", a.started_on, a.ended_on, "", organisme_category(kind), KIND_LABELS.get(kind, ""), "")
        )
    freins = {code: set(action_freins(code)) for code in CER_ACTION_CATEGORIES}
    contents = defaultdict(set)
    for pk, frein, project in Contract.objects.filter(notebook__person_id__in=ids).values_list(
        "pk", "objectives__frein__category_id", "objectives__project_id"
    ):
        for code, (_, _, project_counts) in CER_ACTION_CATEGORIES.items():
            if frein in freins[code] or (project_counts and project):
                contents[pk].add(code)
    for c in Contract.objects.filter(notebook__person_id__in=ids, starts_on__lte=end).select_related(
        "contract_type", "organisation", "notebook"
    ):
        kind = c.organisation.kind if c.organisation else ""
        detail = f"{c.contract_type.code}, signé le {c.signed_on or '?'}"
        if contents[c.pk]:
            detail += ", actions " + " ".join(sorted(contents[c.pk], key=lambda code: int(code[1:])))
        events[c.notebook.person_id].append(
            ("contrat", c.starts_on, c.ends_on, "", organisme_category(kind), KIND_LABELS.get(kind, ""), detail)
        )
    key = pseudonym_key()
    yield HEADER
    for person in persons:
        identity = [pseudonym(person.pk, key), person.birth_date.year, person.sex, person.commune_id or ""]
        for event in sorted(events[person.pk], key=lambda e: (e[1] or date.min, e[0])):
            yield [*identity, *event]


def history_export_open(*, actor: Actor, departement_id: str, year: int):
    """The export's lines for the actor's reach, its leaving recorded with every person in it (by Jalon's number,
    in the audit log only: the file itself carries pseudonyms)."""
    persons = list(history_population(actor=actor, departement_id=departement_id, year=year).select_related(None))
    persons_view_record(
        actor=actor,
        screen="historique individuel pseudonymisé (RI-insertion)",
        person_ids=[person.pk for person in persons],
        code=AuditCode.OARSA_HISTORY_EXPORTED,
        extra={"year": year, "count": len(persons)},
    )
    return history_rows(persons=persons, year=year)
