"""Reads of the employers' directory and of the immersions.

The directory (`Employer.objects.visible_to(actor)`) holds no beneficiary's data. What an employer page shows of
people (their immersions, the hires recorded as exits) is limited to the people the actor sees, and traced.
Set-based filters for the figures: `Employer.objects.engaged_on(day)`, `Immersion.objects.validated_between(a, b)`,
`.reviewed()`, `.for_departement(code)`; the figures themselves are the observatory's
(`jalon/observatory/indicators/employers.py`).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from jalon.core.scoping import DEPARTEMENT_STAFF_KINDS, Actor, get_visible_or_404
from jalon.employers.enums import ImmersionStatus, ReviewOutcome
from jalon.employers.models import Commitment, Employer, EmployerGroup, Immersion, RelationsOfficer
from jalon.employers.naf import naf_label
from jalon.organisations.models import Membership
from jalon.people.models import Person
from jalon.people.selectors import persons_view_record


PAGE_SIZE = 25


def employers_for(*, actor: Actor, text: str = "", commune=None, engaged: bool = False):
    employers = Employer.objects.visible_to(actor).search(text).select_related("commune")
    if commune is not None:
        employers = employers.filter(commune=commune)
    if engaged:
        employers = employers.engaged_on(timezone.localdate())
    return employers.order_by("name", "id")


def employers_csv_rows(*, actor: Actor, **filters):
    yield [
        "SIRET",
        "Raison sociale",
        "Code NAF",
        "Activité",
        "Effectif",
        "Commune",
        "Code INSEE",
        "Membre de « Les entreprises s'engagent » depuis",
    ]
    for employer in employers_for(actor=actor, **filters).iterator(chunk_size=500):
        yield [
            employer.siret,
            employer.name,
            employer.naf_code,
            naf_label(employer.naf_code),
            employer.get_size_band_display() if employer.size_band else "",
            employer.commune.name,
            employer.commune_id,
            f"{employer.engaged_since:%d/%m/%Y}" if employer.engaged_since else "",
        ]


def directory_choices(departement_id: str | None):
    """The establishments offered in a form's « Employeur de l'annuaire » list."""
    return Employer.objects.filter(departement_id=departement_id).select_related("commune").order_by("name", "pk")


def directory_link(
    *, departement_id: str, employer: Employer | None, name: str, siret: str
) -> tuple[Employer | None, str, str]:
    """The directory's establishment a record (exit, job offer, measure) points to, with the name and SIRET it keeps:
    the one chosen, or else the one of the typed SIRET in the département. The chosen establishment's name and SIRET
    are copied, so that the record keeps what was true on its date."""
    name, siret = (name or "").strip(), (siret or "").replace(" ", "")
    if employer is not None:
        if employer.departement_id != departement_id:
            raise ValidationError({"employer": "Cet employeur n'est pas dans l'annuaire du département."})
        return employer, name or employer.name, siret or employer.siret
    if siret:
        employer = Employer.objects.filter(departement_id=departement_id, siret=siret).first()
    return employer, name, siret


def employer_for(*, actor: Actor, pk) -> Employer:
    return get_visible_or_404(Employer.objects.visible_to(actor).select_related("commune", "departement"), pk=pk)


def employer_page(*, actor: Actor, employer: Employer) -> dict:
    """What the employer page shows: contacts, commitments (with the immersions and hires Jalon recorded that year),
    interactions, groupements, its job offers, and the immersions, measures and hires of the people the actor sees
    (the others counted only).
    A constant number of queries, whatever the size of the directory."""
    seen = Person.objects.visible_to(actor).values("pk")
    immersions = employer.immersions.select_related("person", "organisation").order_by("-starts_on", "-id")
    visible_immersions = list(immersions.filter(person__in=seen)[:100])
    # The exits sit above the directory: their link is read through its reverse relation, without importing them.
    hires = employer.exits.in_force().select_related("person", "exit_type")
    visible_hires = list(hires.filter(person__in=seen).order_by("-exited_on")[:100])
    by_year_immersions = dict(
        immersions.filter(status=ImmersionStatus.ACCEPTED_BY_VALIDATOR)
        .exclude(review_outcome=ReviewOutcome.NOT_DONE)
        .values_list("starts_on__year")
        .annotate(n=Count("pk"))
    )
    by_year_hires = dict(hires.values_list("exited_on__year").annotate(n=Count("pk")))
    # Job offers hold no personal data; the measures (PEC, IAE, clauses…) are those of the people the actor sees.
    offers = employer.job_offers.select_related("appellation", "commune").order_by("-published_on", "-id")
    measures = employer.measures.select_related("person").order_by("-starts_on", "-id")
    visible_measures = list(measures.filter(person__in=seen)[:100])
    commitments = list(employer.commitments.order_by("-year"))
    for commitment in commitments:
        # What Jalon recorded that year, beside what the employer declared.
        commitment.immersions_recorded = by_year_immersions.get(commitment.year, 0)  # type: ignore[attr-defined]
        commitment.hires_recorded = by_year_hires.get(commitment.year, 0)  # type: ignore[attr-defined]
    persons_view_record(
        actor=actor,
        screen="page d'un employeur",
        person_ids=[i.person_id for i in visible_immersions]
        + [e.person_id for e in visible_hires]
        + [m.person_id for m in visible_measures],
        subject=employer,
    )
    return {
        "employer": employer,
        "contacts": list(employer.contacts.all()),
        "commitments": commitments,
        "interactions": list(
            employer.interactions.select_related("recorded_by", "organisation").order_by("-occurred_on", "-id")[:50]
        ),
        "groups": list(employer.groups.all()),
        "immersions": visible_immersions,
        "immersions_total": immersions.count(),
        "hires": visible_hires,
        "hires_total": hires.count(),
        "offers": list(offers[:50]),
        "offers_total": offers.count(),
        "measures": visible_measures,
        "measures_total": measures.count(),
        "officers": list(
            RelationsOfficer.objects.current(timezone.localdate())
            .filter(territories__communes=employer.commune_id)
            .select_related("user")
            .distinct()
        ),
    }


def groups_for(*, actor: Actor):
    return (
        EmployerGroup.objects.visible_to(actor)
        .select_related("commune", "animated_by")
        .annotate(member_count=Count("members"))
        .order_by("name")
    )


def officers_for(*, actor: Actor):
    if actor.organisation is None:
        return RelationsOfficer.objects.none()
    return (
        RelationsOfficer.objects.current(timezone.localdate())
        .filter(departement_id=actor.organisation.departement_id)
        .select_related("user")
        .prefetch_related("territories")
    )


# --- immersions -------------------------------------------------------------------------------------------------


def immersions_of(*, person_id):
    return (
        Immersion.objects.filter(person_id=person_id)
        .select_related("employer__commune", "organisation", "created_by", "validated_by")
        .order_by("-starts_on", "-id")
    )


def immersion_for(*, actor: Actor, pk) -> Immersion:
    """An immersion of a person the actor sees (404 otherwise)."""
    return get_visible_or_404(
        Immersion.objects.filter(Q(person__in=Person.objects.visible_to(actor).values("pk"))).select_related(
            "person", "employer__commune", "organisation", "created_by", "validated_by", "reviewed_by"
        ),
        pk=pk,
    )


def hire_to_record(*, person_id) -> Immersion | None:
    """The latest immersion that led to a hire, while the path is still open: the exit it proposes."""
    from jalon.notebook.models import Notebook

    if Notebook.objects.filter(person_id=person_id).exclude(closed_on=None).exists():
        return None
    return (
        Immersion.objects.filter(person_id=person_id, led_to_job=True)
        .select_related("employer")
        .order_by("-reviewed_on", "-id")
        .first()
    )


def relations_officers_of(*, employer_id: int, day) -> list[tuple[int, int]]:
    """(user, organisation) of the chargé(e)s de relation entreprises whose territories hold the employer's commune,
    with the Département's organisation they act for: the mediation with the employer is theirs."""
    employer = Employer.objects.filter(pk=employer_id).values("commune_id", "departement_id").first()
    if employer is None:
        return []
    user_ids = (
        RelationsOfficer.objects.current(day)
        .filter(departement_id=employer["departement_id"], territories__communes=employer["commune_id"])
        .values("user_id")
    )
    memberships = (
        Membership.objects.active()
        .filter(
            user_id__in=user_ids,
            organisation__departement_id=employer["departement_id"],
            organisation__kind__in=DEPARTEMENT_STAFF_KINDS,
        )
        .order_by("-pk")
        .values_list("user_id", "organisation_id")
    )
    return sorted(dict(memberships).items())  # one organisation per officer (the oldest membership)


RECONTACT_AFTER_DAYS = 90


def relations_summary(*, actor: Actor, today=None) -> dict | None:
    """The chargé(e) de relation entreprises' day, over the employers of their territories: this year's commitments
    against what Jalon recorded, the engaged employers not contacted for three months, the agreements waiting for a
    validation and the open offers. None when the actor holds no current assignment."""
    today = today or timezone.localdate()
    officer = (
        RelationsOfficer.objects.current(today).filter(user=actor.user).prefetch_related("territories").first()
        if actor.user is not None
        else None
    )
    if officer is None:
        return None
    employers = Employer.objects.filter(
        departement_id=officer.departement_id, commune__territories__in=officer.territories.all()
    ).distinct()
    engaged = employers.engaged_on(today)
    year = today.year
    promised = Commitment.objects.filter(employer__in=employers, year=year).aggregate(
        immersions=Sum("immersions_offered", default=0), hires=Sum("hires", default=0)
    )
    recorded_immersions = (
        Immersion.objects.filter(employer__in=employers, status=ImmersionStatus.ACCEPTED_BY_VALIDATOR)
        .filter(starts_on__year=year)
        .exclude(review_outcome=ReviewOutcome.NOT_DONE)
        .count()
    )
    # The exits and offers sit above the directory: read through the employers' reverse relations.
    hires = employers.filter(exits__reopened_on=None, exits__exited_on__year=year).values("exits").count()
    open_offers = employers.filter(job_offers__status="ouverte").values("job_offers").count()
    to_recontact = (
        engaged.annotate(last_contact=Max("interactions__occurred_on"))
        .filter(Q(last_contact=None) | Q(last_contact__lt=today - datetime.timedelta(days=RECONTACT_AFTER_DAYS)))
        .select_related("commune")
        .order_by(F("last_contact").asc(nulls_first=True), "name")
    )
    return {
        "territories": [territory.name for territory in officer.territories.all()],
        "employers": employers.count(),
        "engaged": engaged.count(),
        "promised_immersions": promised["immersions"],
        "promised_hires": promised["hires"],
        "recorded_immersions": recorded_immersions,
        "recorded_hires": hires,
        "awaiting_validation": Immersion.objects.filter(
            employer__in=employers,
            status__in=(ImmersionStatus.IN_REVIEW, ImmersionStatus.ACCEPTED_BY_COUNSELLOR),
        ).count(),
        "open_offers": open_offers,
        "to_recontact": list(to_recontact[:5]),
        "to_recontact_total": to_recontact.count(),
        "year": year,
    }
