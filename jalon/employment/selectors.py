"""Reads of the employment room: the offers of the département (search, CSV), the people of the actor's caseload
whose professional projects match an offer (and the offers matching a person), each match explained like the offer
search explains its results (« Pourquoi ce résultat »: same job or same ROME code, distance from home, mobility,
contract sought) with the person's freins shown; the exit a hire or a training proposes, prefilled.

Every list is a constant number of queries whatever the size of the caseload or of the offers."""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, When
from django.utils import timezone

from jalon.core.scoping import Actor, get_visible_or_404
from jalon.employment.enums import OfferContract, OfferStatus
from jalon.employment.models import JobOffer, Positioning, PositioningStep, TrainingEntry
from jalon.exits.enums import EmploymentContract
from jalon.exits.models import ExitType, PositiveRule
from jalon.notebook.enums import ContractWanted, FreinStatus
from jalon.notebook.followup.selectors import caseload
from jalon.notebook.models import NotebookFrein, ProfessionalProject
from jalon.offer.directory.selectors import format_km
from jalon.offer.measures.models import Measure, MeasureKind
from jalon.people.models import Person
from jalon.territories.geocoding import geocoded_point
from jalon.territories.geography import Point, haversine_km, squared_degrees_expression


PAGE_SIZE = 25
MATCHES_SHOWN = 100
TIMED_CONTRACTS = (OfferContract.CDD, OfferContract.INTERIM, OfferContract.SEASONAL, OfferContract.APPRENTICESHIP)
# What the person seeks (carnet) for each contract offered.
CONTRACT_SOUGHT = {
    OfferContract.CDI: ContractWanted.CDI,
    OfferContract.CDD: ContractWanted.CDD,
    OfferContract.INTERIM: ContractWanted.TEMPORARY,
    OfferContract.SEASONAL: ContractWanted.SEASONAL,
    OfferContract.APPRENTICESHIP: ContractWanted.APPRENTICESHIP,
    OfferContract.SIAE: ContractWanted.IAE,
}


# --- offers -----------------------------------------------------------------------------------------------------


def offer_for(*, actor: Actor, pk) -> JobOffer:
    return get_visible_or_404(
        JobOffer.objects.visible_to(actor).select_related(
            "appellation", "rome", "commune", "employer_commune", "organisation", "published_by"
        ),
        pk=pk,
    )


def offers_search(*, actor: Actor, rome: str = "", commune=None, status: str = OfferStatus.OPEN) -> QuerySet:
    """The département's offers, newest first; `rome` is a ROME code (« N1103 ») or words of the job title."""
    qs = JobOffer.objects.visible_to(actor).select_related("appellation", "commune")
    if status:
        qs = qs.filter(status=status)
    rome = (rome or "").strip()
    if rome:
        qs = qs.filter(Q(rome_id=rome.upper()) | Q(appellation__label__icontains=rome) | Q(title__icontains=rome))
    if commune is not None:
        qs = qs.filter(commune=commune)
    return qs.order_by("-published_on", "-pk")


def offers_page(qs: QuerySet, page_number) -> Page:
    return Paginator(qs, PAGE_SIZE).get_page(page_number)


def offers_csv_rows(qs: QuerySet):
    yield [
        "Offre",
        "Employeur",
        "SIRET",
        "Code ROME",
        "Métier",
        "Contrat",
        "Heures par semaine",
        "Commune",
        "Publiée le",
        "À pourvoir avant le",
        "Clause sociale",
        "Métier en tension",
        "Postes",
        "Statut",
    ]
    for offer in qs.iterator(chunk_size=500):
        yield [
            offer.pk,
            offer.employer_name,
            offer.employer_siret,
            offer.rome_id,
            offer.appellation.label,
            offer.get_contract_display(),
            str(offer.weekly_hours).replace(".", ","),
            offer.commune.name,
            offer.published_on.strftime("%d/%m/%Y"),
            offer.fill_by.strftime("%d/%m/%Y") if offer.fill_by else "",
            "oui" if offer.social_clause else "non",
            "oui" if offer.in_tension else "non",
            offer.positions,
            offer.get_status_display(),
        ]


# --- matching ---------------------------------------------------------------------------------------------------


def _place(latitude, longitude) -> tuple[float, float] | None:
    return (latitude, longitude) if latitude is not None and longitude is not None else None


def home_of(person: Person) -> Point | None:
    """Where distances are measured from: the person's geocoded address, else their commune's centre."""
    home = geocoded_point(person)
    if home is not None:
        return Point(*home, "de l'adresse de la personne")
    commune = person.commune
    if commune is not None and commune.latitude is not None and commune.longitude is not None:
        return Point(commune.latitude, commune.longitude, f"du centre de {commune.name}")
    return None


@dataclass
class Match:
    person: Person
    offer: JobOffer
    reasons: list[str]
    freins: list[str] = field(default_factory=list)
    distance_km: float | None = None
    positioning: Positioning | None = None

    @property
    def distance_text(self) -> str:
        return "" if self.distance_km is None else format_km(self.distance_km)


def _explain(
    offer: JobOffer, projects: list[ProfessionalProject], origin: Point | None
) -> tuple[list[str], float | None]:
    """Why the person and the offer meet, in short French sentences (no query: from rows already read)."""
    reasons: list[str] = []
    same_job = [p for p in projects if p.appellation_id == offer.appellation_id]
    same_code = [
        p
        for p in projects
        if p not in same_job and offer.rome_id in (p.rome_id, p.appellation.rome_id if p.appellation else None)
    ]
    if same_job:
        reasons.append(
            f"même métier : {offer.appellation.label}" + (" (projet principal)" if same_job[0].is_main else "")
        )
    elif same_code:
        reasons.append(f"même code ROME {offer.rome_id} : projet « {same_code[0]} »")
    project = (same_job or same_code or [None])[0]
    kilometres = None
    place = _place(offer.commune.latitude, offer.commune.longitude)
    if origin is not None and place is not None:
        kilometres = round(haversine_km(origin.latitude, origin.longitude, *place), 1)
        reasons.append(f"à {format_km(kilometres)} {origin.label} (lieu de travail : {offer.commune.name})")
        if project is not None and project.mobility_km is not None:
            if kilometres > project.mobility_km:
                reasons.append(f"au-delà de sa mobilité ({project.mobility_km} km)")
            else:
                reasons.append(f"dans sa mobilité ({project.mobility_km} km)")
    else:
        reasons.append("distance inconnue : adresse de la personne ou commune du poste non située")
    sought = CONTRACT_SOUGHT.get(offer.contract)
    if project is not None and project.contract_types:
        if sought is not None and sought in project.contract_types:
            reasons.append(f"contrat recherché : {offer.get_contract_display()}")
        else:
            reasons.append(f"contrat proposé ({offer.get_contract_display()}) hors de ceux qu'elle recherche")
    return reasons, kilometres


def _open_freins(person_ids) -> dict[int, list[str]]:
    """The freins the carnet marks as a need (mobility, childcare…), per person: one query."""
    found: dict[int, list[str]] = {}
    rows = (
        NotebookFrein.objects.filter(notebook__person_id__in=person_ids, status=FreinStatus.NEED, resolved_on=None)
        .order_by("category__position", "category__label")
        .values_list("notebook__person_id", "category__label")
    )
    for person_id, label in rows:
        found.setdefault(person_id, []).append(label)
    return found


def offer_matches(*, actor: Actor, offer: JobOffer, limit: int = MATCHES_SHOWN) -> list[Match]:
    """The people of the actor's caseload whose carnet names the offer's job or ROME code, the closest to the
    workplace first. Four queries: the people, their projects, their freins, their positionings on the offer."""
    projects = ProfessionalProject.objects.filter(notebook__person_id=OuterRef("pk")).filter(
        Q(appellation_id=offer.appellation_id) | Q(rome_id=offer.rome_id) | Q(appellation__rome_id=offer.rome_id)
    )
    people = Person.objects.filter(pk__in=caseload(actor).values("person_id")).filter(Exists(projects))
    place = _place(offer.commune.latitude, offer.commune.longitude)
    order = []
    if place is not None:
        origin = Point(place[0], place[1], "")
        people = people.annotate(
            home_latitude=Case(
                When(~Q(geocoded_address="") & Q(latitude__isnull=False), then=F("latitude")),
                default=F("commune__latitude"),
            ),
            home_longitude=Case(
                When(~Q(geocoded_address="") & Q(latitude__isnull=False), then=F("longitude")),
                default=F("commune__longitude"),
            ),
            distance_sq=squared_degrees_expression(origin, F("home_latitude"), F("home_longitude")),
        )
        order = [F("distance_sq").asc(nulls_last=True)]
    people_list = list(
        people.select_related("commune").order_by(*order, "normalized_last_name", "normalized_first_name", "pk")[
            :limit
        ]
    )
    return _matches(offers={offer.pk: offer}, pairs=[(person, offer) for person in people_list])


def _matches(*, offers: dict, pairs: list[tuple[Person, JobOffer]]) -> list[Match]:
    person_ids = {person.pk for person, _ in pairs}
    by_person: dict[int, list[ProfessionalProject]] = {}
    for project in ProfessionalProject.objects.filter(notebook__person_id__in=person_ids).select_related(
        "appellation", "rome", "notebook"
    ):
        by_person.setdefault(project.notebook.person_id, []).append(project)
    freins = _open_freins(person_ids)
    positionings = {
        (p.person_id, p.offer_id): p
        for p in Positioning.objects.filter(person_id__in=person_ids, offer_id__in=list(offers))
    }
    matches = []
    for person, offer in pairs:
        reasons, kilometres = _explain(offer, by_person.get(person.pk, []), home_of(person))
        matches.append(
            Match(
                person=person,
                offer=offer,
                reasons=reasons,
                freins=freins.get(person.pk, []),
                distance_km=kilometres,
                positioning=positionings.get((person.pk, offer.pk)),
            )
        )
    return matches


def person_offer_matches(*, person: Person, limit: int = MATCHES_SHOWN) -> list[Match]:
    """The open offers of the person's département that name a job or ROME code of their carnet's projects, the
    closest first. Four queries."""
    projects = ProfessionalProject.objects.filter(notebook__person=person)
    appellations = projects.exclude(appellation=None).values("appellation_id")
    codes = {code for pair in projects.values_list("rome_id", "appellation__rome_id") for code in pair if code}
    offers = list(
        JobOffer.objects.open()
        .filter(departement_id=person.departement_id)
        .filter(Q(appellation_id__in=appellations) | Q(rome_id__in=codes))
        .select_related("appellation", "commune")
        .order_by("-published_on", "-pk")[:limit]
    )
    origin = home_of(person)

    def distance(offer):
        place = _place(offer.commune.latitude, offer.commune.longitude)
        if origin is None or place is None:
            return float("inf")
        return haversine_km(origin.latitude, origin.longitude, *place)

    offers.sort(key=distance)
    return _matches(offers={offer.pk: offer for offer in offers}, pairs=[(person, offer) for offer in offers])


# --- positionings and trainings ---------------------------------------------------------------------------------


def offer_positionings(*, actor: Actor, offer: JobOffer) -> list[Positioning]:
    return list(
        Positioning.objects.visible_to(actor)
        .filter(offer=offer)
        .select_related("person", "organisation", "positioned_by")
        .order_by("-status_on", "pk")
    )


def positioning_for(*, actor: Actor, pk) -> Positioning:
    return get_visible_or_404(
        Positioning.objects.visible_to(actor).select_related(
            "person", "offer__appellation", "offer__commune", "organisation", "exit"
        ),
        pk=pk,
    )


def training_for(*, actor: Actor, pk) -> TrainingEntry:
    return get_visible_or_404(TrainingEntry.objects.visible_to(actor).select_related("person", "exit"), pk=pk)


def person_positionings(*, person: Person) -> list[Positioning]:
    return list(
        Positioning.objects.filter(person=person)
        .select_related("person", "offer__appellation", "offer__commune", "organisation")
        .prefetch_related(Prefetch("steps", queryset=PositioningStep.objects.select_related("organisation")))
        .order_by("-status_on", "-pk")
    )


def person_trainings(*, person: Person) -> list[TrainingEntry]:
    return list(TrainingEntry.objects.filter(person=person).order_by("-starts_on", "-pk"))


# --- the exit a hire or a training proposes ---------------------------------------------------------------------


def hire_exit_type_code(offer: JobOffer) -> str:
    """The exit type a hire on this offer usually means (the default typology's codes)."""
    if offer.contract == OfferContract.CDI:
        return "cdi"
    if offer.contract == OfferContract.AIDED:
        return "pec"
    if offer.contract == OfferContract.SIAE:
        return "siae"
    return "cdd_6_plus" if (offer.duration_months or 0) >= 6 else "cdd_less_6"


def _exit_contract(offer: JobOffer) -> str:
    code = hire_exit_type_code(offer)
    if offer.contract == OfferContract.APPRENTICESHIP:
        return EmploymentContract.APPRENTICESHIP
    return {
        "cdi": EmploymentContract.CDI,
        "pec": EmploymentContract.AIDED,
        "siae": EmploymentContract.SIAE,
        "cdd_6_plus": EmploymentContract.CDD_LONG,
        "cdd_less_6": EmploymentContract.CDD_SHORT,
    }[code]


def _exit_type(departement_id, code: str) -> ExitType | None:
    return ExitType.objects.filter(departement_id=departement_id, code=code, is_active=True).first()


def hire_exit_initial(positioning: Positioning) -> dict:
    """The exit form, prefilled from the hire: type from the contract, date of hire, employer, job."""
    offer = positioning.offer
    return {
        "exit_type": _exit_type(positioning.person.departement_id, hire_exit_type_code(offer)),
        "exited_on": positioning.hired_on,
        "reason": f"Embauche sur l'offre « {offer} » (positionnement du {positioning.created_at:%d/%m/%Y}).",
        "evidence": "",
        "contract": _exit_contract(offer),
        "job_title": (offer.title or offer.appellation.label)[:150],
        # The directory's establishment when the offer has one (its name and SIRET follow), else what was typed.
        "employer": offer.employer,
        "employer_name": "" if offer.employer_id else offer.employer_name,
        "employer_siret": "" if offer.employer_id else offer.employer_siret,
    }


TRAINING_EXIT_TYPE = "formation"


def training_exit_initial(training: TrainingEntry) -> dict:
    return {
        "exit_type": _exit_type(training.person.departement_id, TRAINING_EXIT_TYPE),
        "exited_on": training.outcome_on,
        "reason": f"Formation qualifiante {training.get_outcome_display()} : {training.title} ({training.provider}).",
        "evidence": "attestation de fin de formation" if training.outcome != "certifiee" else "certification obtenue",
    }


def counts_as_positive(*, departement_id, code: str, day: datetime.date | None) -> tuple[bool, int] | None:
    """Whether an exit of type `code` on `day` is positive under the Département's rule then in force, and the
    rule's version (None when no rule is in force)."""
    if day is None:
        return None
    rule = PositiveRule.objects.in_force_on(departement_id, day).order_by("-version").first()
    if rule is None:
        return None
    return code in rule.positive_codes, rule.version


def ended_measures(*, person: Person, today: datetime.date | None = None) -> list[Measure]:
    """The person's IAE and PEC contracts that have ended, with what was decided about the exit (if anything)."""
    today = today or timezone.localdate()
    return list(
        Measure.objects.filter(person=person, kind__in=(MeasureKind.IAE, MeasureKind.PEC), ends_on__lte=today)
        .select_related("exit_decision", "employer")
        .order_by("-ends_on", "-pk")
    )


def measure_for(*, actor: Actor, pk) -> Measure:
    """An IAE or PEC measure of a person the actor sees."""
    return get_visible_or_404(
        Measure.objects.filter(
            person__in=Person.objects.visible_to(actor), kind__in=(MeasureKind.IAE, MeasureKind.PEC)
        ).select_related("person", "employer", "exit_decision"),
        pk=pk,
    )


def measure_exit_initial(measure: Measure) -> dict:
    """The exit form, prefilled from the measure: its end date, its employer (the directory's when linked)."""
    period = f"du {measure.starts_on:%d/%m/%Y} au {measure.ends_on:%d/%m/%Y}" if measure.ends_on else ""
    where = f" chez {measure.employer_name}" if measure.employer_name else ""
    return {
        "exit_type": None,
        "exited_on": measure.ends_on,
        "reason": f"À l'issue de la mesure {measure.get_kind_display()} {period}{where}.",
        "evidence": "",
        "employer": measure.employer,
        "employer_name": "" if measure.employer_id else measure.employer_name,
        "employer_siret": "" if measure.employer_id else measure.employer_siret,
    }
