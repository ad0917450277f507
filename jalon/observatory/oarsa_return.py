"""The DREES OARSA yearly return of a Département, laid out as the questionnaire: its blocks, their rows (with the
breakdowns by RSA seniority and by organisme where the DREES asks them), each figure with its definition, its two
counts (effectif A over effectif B, as the DREES computes its shares and means) and, where the data cannot give it,
the DREES code and the reason:

- « NR » (non-réponse): Jalon holds no RSA right of the Département by 31 December, so it cannot answer at all;
- « NC » (non concerné): a share or a mean over nobody (the denominator is 0);
- « ND » (non disponible): the item cannot be measured from the data (no CER type, no frein mapped to an action
  category, no request dates).

The figures are the engine's (`indicators/oarsa.py`): one definition, the one of the indicator pages."""

from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Paginator
from django.db.models import Min, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from jalon.core.enums import AuditCode
from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor
from jalon.core.services import audit_event_record
from jalon.notebook.models import ContractType
from jalon.observatory.engine import Places, Scope, computation, evaluate, value_of, whole
from jalon.observatory.enums import Dimension, PeriodKind, TerritoryLevel, Unit
from jalon.observatory.indicators.common import right_field_on
from jalon.observatory.indicators.oarsa import CER_ACTION_CATEGORIES, CER_CODES, action_category_measurable
from jalon.observatory.models import IndicatorValue, computed_as_of
from jalon.observatory.periods import Period
from jalon.observatory.selectors import format_value
from jalon.orientation.models import Orientation
from jalon.people.models import Person, RsaRight
from jalon.people.selectors import persons_view_record


NR, NC, ND = "NR", "NC", "ND"
CODE_LABELS = {
    NR: "non-réponse : aucune donnée de la collectivité pour cette année",
    NC: "non concerné : le dénominateur est nul, la part ou le délai n'est pas calculable",
    ND: "non disponible : la collectivité a répondu mais cet item n'est pas exploitable",
}
SOURCE_NOTE = "Source : Jalon, données du Département au 31/12 de l'année, définitions de l'enquête OARSA (DREES)."

# The rows of the questionnaire, in the DREES wording (file « OARSA – Principaux indicateurs », table A1): for each
# block, its title, the sheet of the workbook, then rows (code, wording, breakdown « … » when the row is one of a
# split).
_ORIENTED_BY_SENIORITY = (
    "Part (en %) au 31/12 de l'année des personnes orientées parmi les personnes soumises aux droits et devoirs dont "
    "l'ancienneté dans le RSA est …"
)
_WHERE = (
    "Part (en %) au 31/12 de l'année, parmi les personnes soumises aux droits et devoirs et orientées, des personnes "
    "orientées …"
)
_CER_BY_ORGANISME = (
    "Part (en %) au 31/12 de l'année des personnes ayant un CER parmi les personnes soumises aux droits et devoirs et "
    "orientées …"
)
_ACTIONS = (
    "Part (en %) au 31/12 de l'année, parmi les personnes soumises aux droits et devoirs, orientées vers un organisme "
    "autre que France Travail (ex-Pôle emploi) et ayant un CER, des personnes ayant un CER ayant au moins une action "
    "inscrite …"
)
QUESTIONNAIRE = (
    (
        "orientation",
        "Orientation des personnes soumises aux droits et devoirs",
        "1 - Orientation",
        (
            (
                "B1",
                "Part (en %) au 31/12 de l'année des personnes orientées parmi les personnes soumises aux droits et "
                "devoirs",
                "",
            ),
            ("B2", _ORIENTED_BY_SENIORITY, "… de moins de 6 mois"),
            ("B3", _ORIENTED_BY_SENIORITY, "… comprise entre 6 mois et moins de 1 an"),
            ("B4", _ORIENTED_BY_SENIORITY, "… de 1 an et plus"),
        ),
    ),
    (
        "organismes",
        "Organismes référents uniques",
        "2 - Organismes référents",
        (
            ("B5", _WHERE, "… vers France Travail (ex-Pôle emploi)"),
            ("B6", _WHERE, "… vers un organisme du SPE autre que France Travail"),
            ("B7", _WHERE, "… vers le conseil départemental"),
            ("B8", _WHERE, "… vers un organisme hors SPE autre que le conseil départemental"),
        ),
    ),
    (
        "cer",
        "Contrats d'engagement réciproque (CER)",
        "3 - CER",
        (
            (
                "B9",
                "Part (en %) au 31/12 de l'année des personnes ayant un CER parmi les personnes soumises aux "
                "droits et devoirs et orientées vers un organisme autre que France Travail (ex-Pôle emploi)",
                "",
            ),
            ("B10", _CER_BY_ORGANISME, "… vers un organisme du SPE autre que France Travail"),
            ("B11", _CER_BY_ORGANISME, "… vers le conseil départemental"),
            ("B12", _CER_BY_ORGANISME, "… vers un organisme hors SPE autre que le conseil départemental"),
        ),
    ),
    (
        "delais",
        "Délais d'orientation et de contractualisation",
        "4 - Délais",
        (
            (
                "B13",
                "Délai moyen au cours de l'année (en jours) entre la date d'entrée dans le RSA et la date de "
                "primo-orientation, pour les personnes entrées dans le RSA au cours de l'année et soumises aux droits "
                "et devoirs et primo-orientées au 31/12 de l'année",
                "",
            ),
            (
                "B14",
                "Délai moyen au cours de l'année (en jours) entre la date de primo-orientation et la date de "
                "signature du primo-CER, pour les personnes entrées dans le RSA au cours de l'année et soumises aux "
                "droits et devoirs, primo-orientées vers un organisme autre que France Travail et ayant un "
                "primo-CER au 31/12",
                "",
            ),
        ),
    ),
    (
        "actions",
        "Actions inscrites dans les CER",
        "5 - Actions des CER",
        tuple((code, _ACTIONS, f"… visant {label}") for code, (label, _, _) in CER_ACTION_CATEGORIES.items()),
    ),
)
CODES = tuple(code for _, _, _, rows in QUESTIONNAIRE for code, _, _ in rows)
CER_FIGURES = {"B9", "B10", "B11", "B12", "B14", *CER_ACTION_CATEGORIES}
ENTRY_FIGURES = {"B13", "B14"}


@dataclass
class Figure:
    code: str
    wording: str
    breakdown: str
    unit: str
    population: str
    numerator_label: str
    denominator_label: str
    numerator: float = 0.0
    denominator: float = 0.0
    status: str = ""  # "", NR, NC or ND
    reason: str = ""

    @property
    def value(self) -> float | None:
        return None if self.status else value_of(self.unit, self.numerator, self.denominator)

    @property
    def display(self) -> str:
        return self.status or format_value(self.unit, self.value)

    @property
    def status_label(self) -> str:
        return CODE_LABELS.get(self.status, "")

    @property
    def is_mean(self) -> bool:
        return self.unit == Unit.DAYS

    @property
    def drillable(self) -> bool:
        return self.status in ("", NC) and self.denominator > 0

    @property
    def sheet_value(self):
        """The cell of the workbook: a share in % or a mean in days (one decimal), or the DREES code."""
        if self.status:
            return self.status
        value = self.value
        return round(value * 100 if self.unit == Unit.RATE else value, 1)


@dataclass
class Block:
    key: str
    title: str
    sheet: str
    figures: list[Figure] = field(default_factory=list)


@dataclass
class OarsaReturn:
    departement_id: str
    year: int
    provisional: bool
    blocks: list[Block]
    # The day of the observatory's computation the figures were read from; None when computed on opening the page.
    computed_on: date | None = None

    @property
    def end(self) -> date:
        return date(self.year, 12, 31)

    def figure(self, code: str) -> Figure:
        return next(f for block in self.blocks for f in block.figures if f.code == code)


def actor_departement(actor: Actor) -> str:
    departement_id = actor.departement_code
    if departement_id is None:
        raise Http404(NOT_FOUND_MESSAGE)
    return departement_id


def available_years(departement_id: str, today: date) -> list[int]:
    """The years a return can be filled for: from the first right Jalon knows of to the current one (provisional)."""
    # An aggregate, not the first row by date: sorting the Département's rights whole took 100 ms at Nord scale.
    first = RsaRight.objects.filter(household__departement_id=departement_id).aggregate(first=Min("opening_date"))
    start = first["first"].year if first["first"] else today.year
    return list(range(today.year, min(start, today.year) - 1, -1))


def default_year(today: date) -> int:
    """The last closed year: the one the DREES asks for in the spring."""
    return today.year - 1


def year_or_404(value, today: date) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError) as error:
        raise Http404(NOT_FOUND_MESSAGE) from error
    if not 2000 <= year <= today.year:
        raise Http404(NOT_FOUND_MESSAGE)
    return year


def _not_available(code: str, departement_id: str, period: Period) -> str:
    """Why an item cannot be measured from the data, or "" when it can."""
    if code in CER_FIGURES and not ContractType.objects.filter(departement_id=departement_id, code__in=CER_CODES):
        return "Le Département n'a pas de type de contrat « CER » : les CER ne sont pas identifiables."
    if code in CER_ACTION_CATEGORIES and not action_category_measurable(code):
        _, categories, _ = CER_ACTION_CATEGORIES[code]
        return (
            "Aucun frein du référentiel du diagnostic n'est rattaché à cette catégorie d'actions (thématique "
            f"data·inclusion « {', '.join(categories)} ») : un administrateur peut en rattacher un."
        )
    if code in ENTRY_FIGURES:
        opened = RsaRight.objects.filter(
            household__departement_id=departement_id, opening_date__gte=period.start, opening_date__lte=period.end
        )
        if opened.exists() and not opened.exclude(request_date=None).exists():
            return "Les dates de demande du RSA des droits ouverts dans l'année ne sont pas renseignées."
    return ""


def _entry_note(departement_id: str, period: Period) -> str:
    missing = RsaRight.objects.filter(
        household__departement_id=departement_id,
        opening_date__gte=period.start,
        opening_date__lte=period.end,
        request_date=None,
    ).count()
    if not missing:
        return ""
    if missing == 1:
        return "1 droit ouvert dans l'année sans date de demande : non compté."
    return f"{missing} droits ouverts dans l'année sans date de demande : non comptés."


def _stored_year(departement_id: str, period: Period) -> dict[str, tuple[float, float, date]]:
    """The questionnaire's figures the observatory stored for the year (whole Département, no breakdown), with the
    day of the last computation of the year (`ComputedPeriod`: the day the values hold for, even where that
    computation found them unchanged): the nightly refresh keeps the current year's, a full recompute the closed
    years'."""
    rows = IndicatorValue.objects.filter(
        indicator__code__in=CODES,
        departement_id=departement_id,
        period_kind=period.kind,
        period_start=period.start,
        territory_level=TerritoryLevel.DEPARTEMENT,
        territory_code=departement_id,
        dimension=Dimension.ALL,
        segment="",
    ).values_list("indicator__code", "numerator", "denominator", computed_as_of())
    return {code: (numerator, denominator or 0.0, as_of) for code, numerator, denominator, as_of in rows if as_of}


def oarsa_return(*, departement_id: str, year: int, today: date) -> OarsaReturn:
    """Every figure of the questionnaire for `year` (stocks on 31 December; the current year is provisional): read
    from the observatory's stored values when it computed the year — a whole return costs some twenty indicator
    queries over the Département's persons, about a minute at the scale of the Nord —, else computed here with the
    same definitions."""
    period = Period(PeriodKind.YEAR, date(year, 1, 1))
    answered = RsaRight.objects.filter(household__departement_id=departement_id, opening_date__lte=period.end).exists()
    places = Places.of(departement_id)
    stored = _stored_year(departement_id, period) if answered else {}
    computed_on: list[date] = []
    entry_note = _entry_note(departement_id, period) if answered else ""
    blocks = []
    for key, title, sheet, rows in QUESTIONNAIRE:
        block = Block(key, title, sheet)
        for code, wording, breakdown in rows:
            spec = computation(code)
            figure = Figure(code, wording, breakdown, spec.unit, spec.population, spec.numerator, spec.denominator)
            if not answered:
                figure.status = NR
                figure.reason = f"Jalon ne connaît aucun droit RSA du Département au 31/12/{year}."
            elif reason := _not_available(code, departement_id, period):
                figure.status, figure.reason = ND, reason
            else:
                if code in stored:
                    figure.numerator, figure.denominator, as_of = stored[code]
                    computed_on.append(as_of)
                else:
                    cell = whole(evaluate(spec, departement_id, period, segmented=False, places=places))
                    figure.numerator, figure.denominator = cell.numerator, cell.denominator
                if not figure.denominator:
                    figure.status, figure.reason = NC, "Personne n'est dans le champ de cet indicateur."
                elif code in ENTRY_FIGURES:
                    figure.reason = entry_note
            block.figures.append(figure)
        blocks.append(block)
    return OarsaReturn(departement_id, year, year >= today.year, blocks, min(computed_on, default=None))


# --- Drilling into a figure: the persons it counts -------------------------------------------------------------------

NUMERATOR, DENOMINATOR = "numerateur", "denominateur"


@dataclass(frozen=True)
class Drill:
    code: str
    year: int
    side: str
    figure_label: str
    side_label: str
    is_mean: bool


def drill_for(*, code: str, year: int, side: str) -> Drill:
    if code not in CODES:
        raise Http404(NOT_FOUND_MESSAGE)
    spec = computation(code)
    is_mean = spec.unit == Unit.DAYS
    if is_mean or side != NUMERATOR:
        side = DENOMINATOR  # a mean's numerator is a sum of days over the same persons
    label = spec.numerator if side == NUMERATOR else (spec.population if is_mean else spec.denominator)
    return Drill(code, year, side, f"{code} — {spec.population}", label, is_mean)


def drill_persons(*, actor: Actor, departement_id: str, drill: Drill) -> QuerySet:
    """The persons of the actor's reach counted by one side of a figure, with what the list shows of each: the
    commune, the opening of the household's right, the organisme référent on 31 December, and the days of a mean."""
    period = Period(PeriodKind.YEAR, date(drill.year, 1, 1))
    rows = computation(drill.code).query(Scope(departement_id, period))
    rows = rows.filter(obs_num__gt=0) if drill.side == NUMERATOR else rows.filter(obs_den__gt=0)
    end = period.end
    organisme = Subquery(
        Orientation.objects.filter(
            Q(ended_on=None) | Q(ended_on__gt=end),
            person_id=OuterRef("pk"),
            decided_on__lte=end,
            organisation__isnull=False,
        )
        .order_by("-decided_on", "-pk")
        .values("organisation__name")[:1]
    )
    return (
        rows.filter(pk__in=Person.objects.visible_to(actor).values("pk"))
        .annotate(
            drill_opened_on=right_field_on(end, "opening_date"),
            drill_organisme=organisme,
        )
        .select_related("commune")
        .order_by("last_name", "first_name", "pk")
    )


def drill_rows(persons, *, is_mean: bool) -> list[list]:
    """The CSV of a drill: one line per person, what the screen shows (no NIR, no address)."""
    header = ["Nom", "Prénom", "Date de naissance", "Commune", "Droit ouvert le", "Organisme référent au 31/12"]
    lines = [
        [
            person.last_name,
            person.first_name,
            person.birth_date,
            person.commune.name if person.commune else "",
            person.drill_opened_on,
            person.drill_organisme or "",
            *([int(person.obs_num)] if is_mean else []),
        ]
        for person in persons
    ]
    return [header + (["Délai (jours)"] if is_mean else []), *lines]


def drill_page_open(*, actor: Actor, departement_id: str, drill: Drill, page_number, per_page: int = 50):
    """One page of a drill, its reading recorded with the persons of that page (they are named on screen)."""
    page = Paginator(drill_persons(actor=actor, departement_id=departement_id, drill=drill), per_page).get_page(
        page_number
    )
    persons_view_record(
        actor=actor,
        screen="retour OARSA : personnes d'un chiffre",
        person_ids=[person.pk for person in page],
        code=AuditCode.OARSA_PERSONS_VIEWED,
        extra={"indicator": drill.code, "year": drill.year, "side": drill.side},
    )
    return page


def drill_export_open(*, actor: Actor, departement_id: str, drill: Drill) -> list[list]:
    """The whole list of a drill for a CSV, its export recorded with every person in it."""
    persons = list(drill_persons(actor=actor, departement_id=departement_id, drill=drill))
    persons_view_record(
        actor=actor,
        screen="retour OARSA : export des personnes d'un chiffre",
        person_ids=[person.pk for person in persons],
        code=AuditCode.OARSA_PERSONS_EXPORTED,
        extra={"indicator": drill.code, "year": drill.year, "side": drill.side},
    )
    return drill_rows(persons, is_mean=drill.is_mean)


def workbook_export_record(*, actor: Actor, result: OarsaReturn) -> None:
    """The workbook holds counts only, but it leaves Jalon for the DREES: who exported which year is kept."""
    audit_event_record(
        code=AuditCode.OARSA_WORKBOOK_EXPORTED,
        actor=actor.user,
        organisation=actor.organisation,
        extra={"departement": result.departement_id, "year": result.year, "provisional": result.provisional},
    )
