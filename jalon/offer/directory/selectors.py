"""Reads of the directory: the search for professionals (explained results), the services an actor manages, the
stale services, and the coverage of the offer per thématique and territory ("zones blanches").

The published offer is public information (data·inclusion publishes it as open data): the search shows only
published services, to every professional. Drafts and archived services are seen by those who manage them: the
members of the structure's Jalon organisation and the Département's administrators (`structures_manageable_by`).
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When, Window
from django.db.models.functions import Coalesce
from django.utils import timezone

from jalon.core.periods import add_months
from jalon.core.scoping import Actor, get_visible_or_404
from jalon.offer.directory.text import query_words, text_relevance
from jalon.offer.enums import OfferStatus
from jalon.offer.models import FundingLabel, Service, Structure
from jalon.offer.referentials import NATIONAL_ZONE_CODES, THEMATIQUE_SEPARATOR, codes, label, thematiques_expand
from jalon.territories.geography import Point, haversine_km, squared_degrees, squared_degrees_expression
from jalon.territories.models import Commune, Territory


PAGE_SIZE = 25
STALE_MONTHS_DEFAULT = 6
DISTANCES_KM = (5, 10, 20, 30, 50)
SORT_BY_DISTANCE = "distance"
# Services a person uses from home (« à distance » only): no distance, never left out by a maximum distance.
REMOTE_ONLY = Q(reception_modes__has_any=["a-distance"]) & ~Q(reception_modes__has_any=["en-presentiel"])


def stale_months() -> int:
    return int(getattr(settings, "JALON_OFFER_STALE_MONTHS", STALE_MONTHS_DEFAULT))


def stale_cutoff(today: datetime.date | None = None) -> datetime.date:
    return add_months(today or timezone.localdate(), -stale_months())


def is_stale(service: Service, cutoff: datetime.date) -> bool:
    return (service.last_confirmed_on or service.updated_on) < cutoff


# --- search ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchCriteria:
    """What a professional looks for. `thematiques` holds categories (`mobilite`) or sub-thématiques."""

    commune: Commune | None = None
    thematiques: tuple[str, ...] = ()
    public: str = ""
    kind: str = ""
    funding_label: FundingLabel | None = None
    text: str = ""
    # Where distances are measured from (the person's geocoded address, or their commune's centre), the furthest a
    # service on site may be, and whether the closest come first.
    origin: Point | None = None
    max_km: int | None = None
    sort: str = ""

    @property
    def words(self) -> list[str]:
        return query_words(self.text)

    @property
    def by_distance(self) -> bool:
        return self.sort == SORT_BY_DISTANCE

    def zone_codes(self) -> dict[str, str]:
        """The zone codes that make a service eligible for the commune, each with its French explanation."""
        commune = self.commune
        if commune is None:
            return {}
        found = {commune.code: f"{commune.name} (commune)"}
        if commune.epci is not None:
            found[commune.epci.code] = f"{commune.epci.name} (EPCI)"
        found[commune.departement_id] = f"{commune.departement.name} (département)"
        for code in NATIONAL_ZONE_CODES:
            found[code] = "national"
        return found


def criteria_check(criteria: SearchCriteria) -> None:
    """Refuse, in French, codes the data·inclusion referentials do not know (a URL may hold anything)."""
    if criteria.thematiques:
        thematiques_expand(criteria.thematiques)
    if criteria.public and criteria.public not in codes("publics"):
        raise ValidationError({"public": f"Public inconnu du référentiel data·inclusion : {criteria.public}."})
    if criteria.kind and criteria.kind not in codes("types"):
        raise ValidationError({"kind": f"Type de service inconnu du référentiel data·inclusion : {criteria.kind}."})
    if (criteria.max_km or criteria.by_distance) and criteria.origin is None:
        field_name = "distance" if criteria.max_km else "sort"
        if criteria.commune is None:
            raise ValidationError({field_name: "Indiquez la commune de la personne pour chercher par distance."})
        raise ValidationError(
            {
                field_name: f"La position de {criteria.commune.name} n'est pas connue de Jalon : "
                "cherchez sans distance (ou faites charger les centres des communes)."
            }
        )


def search_origin(commune: Commune | None, home: Point | None = None) -> Point | None:
    """Where distances are measured from: the person's geocoded address when the search is for their own commune,
    otherwise the commune's centre (None when the commune has no known point)."""
    if commune is None:
        return None
    if home is not None:
        return home
    if commune.latitude is None or commune.longitude is None:
        return None
    return Point(commune.latitude, commune.longitude, f"du centre de {commune.name}")


def with_distance(qs: QuerySet, origin: Point) -> QuerySet:
    """Each service's place (its own coordinates, else its commune's centre) and its squared distance to `origin`
    (`squared_degrees_expression`); no distance for services à distance only, nor for a place unknown."""
    return qs.annotate(
        place_latitude=Coalesce("latitude", "commune__latitude"),
        place_longitude=Coalesce("longitude", "commune__longitude"),
        distance_sq=Case(
            When(REMOTE_ONLY, then=Value(None)),
            default=squared_degrees_expression(origin, F("place_latitude"), F("place_longitude")),
        ),
    )


def services_matching(criteria: SearchCriteria, *, queryset: QuerySet | None = None) -> QuerySet:
    """Published services matching the criteria: with words, the most relevant first (then by name); by name
    otherwise. The closest first instead when sorted by distance. One query."""
    base: Any = queryset if queryset is not None else Service.objects.all()
    qs = base.published()
    if criteria.commune is not None:
        qs = qs.eligible_for_commune(criteria.commune)
    if criteria.thematiques:
        qs = qs.with_thematique(list(criteria.thematiques))
    if criteria.public:
        qs = qs.with_public([criteria.public])
    if criteria.kind:
        qs = qs.filter(kind=criteria.kind)
    if criteria.funding_label is not None:
        labelled = Service.funding_labels.through.objects.filter(
            service_id=OuterRef("pk"), fundinglabel_id=criteria.funding_label.pk
        )
        qs = qs.filter(Exists(labelled))
    first: list = []
    if criteria.origin is not None:
        qs = with_distance(qs, criteria.origin)
        if criteria.max_km:
            qs = qs.filter(REMOTE_ONLY | Q(distance_sq__lte=squared_degrees(criteria.max_km)))
        if criteria.by_distance:
            first = [F("distance_sq").asc(nulls_last=True)]
    words = criteria.words
    if not words:
        return qs.order_by(*first, "name", "pk")
    if connections[qs.db].vendor == "postgresql":
        # The stored weighted vector (name A, description B, structure C; decision 0040): its GIN index finds the
        # matches, `ts_rank` reads it back. Ties (same words in the same parts) by name, then key: a stable order.
        query = SearchQuery(" ".join(words), config="french", search_type="plain")
        qs = qs.filter(search_vector=query).annotate(relevance=SearchRank(F("search_vector"), query))
        return qs.order_by(*first, F("relevance").desc(), "name", "pk")
    # SQLite (the demo): every word in `search_text`, ordered by where the words start (the name comes first).
    for word in words:
        qs = qs.filter(search_text__icontains=word)
    return qs.annotate(relevance=text_relevance("search_text", words)).order_by(*first, "relevance", "name", "pk")


def service_labels(service: Service) -> dict[str, str]:
    """The service's codes in words (labels from the data·inclusion package), for the screens."""
    return {
        "kind": label("types", service.kind) if service.kind else "",
        "fee": label("frais", service.fee) if service.fee else "",
        "thematiques": ", ".join(label("thematiques", code) for code in service.thematiques),
        "publics": ", ".join(label("publics", code) for code in service.publics),
        "reception_modes": ", ".join(label("modes_accueil", code) for code in service.reception_modes),
        "mobilisation_modes": ", ".join(label("modes_mobilisation", code) for code in service.mobilisation_modes),
        "mobilisable_by": ", ".join(label("mobilisable_par", code) for code in service.mobilisable_by),
        "eligibility_zone": ", ".join(service.eligibility_zone),
    }


@dataclass
class SearchHit:
    service: Service
    reasons: list[str]
    stale: bool
    distance_km: float | None = None

    @property
    def distance_text(self) -> str:
        return "" if self.distance_km is None else format_km(self.distance_km)

    @property
    def labels(self) -> dict[str, str]:
        return service_labels(self.service)


@dataclass
class SearchResults:
    criteria: SearchCriteria
    page: Page
    hits: list[SearchHit] = field(default_factory=list)


def _thematique_label(code: str) -> str:
    category = code.split(THEMATIQUE_SEPARATOR)[0]
    if category == code:
        return label("categories", code).lower()
    return f"{label('categories', category).lower()} ({label('thematiques', code)})"


def distance_km(service: Service, origin: Point | None) -> float | None:
    """The great-circle distance from `origin` to the service's place (read with the search), rounded to 0.1 km."""
    if origin is None or getattr(service, "distance_sq", None) is None:
        return None
    place = (getattr(service, "place_latitude"), getattr(service, "place_longitude"))  # noqa: B009 (annotations)
    return round(haversine_km(origin.latitude, origin.longitude, *place), 1)


def format_km(kilometres: float) -> str:
    return "moins de 1 km" if kilometres < 1 else f"{kilometres:.0f} km"


def _distance_reason(service: Service, criteria: SearchCriteria) -> str:
    assert criteria.origin is not None
    kilometres = distance_km(service, criteria.origin)
    if kilometres is not None:
        if kilometres == 0 and service.latitude is None:
            return f"dans la commune même ({service.commune_name or criteria.origin.label}), sans adresse précise"
        text = f"à {format_km(kilometres)} {criteria.origin.label}"
        if service.latitude is None:
            text += f" (lieu d'accueil : centre de {service.commune_name or 'sa commune'})"
        return text
    if service.reception_modes and "en-presentiel" not in service.reception_modes:
        return "accueil à distance : sans déplacement"
    return "distance inconnue : lieu d'accueil non renseigné"


def explain(service: Service, criteria: SearchCriteria, zone_codes: dict[str, str] | None = None) -> list[str]:
    """Why the service is in the results, in short French sentences (no query: from the row's own values)."""
    reasons = []
    if criteria.origin is not None:
        reasons.append(_distance_reason(service, criteria))
    zone_codes = criteria.zone_codes() if zone_codes is None else zone_codes
    if zone_codes:
        zone = set(service.eligibility_zone)
        matched = list(dict.fromkeys(text for code, text in zone_codes.items() if code in zone))
        reasons.append("éligible : " + " / ".join(matched))
    if criteria.thematiques:
        wanted = set(thematiques_expand(criteria.thematiques))
        found = [code for code in service.thematiques if code in wanted]
        reasons.append("thématique : " + ", ".join(_thematique_label(code) for code in found))
    if criteria.public:
        reasons.append(f"public : {label('publics', criteria.public).lower()}")
    if criteria.kind:
        reasons.append(f"type : {label('types', criteria.kind).lower()}")
    if criteria.funding_label is not None:
        reasons.append(f"label : {criteria.funding_label.label}")
    words = criteria.words
    if words:
        text_words = set(service.search_text.split())
        found_words = [word for word in words if word in text_words]
        close_words = [word for word in words if word not in text_words and word in service.search_text]
        if found_words:
            reasons.append("mots trouvés : " + ", ".join(found_words))
        if close_words or not found_words:
            reasons.append("mots de la même famille : " + ", ".join(close_words or words))
    return reasons


class _CountedPaginator(Paginator):
    """A paginator whose count is already known (read with the page, by `COUNT(*) OVER ()`)."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:  # type: ignore[override]
        return self._known_count


def _page_number(value) -> int:
    try:
        number = int(value or 1)
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


def _page_with_count(qs: QuerySet, page_number) -> Page:
    """The page and the number of results in ONE scan of the matches: `COUNT(*) OVER ()` rides along the page
    (a separate `COUNT(*)` would evaluate the whole search a second time). Past the last page, like
    `Paginator.get_page`, the last page is given."""
    number = _page_number(page_number)
    counted = qs.annotate(total_count=Window(Count("pk")))
    rows = list(counted[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
    if rows:
        total = rows[0].total_count
    else:
        total = qs.count() if number > 1 else 0
        if total:
            number = (total + PAGE_SIZE - 1) // PAGE_SIZE
            rows = list(counted[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
        else:
            number = 1
    paginator = _CountedPaginator(qs, PAGE_SIZE, count=total)
    return Page(rows, number, paginator)


def service_search(*, actor: Actor, criteria: SearchCriteria, page_number=1) -> SearchResults:
    """The search of professionals: published services only, 25 per page, each result explained. Three queries
    whatever the number of services: the page with the count of results, its structures, its funding labels."""
    criteria_check(criteria)
    # The structures by a second query on the page's 25 keys: joined in the search, PostgreSQL would hash the whole
    # table of structures before the sort and limit.
    # The vector is ranked in SQL, never shown: left out of the rows, which the window of the count carries whole.
    qs = services_matching(criteria).defer("search_vector").prefetch_related("structure", "funding_labels")
    page = _page_with_count(qs, page_number)
    cutoff = stale_cutoff()
    zone_codes = criteria.zone_codes()
    hits = [
        SearchHit(
            service=service,
            reasons=explain(service, criteria, zone_codes),
            stale=is_stale(service, cutoff),
            distance_km=distance_km(service, criteria.origin),
        )
        for service in page.object_list
    ]
    return SearchResults(criteria=criteria, page=page, hits=hits)


def commune_find(value: str) -> Commune:
    """A commune from its INSEE code, its name, or « Nom (code) »; a French ValidationError otherwise."""
    value = (value or "").strip()
    qs = Commune.objects.select_related("epci", "departement")
    if value.endswith(")") and "(" in value:
        value = value.rsplit("(", 1)[1].rstrip(")").strip()
    if len(value) == 5 and value.isalnum():
        commune = qs.filter(code=value.upper()).first()
        if commune is not None:
            return commune
    matches = list(qs.filter(name__iexact=value)[:2])
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise ValidationError(
            "Plusieurs communes portent ce nom : précisez le code INSEE, par exemple « %(name)s (%(code)s) ».",
            params={"name": matches[0].name, "code": matches[0].code},
        )
    raise ValidationError("Commune inconnue : « %(value)s » (nom ou code INSEE attendu).", params={"value": value})


def funding_labels_for(actor: Actor) -> QuerySet:
    """National labels and those of the actor's Département."""
    return FundingLabel.objects.filter(Q(departement=None) | Q(departement_id=actor.departement_code))


# --- detail pages ------------------------------------------------------------------------------------------------


def structures_manageable_by(actor: Actor) -> QuerySet:
    """Structures whose services the actor keeps up to date: the structure's own Jalon organisation (any role),
    every structure of the Département for its administrators, everything for the platform superuser."""
    if actor.is_platform_admin:
        return Structure.objects.all()
    if actor.organisation is None:
        return Structure.objects.none()
    scope = Q(organisation_id=actor.organisation_id)
    if actor.is_departement_admin:
        scope |= Q(departement_id=actor.departement_code) | Q(organisation__departement_id=actor.departement_code)
    return Structure.objects.filter(scope)


STRUCTURES_LISTED = 20


@dataclass
class StructureChoice:
    """The structures an actor may add a service to, filtered by a part of their name, at most 20 listed."""

    query: str
    listed: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.listed)


def structures_to_add_to(actor: Actor, query: str = "") -> StructureChoice:
    query = (query or "").strip()
    qs = structures_manageable_by(actor)
    if query:
        qs = qs.filter(name__icontains=query)
    listed = list(qs.order_by("name", "pk")[:STRUCTURES_LISTED])
    total = len(listed) if len(listed) < STRUCTURES_LISTED else qs.count()
    return StructureChoice(query=query, listed=listed, total=total)


def services_manageable_by(actor: Actor) -> QuerySet:
    return Service.objects.filter(structure__in=structures_manageable_by(actor).values("pk"))


def services_visible_to(actor: Actor) -> QuerySet:
    """Published services for every professional; the other statuses for those who manage them."""
    return Service.objects.filter(
        Q(status=OfferStatus.PUBLISHED) | Q(pk__in=services_manageable_by(actor).values("pk"))
    )


@dataclass
class ServicePage:
    service: Service
    can_manage: bool
    stale: bool

    @property
    def labels(self) -> dict[str, str]:
        return service_labels(self.service)


def service_detail(*, actor: Actor, pk) -> ServicePage:
    service = get_visible_or_404(
        services_visible_to(actor).select_related("structure").prefetch_related("funding_labels", "target_freins"),
        pk=pk,
    )
    can_manage = services_manageable_by(actor).filter(pk=service.pk).exists()
    return ServicePage(service=service, can_manage=can_manage, stale=is_stale(service, stale_cutoff()))


@dataclass
class StructurePage:
    structure: Structure
    services: list[Service]
    can_manage: bool


def structure_detail(*, actor: Actor, pk) -> StructurePage:
    """A structure with its services: published ones for everybody, all of them for its managers. A structure
    without any published service is found only by its managers."""
    can_manage_qs = structures_manageable_by(actor)
    visible = Structure.objects.filter(
        Q(pk__in=can_manage_qs.values("pk")) | Q(Exists(Service.objects.published().filter(structure=OuterRef("pk"))))
    )
    structure = get_visible_or_404(visible, pk=pk)
    can_manage = can_manage_qs.filter(pk=structure.pk).exists()
    services = Service.objects.filter(structure=structure)
    if not can_manage:
        services = services.published()
    return StructurePage(structure=structure, services=list(services.order_by("name")), can_manage=can_manage)


def structure_manageable(*, actor: Actor, pk) -> Structure:
    return get_visible_or_404(structures_manageable_by(actor), pk=pk)


def service_manageable(*, actor: Actor, pk) -> Service:
    return get_visible_or_404(services_manageable_by(actor).select_related("structure"), pk=pk)


@dataclass
class ManagedService:
    service: Service
    stale: bool


def managed_services(*, actor: Actor, page_number=None, per_page: int = 50) -> Page:
    """One page of the services the actor keeps up to date, the stale ones first (a Département's administrator
    keeps hundreds); its rows are `ManagedService`. Two queries."""
    cutoff = stale_cutoff()
    qs = (
        services_manageable_by(actor)
        .select_related("structure")
        .alias(freshness=Coalesce("last_confirmed_on", "updated_on"))
        .order_by("freshness", "structure__name", "name", "pk")
    )
    page = Paginator(qs, per_page).get_page(page_number)
    page.object_list = [ManagedService(service=service, stale=is_stale(service, cutoff)) for service in page]
    return page


# --- stale services ----------------------------------------------------------------------------------------------


def stale_services(*, months: int | None = None, today: datetime.date | None = None) -> QuerySet:
    """Published services neither confirmed nor modified at their source for `months` months (setting
    `JALON_OFFER_STALE_MONTHS`, 6 by default)."""
    return Service.objects.published().stale(months if months is not None else stale_months(), today=today)


def stale_counts_by_organisation(*, today: datetime.date | None = None) -> dict[int, int]:
    """{organisation id: number of its stale published services}, for the structures that have a Jalon account."""
    rows = (
        stale_services(today=today)
        .filter(structure__organisation__isnull=False)
        .values("structure__organisation")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["structure__organisation"]: row["count"] for row in rows}


# --- coverage ----------------------------------------------------------------------------------------------------

BY_TERRITORY = "territoire"
BY_EPCI = "epci"


@dataclass
class CoverageRow:
    label: str
    counts: list[int]  # per category, in the order of `Coverage.categories`

    @property
    def blank_count(self) -> int:
        return sum(1 for count in self.counts if count == 0)


@dataclass
class Coverage:
    departement_id: str
    grouping: str
    categories: list[tuple[str, str]]  # (code, label)
    rows: list[CoverageRow]

    @property
    def blank_cells(self) -> int:
        return sum(row.blank_count for row in self.rows)


def _groups(departement_id: str, grouping: str, actor: Actor) -> list[tuple[str, set[str]]]:
    """(label, zone codes that make a service eligible somewhere in the group): its communes, their EPCIs, the
    département and the whole country. One query."""
    national = set(NATIONAL_ZONE_CODES) | {departement_id}
    groups: dict[object, tuple[str, set[str]]] = {}
    if grouping == BY_EPCI:
        communes = Commune.objects.filter(departement_id=departement_id, epci__isnull=False)
        for code, epci_id, epci_name in communes.values_list("code", "epci_id", "epci__name").order_by("epci__name"):
            groups.setdefault(epci_id, (epci_name, {epci_id, *national}))[1].add(code)
        return sorted(groups.values(), key=lambda group: group[0])
    territories = Territory.objects.in_departement(departement_id)
    if actor.territory_ids:
        territories = territories.filter(pk__in=actor.territory_ids)
    rows = territories.values_list("pk", "name", "communes__code", "communes__epci_id").order_by("name", "pk")
    for pk, name, commune_code, epci_id in rows:
        codes_ = groups.setdefault(pk, (name, set(national)))[1]
        if commune_code:
            codes_.add(commune_code)
        if epci_id:
            codes_.add(epci_id)
    return list(groups.values())


def offer_coverage(*, actor: Actor, departement_id: str, grouping: str = BY_TERRITORY) -> Coverage:
    """Published services per thématique category × territory (or EPCI) of the Département: a service counts
    for a group when it is eligible for at least one of its communes. A zero is a "zone blanche". Three queries (the
    actor's territories, the groups' communes, the counts, in one scan with one conditional count per cell),
    whatever the number of services."""
    categories = sorted(((code, label("categories", code)) for code in codes("categories")), key=lambda c: c[1])
    groups = _groups(departement_id, grouping, actor)
    if not groups:
        return Coverage(departement_id=departement_id, grouping=grouping, categories=categories, rows=[])
    expanded = {code: thematiques_expand([code]) for code, _ in categories}
    aggregates = {}
    for index, (_label, zone) in enumerate(groups):
        in_group = Q(eligibility_zone__has_any=sorted(zone))
        for code, _category_label in categories:
            aggregates[f"g{index}_{code.replace('-', '_')}"] = Count(
                "pk", filter=in_group & Q(thematiques__has_any=expanded[code])
            )
    all_codes = sorted(set().union(*(zone for _, zone in groups)))
    totals = Service.objects.published().filter(eligibility_zone__has_any=all_codes).aggregate(**aggregates)
    rows = [
        CoverageRow(
            label=group_label,
            counts=[totals[f"g{index}_{code.replace('-', '_')}"] for code, _ in categories],
        )
        for index, (group_label, _zone) in enumerate(groups)
    ]
    return Coverage(departement_id=departement_id, grouping=grouping, categories=categories, rows=rows)


def coverage_rows(coverage: Coverage) -> list[list[str | int]]:
    """The coverage as CSV rows (one line per group × category)."""
    rows: list[list[str | int]] = [["regroupement", "territoire", "thématique", "services", "zone blanche"]]
    for row in coverage.rows:
        for (_code, category_label), count in zip(coverage.categories, row.counts, strict=True):
            rows.append([coverage.grouping, row.label, category_label, count, "oui" if count == 0 else "non"])
    return rows


# --- from a carnet -----------------------------------------------------------------------------------------------


@dataclass
class CarnetPrefill:
    """ "Services pour ce frein": the person's commune and the thématiques the frein maps to."""

    person_pk: int
    commune: Commune | None
    frein_label: str
    thematiques: list[str]
    home: Point | None = None  # the person's geocoded address
    mobility_km: int | None = None  # how far they can go, from their main professional project

    @property
    def distance_choice(self) -> int | None:
        """The search's maximum distance that covers their mobility (none beyond the largest choice)."""
        if self.mobility_km is None:
            return None
        return next((km for km in DISTANCES_KM if km >= self.mobility_km), None)

    def query_defaults(self) -> dict[str, list[str]]:
        """What the search starts from, for what the professional has not chosen (query values, as lists): the
        person's commune, the frein's thématiques, and, when distances can be measured, the closest first within
        their mobility."""
        defaults: dict[str, list[str]] = {}
        if self.commune is not None:
            defaults["commune"] = [self.commune.code]
        if self.thematiques:
            defaults["thematiques"] = list(self.thematiques)
        if search_origin(self.commune, self.home) is not None:
            defaults["sort"] = [SORT_BY_DISTANCE]
            if self.distance_choice:
                defaults["distance"] = [str(self.distance_choice)]
        return defaults

    def home_for(self, commune: Commune | None) -> Point | None:
        """Their address counts while the commune searched is still theirs."""
        return self.home if self.commune is not None and commune == self.commune else None


def carnet_prefill(*, actor: Actor, person_pk, frein_code: str = "") -> CarnetPrefill:
    """What the carnet gives the search. The person's carnet must be reachable by the actor (404 otherwise) and
    the read is traced like every opening of a carnet."""
    from jalon.notebook.access import notebook_access
    from jalon.notebook.models import FreinCategory, ProfessionalProject
    from jalon.people.selectors import person_view_record
    from jalon.territories.geocoding import geocoded_point

    access = notebook_access(actor=actor, person_pk=person_pk)
    person = access.notebook.person
    person_view_record(actor=actor, person=person, screen="offre : services pour un frein")
    commune = None
    if person.commune_id:
        commune = Commune.objects.select_related("epci", "departement").get(pk=person.commune_id)
    frein = FreinCategory.objects.filter(code=frein_code, is_active=True).first() if frein_code else None
    known = codes("categories") | codes("thematiques")
    home_point = geocoded_point(person)
    project = (
        ProfessionalProject.objects.filter(notebook=access.notebook, mobility_km__isnull=False)
        .order_by("-is_main", "-created_at")
        .first()
    )
    return CarnetPrefill(
        person_pk=person.pk,
        commune=commune,
        frein_label=frein.label if frein else "",
        thematiques=[code for code in (frein.thematiques if frein else []) if code in known],
        home=Point(*home_point, "de l'adresse de la personne") if home_point else None,
        mobility_km=project.mobility_km if project else None,
    )
