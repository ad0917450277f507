"""The data-quality panel: completeness of the key fields, freshness of the CAF/MSA imports, consistency checks —
each with its count and the persons to fix, in the actor's reach.

A contract ending before it starts is no check here: the database refuses it (constraint
`contract_ends_after_start`)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from jalon.core.aggregates import actor_scope, kept
from jalon.core.periods import add_months
from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor
from jalon.intake.enums import ImportKind, ImportStatus
from jalon.intake.models import ImportRun, SocioProfessionalData, dsp_complete_q
from jalon.notebook.models import Appointment, Contract, Notebook
from jalon.observatory.enums import Unit
from jalon.observatory.indicators.common import membership_on, subject_on
from jalon.observatory.selectors import format_value
from jalon.organisations.models import Membership
from jalon.orientation.delays.selectors import actor_departement_id
from jalon.orientation.models import Orientation, ReferentAssignment
from jalon.people.models import HouseholdMember, Person


# An orientation names its référent; a month on, no référent in office is a path that stalls.
REFERENT_DAYS = 30
# A contract is signed when it starts; a month later an unsigned one is a missing date, not a pending signature.
SIGNATURE_DAYS = 30
# The CAF/MSA send their beneficiaries' flux at least monthly: older than this, an import was missed.
FLUX_STALE_DAYS = 35


def scope(actor: Actor) -> QuerySet:
    """The persons the panel counts: those the actor may see, in the actor's Département."""
    return Person.objects.visible_to(actor).filter(departement_id=actor_departement_id(actor))


def _orientation_in_force(today: date, **filters) -> Exists:
    return Exists(
        Orientation.objects.filter(
            Q(ended_on=None) | Q(ended_on__gt=today), person_id=OuterRef("pk"), decided_on__lte=today, **filters
        )
    )


def _without_referent(today: date, decided_before: date | None = None) -> Q:
    """An orientation in force, and no référent in office: no designation in force (an orientation imported or
    recorded without one), or its référent no longer an active member of the structure (gone, deactivated)."""
    filters = {"decided_on__lt": decided_before} if decided_before else {}
    in_office = Membership.objects.active().filter(
        user_id=OuterRef("referent_id"), organisation_id=OuterRef("organisation_id")
    )
    assignment = ReferentAssignment.objects.filter(
        Q(ended_on=None) | Q(ended_on__gt=today), Exists(in_office), person_id=OuterRef("pk"), started_on__lte=today
    )
    return Q(_orientation_in_force(today, **filters)) & ~Q(Exists(assignment))


def _latest_orientation_on():
    return Subquery(
        Orientation.objects.filter(person_id=OuterRef("pk"), ended_on=None)
        .order_by("-decided_on")
        .values("decided_on")[:1]
    )


def _unsigned_contracts(before: date):
    return Contract.objects.filter(notebook__person_id=OuterRef("pk"), signed_on=None, starts_on__lt=before)


@dataclass(frozen=True)
class Check:
    code: str  # in the URL of its list
    kind: str  # "completude" or "coherence"
    label: str
    population: str  # what the count is taken among
    detail_label: str = ""  # the column the list adds, from the `detail` annotation

    def base(self, qs: QuerySet, today: date) -> QuerySet:
        """The population the check applies to (a completeness share's denominator)."""
        return qs.filter(_BASE[self.code](today))

    def condition(self, today: date) -> Q:
        """What makes a person of the population one to fix."""
        return _TO_FIX[self.code](today)

    def to_fix(self, qs: QuerySet, today: date) -> QuerySet:
        """The persons to fix, annotated with `detail` when the check has one."""
        found = self.base(qs, today).filter(self.condition(today))
        detail = _DETAIL.get(self.code)
        return found.annotate(detail=detail(today)) if detail else found


def _subject(today):
    return subject_on(today)


def _oriented(today):
    return Q(_orientation_in_force(today))


def _with_started_contract(today):
    return Q(Exists(Contract.objects.filter(notebook__person_id=OuterRef("pk"), starts_on__lte=today)))


def _with_active_carnet(today):
    """Carnets still at work: a contract in force or an appointment to come."""
    start_of_day = timezone.make_aware(datetime.combine(today, time.min))
    return Q(Exists(Notebook.objects.filter(person_id=OuterRef("pk")))) & (
        Q(
            Exists(
                Contract.objects.filter(notebook__person_id=OuterRef("pk"), starts_on__lte=today, ends_on__gte=today)
            )
        )
        | Q(
            Exists(
                Appointment.objects.filter(
                    notebook__person_id=OuterRef("pk"), cancelled_at=None, starts_at__gte=start_of_day
                )
            )
        )
    )


def _closure_on():
    return Subquery(
        HouseholdMember.objects.filter(person_id=OuterRef("pk"), household__right__closure_date__isnull=False)
        .order_by("-household__right__closure_date")
        .values("household__right__closure_date")[:1]
    )


def _opening_on():
    return Subquery(
        HouseholdMember.objects.filter(person_id=OuterRef("pk"), household__right__opening_date__isnull=False)
        .order_by("-household__right__opening_date")
        .values("household__right__opening_date")[:1]
    )


_BASE = {
    "nir": _subject,
    "naissance": _subject,
    "commune": _subject,
    "dsp": _subject,
    "referent": _oriented,
    "signature": _with_started_contract,
    "orientation-sans-referent": _oriented,
    "contrat-non-signe": _with_started_contract,
    "sdd-sans-orientation": _subject,
    "droit-clos-carnet-actif": _with_active_carnet,
}
_TO_FIX = {
    "nir": lambda today: Q(nir_hash=""),
    # Plausible: 16 to 110 years old (an RSA applicant is an adult; a young parent may be under 25).
    "naissance": lambda today: (
        Q(birth_date__gt=add_months(today, -16 * 12)) | Q(birth_date__lt=add_months(today, -110 * 12))
    ),
    "commune": lambda today: Q(commune=None),
    "dsp": lambda today: ~Q(Exists(SocioProfessionalData.objects.filter(dsp_complete_q(), person_id=OuterRef("pk")))),
    "referent": lambda today: _without_referent(today),
    "signature": lambda today: Q(Exists(_unsigned_contracts(today + timedelta(days=1)))),
    "orientation-sans-referent": lambda today: _without_referent(today, today - timedelta(days=REFERENT_DAYS)),
    "contrat-non-signe": lambda today: Q(Exists(_unsigned_contracts(today - timedelta(days=SIGNATURE_DAYS)))),
    "sdd-sans-orientation": lambda today: (
        subject_on(today, household__right__opening_date__lte=add_months(today, -12))
        & ~Q(_orientation_in_force(today))
    ),
    "droit-clos-carnet-actif": lambda today: (
        ~Q(Exists(membership_on(today, person_id=OuterRef("pk"))))
        & Q(
            Exists(HouseholdMember.objects.filter(person_id=OuterRef("pk"), household__right__closure_date__lte=today))
        )
    ),
}
_DETAIL = {
    "referent": lambda today: _latest_orientation_on(),
    "orientation-sans-referent": lambda today: _latest_orientation_on(),
    "contrat-non-signe": lambda today: Subquery(
        _unsigned_contracts(today - timedelta(days=SIGNATURE_DAYS)).order_by("starts_on").values("starts_on")[:1]
    ),
    "sdd-sans-orientation": lambda today: _opening_on(),
    "droit-clos-carnet-actif": lambda today: _closure_on(),
}

CHECKS = (
    Check("nir", "completude", "NIR connu", "Personnes soumises aux droits et devoirs"),
    Check(
        "naissance",
        "completude",
        "Date de naissance plausible (16 à 110 ans)",
        "Personnes soumises aux droits et devoirs",
    ),
    Check("commune", "completude", "Commune de résidence connue", "Personnes soumises aux droits et devoirs"),
    Check("dsp", "completude", "DSP complètes", "Personnes soumises aux droits et devoirs"),
    Check(
        "referent",
        "completude",
        "Référent en fonction",
        "Personnes orientées (orientation en cours)",
        "Orientée le",
    ),
    Check(
        "signature", "completude", "Date de signature des contrats commencés", "Personnes ayant un contrat commencé"
    ),
    Check(
        "orientation-sans-referent",
        "coherence",
        f"Orientation depuis plus de {REFERENT_DAYS} jours sans référent en fonction",
        "Personnes orientées (orientation en cours)",
        "Orientée le",
    ),
    Check(
        "contrat-non-signe",
        "coherence",
        f"Contrat commencé depuis plus de {SIGNATURE_DAYS} jours sans date de signature",
        "Personnes ayant un contrat commencé",
        "Contrat commencé le",
    ),
    Check(
        "sdd-sans-orientation",
        "coherence",
        "Soumis aux droits et devoirs sans orientation, droit ouvert depuis plus d'un an",
        "Personnes soumises aux droits et devoirs",
        "Droit ouvert le",
    ),
    Check(
        "droit-clos-carnet-actif",
        "coherence",
        "Droit clos, carnet de bord encore actif (contrat en cours ou rendez-vous à venir)",
        "Personnes dont le carnet de bord est actif",
        "Droit clos le",
    ),
)
BY_CODE = {check.code: check for check in CHECKS}


def check_for(code: str) -> Check:
    try:
        return BY_CODE[code]
    except KeyError as error:
        raise Http404(NOT_FOUND_MESSAGE) from error


@dataclass
class CheckRow:
    check: Check
    to_fix: int
    population: int

    @property
    def filled(self) -> int:
        return self.population - self.to_fix

    @property
    def share(self) -> float | None:
        return self.filled / self.population if self.population else None

    @property
    def share_display(self) -> str:
        return format_value(Unit.RATE, self.share)


def checks_summary(actor: Actor, today: date) -> list[CheckRow]:
    """Each check's count among its population in the actor's reach: one read of each population (four for the ten
    checks), every count of the checks sharing it taken in the same pass. Kept a while (`core.aggregates`)."""
    return kept(
        "quality_summary", (actor_scope(actor), actor_departement_id(actor), today), lambda: _summary(actor, today)
    )


def _summary(actor: Actor, today: date) -> list[CheckRow]:
    qs = scope(actor)
    counts: dict[str, int] = {}
    for population in dict.fromkeys(_BASE.values()):
        checks = [check for check in CHECKS if _BASE[check.code] is population]
        found = qs.filter(population(today)).aggregate(
            population=Count("pk"),
            **{check.code: Count("pk", filter=check.condition(today)) for check in checks},
        )
        counts.update({check.code: found[check.code] for check in checks})
        counts.update({f"{check.code}:population": found["population"] for check in checks})
    return [CheckRow(check, counts[check.code], counts[f"{check.code}:population"]) for check in CHECKS]


def persons_to_fix(actor: Actor, check: Check, today: date) -> QuerySet:
    return (
        check.to_fix(scope(actor), today)
        .select_related("commune")
        .order_by("normalized_last_name", "normalized_first_name", "pk")
    )


@dataclass
class Freshness:
    kind_label: str
    last_done: datetime | None
    age_days: int | None
    stale: bool
    last_failed: datetime | None


def imports_freshness(actor: Actor, now: datetime) -> list[Freshness]:
    """The last successful import of each kind for the actor's Département, its age, and the last failure after it."""
    runs = ImportRun.objects.filter(departement_id=actor_departement_id(actor))
    done = dict(
        runs.filter(status__in=[ImportStatus.DONE, ImportStatus.ALREADY_IMPORTED])
        .values("kind")
        .annotate(last=Max(F("finished_at")))
        .values_list("kind", "last")
    )
    failed = dict(
        runs.filter(status=ImportStatus.FAILED)
        .values("kind")
        .annotate(last=Max("created_at"))
        .values_list("kind", "last")
    )
    rows = []
    for kind, label in ImportKind.choices:
        last = done.get(kind)
        age = (now - last).days if last else None
        last_failure = failed.get(kind)
        if last and last_failure and last_failure < last:
            last_failure = None  # a failure mended by a later success is not news
        stale = kind == ImportKind.CAF_FLUX and (age is None or age > FLUX_STALE_DAYS)
        rows.append(Freshness(label, last, age, stale, last_failure))
    return rows
