"""The orientation decisions of a period for the employment committees (comité national and comités
départementaux pour l'emploi, art. L. 5411-5-1 III of the code du travail; arrêté du 21 novembre 2024, JORF
7 décembre 2024). One line per decision, documented in docs/comites-emploi-export.md.

No name, NIR, birth date or address leaves: a person is the same keyed hash as in the individual-history export
(the key comes from the settings, so a person keeps their identifier from one file to the next), the age band at
the decision stands for the birth date and the commune's INSEE code for the address."""

from datetime import date

from django.db.models import OuterRef, Subquery

from jalon.core.enums import AuditCode
from jalon.core.scoping import Actor
from jalon.notebook.models import Contract
from jalon.observatory.oarsa_history import organisme_category, pseudonym, pseudonym_key
from jalon.orientation.models import Orientation
from jalon.people.models import HouseholdMember, Person
from jalon.people.selectors import persons_view_record


CONTRAT_ENGAGEMENT = "ce"  # the contract type code of the contrat d'engagement (notebook.followup)
HEADER = [
    "identifiant",
    "tranche_age",
    "sexe",
    "commune_insee",
    "date_demande_rsa",
    "date_orientation",
    "parcours",
    "categorie_organisme",
    "type_organisme",
    "dispositif",
    "contrat_engagement_signe",
    "date_signature_contrat",
    "delai_demande_orientation_jours",
    "delai_orientation_contrat_jours",
]
# The DREES age bands (OARSA, RI-insertion), at the date of the decision.
AGE_BANDS = ((25, "moins de 25 ans"), (30, "25-29 ans"), (40, "30-39 ans"), (50, "40-49 ans"), (60, "50-59 ans"))
MAX_DAYS = 366 * 3  # a file spans three years at most: the committees ask for periods, not the whole history


def age_band(birth_date: date | None, on: date) -> str:
    if birth_date is None:
        return ""
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return next((label for limit, label in AGE_BANDS if age < limit), "60 ans et plus")


def committee_decisions(*, actor: Actor, departement_id: str, start: date, end: date):
    """The orientation decisions taken between start and end (both included) for the persons of the actor's reach,
    with the RSA request they answer and the first contrat d'engagement signed after them."""
    request = (
        HouseholdMember.objects.filter(
            person_id=OuterRef("person_id"), household__right__request_date__lte=OuterRef("decided_on")
        )
        .order_by("-household__right__request_date")
        .values("household__right__request_date")[:1]
    )
    contract = (
        Contract.objects.filter(
            notebook__person_id=OuterRef("person_id"),
            contract_type__code=CONTRAT_ENGAGEMENT,
            signed_on__gte=OuterRef("decided_on"),
        )
        .order_by("signed_on")
        .values("signed_on")[:1]
    )
    persons = Person.objects.visible_to(actor).filter(departement_id=departement_id)
    return (
        Orientation.objects.filter(person__in=persons, decided_on__gte=start, decided_on__lte=end)
        .annotate(requested_on=Subquery(request), contract_signed=Subquery(contract))
        .select_related("person", "organisation", "dispositif")
        .order_by("decided_on", "pk")
    )


def committee_rows(decisions):
    key = pseudonym_key()
    yield HEADER
    for decision in decisions.iterator(chunk_size=2000):
        person, decided, requested, signed = (
            decision.person,
            decision.decided_on,
            decision.requested_on,
            decision.contract_signed,
        )
        kind = decision.organisation.kind if decision.organisation else ""
        yield [
            pseudonym(person.pk, key),
            age_band(person.birth_date, decided),
            person.sex,
            person.commune_id or "",
            requested.isoformat() if requested else "",
            decided.isoformat(),
            decision.orientation_type,
            organisme_category(kind),
            kind,
            decision.dispositif.name if decision.dispositif else "",
            "oui" if signed else "non",
            signed.isoformat() if signed else "",
            (decided - requested).days if requested else "",
            (signed - decided).days if signed else "",
        ]


def committee_export_open(*, actor: Actor, departement_id: str, start: date, end: date):
    """The file's lines, its leaving recorded with every person in it (by Jalon's number, in the audit log only:
    the file carries pseudonyms), before the lines are streamed."""
    decisions = committee_decisions(actor=actor, departement_id=departement_id, start=start, end=end)
    persons_view_record(
        actor=actor,
        screen="export des décisions d'orientation pour les comités pour l'emploi",
        person_ids=decisions.values_list("person_id", flat=True),
        code=AuditCode.PERSON_SEARCHED,
        extra={"export": "comités pour l'emploi", "debut": start.isoformat(), "fin": end.isoformat()},
    )
    return committee_rows(decisions)
