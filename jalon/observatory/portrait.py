"""The annual territory portrait (Landes C.30): one territory of the Département, or one EPCI, for a year, compared
with the whole Département, as a PDF (A4, ReportLab, the fonts of the letters of jalon.messaging).

Read from the stored yearly snapshots (stocks on 31 December, or on the last computed day of a year still
running), in one query. Statistical secrecy applies to every figure printed:

* a count of people from 1 to 4 is printed « < 5 » (0 is printed: it describes nobody); in a breakdown (sex, age…)
  the secondary suppression of `secrecy` also hides what would let a hidden count be recomputed from the total;
* a share is printed only when neither the people it counts nor the others are 1 to 4 people, and a mean or a
  ratio only when it is computed over 5 people or more (« s » otherwise), since a share and its base would give
  back the small count."""

import io
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.http import Http404
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from jalon.core.pdf import BODY_STYLE, BOLD, a4_document, pdf_text
from jalon.core.pdf import paragraph as _p
from jalon.core.scoping import Actor
from jalon.observatory import secrecy
from jalon.observatory.engine import value_of
from jalon.observatory.enums import Dimension, PeriodKind, TerritoryLevel, Unit
from jalon.observatory.models import IndicatorValue
from jalon.observatory.segments import AGE_BANDS, HOUSEHOLDS, SENIORITY_BANDS, SEXES, UNKNOWN, segment_label
from jalon.observatory.selectors import format_value
from jalon.orientation.delays.selectors import actor_departement_id
from jalon.territories.models import Departement, Epci, Territory


THRESHOLD = secrecy.DEFAULT_THRESHOLD
SMALL = f"< {THRESHOLD}"
MASKED = "s"

# (section, [(code, label)]): what the portrait prints, in this order.
SECTIONS = [
    (
        "Population",
        [
            ("L69", "Personnes soumises aux droits et devoirs"),
            ("L70", "dont droit ouvert depuis 4 ans ou plus"),
            ("L20", "dont âgées de 60 ans ou plus"),
        ],
    ),
    (
        "Orientation",
        [
            ("B1", "Part des personnes soumises aux droits et devoirs orientées"),
            ("B4", "Part orientée parmi celles au RSA depuis un an ou plus"),
            ("B13", "Délai moyen de la demande à la primo-orientation (jours)"),
            ("J02", "Premières orientations en 30 jours au plus"),
            ("P02", "Taux d'orientation des personnes présentes en cellule"),
        ],
    ),
    (
        "Accompagnement",
        [
            ("L66", "Personnes ayant un carnet de bord"),
            ("L13", "Rendez-vous par personne ayant un carnet"),
            ("B9", "Part des orientés hors France Travail ayant un CER valide"),
        ],
    ),
    ("Sorties", [("L10", "Sorties du RSA (foyers)")]),
]
UNITS = {"L69": Unit.COUNT, "L70": Unit.COUNT, "L20": Unit.COUNT, "L66": Unit.COUNT, "L10": Unit.COUNT}
BREAKDOWNS = [
    (Dimension.SEX, "sexe", [code for code, _ in SEXES]),
    (Dimension.AGE_BAND, "âge", [code for code, _, _ in AGE_BANDS] + [UNKNOWN]),
    (Dimension.HOUSEHOLD, "composition du foyer", [code for code, _ in HOUSEHOLDS] + [UNKNOWN]),
    (Dimension.SENIORITY, "ancienneté dans le RSA", [code for code, _, _ in SENIORITY_BANDS] + [UNKNOWN]),
]
CODES = [code for _, rows in SECTIONS for code, _ in rows]
LEVEL_LABELS = {TerritoryLevel.TERRITORY: "territoire du Département", TerritoryLevel.EPCI: "EPCI"}
URL_LEVELS = {"territoire": TerritoryLevel.TERRITORY, "epci": TerritoryLevel.EPCI}


@dataclass(frozen=True)
class Place:
    level: str
    code: str
    name: str


def places_for(*, actor: Actor) -> tuple[list[Place], list[Place]]:
    """The territories and the EPCI the actor may draw a portrait of (a manager: those of his territories)."""
    departement_id = actor_departement_id(actor)
    territories = Territory.objects.in_departement(departement_id).order_by("name")
    epcis = Epci.objects.filter(communes__departement_id=departement_id)
    if actor.territory_ids:
        territories = territories.filter(pk__in=actor.territory_ids)
        epcis = epcis.filter(communes__territories__in=actor.territory_ids)
    return (
        [Place(TerritoryLevel.TERRITORY, str(pk), name) for pk, name in territories.values_list("pk", "name")],
        [
            Place(TerritoryLevel.EPCI, code, name)
            for code, name in epcis.distinct().order_by("name").values_list("code", "name")
        ],
    )


def place_for(*, actor: Actor, level: str, code: str) -> Place:
    """The place of a portrait's URL, if the actor may see it; a 404 otherwise (as an unknown one)."""
    level = URL_LEVELS.get(level)
    territories, epcis = places_for(actor=actor)
    for place in territories if level == TerritoryLevel.TERRITORY else epcis if level == TerritoryLevel.EPCI else []:
        if place.code == code:
            return place
    raise Http404


def portrait_years(*, actor: Actor, today: date) -> list[int]:
    """The years that have stored yearly values, newest first (the current one is a year still running)."""
    starts = (
        IndicatorValue.objects.filter(
            departement_id=actor_departement_id(actor),
            indicator__code="L69",
            period_kind=PeriodKind.YEAR,
            territory_level=TerritoryLevel.DEPARTEMENT,
            dimension=Dimension.ALL,
        )
        .order_by("-period_start")
        .values_list("period_start", flat=True)
    )
    return [start.year for start in starts if start.year <= today.year]


# -- secrecy -----------------------------------------------------------------------------------------------------


def count_text(value: float | None) -> str:
    if value is None:
        return "0"
    n = round(value)
    return SMALL if secrecy.is_sensitive(n, THRESHOLD) else f"{n:,}".replace(",", " ")


def measure_text(unit: str, numerator: float, denominator: float | None) -> str:
    """A share, mean or ratio, unless it would give back a small count (see the module's docstring)."""
    if unit in (Unit.COUNT, Unit.HOURS):
        return count_text(numerator)
    den = round(denominator or 0)
    if den == 0:
        return "NC"
    if den < THRESHOLD:
        return MASKED
    if unit == Unit.RATE:
        num = round(numerator)
        if secrecy.is_sensitive(num, THRESHOLD) or secrecy.is_sensitive(den - num, THRESHOLD):
            return MASKED
    return format_value(unit, value_of(unit, numerator, denominator))


def breakdown_texts(total: int, parts: dict[str, int]) -> dict[str, str]:
    """The printed counts of a breakdown and its total: primary and secondary suppression together."""
    keys = ["total", *parts]
    try:
        table = secrecy.Table(
            {("total",): total, **{(code,): n for code, n in parts.items()}},
            [secrecy.Hierarchy.with_total("total", list(parts))],
        )
        hidden = {key[0] for key in secrecy.suppress(table, threshold=THRESHOLD).hidden()}
    except secrecy.TableError:
        # The parts do not add up to the total (an interrupted computation): print none of them.
        hidden = set(keys)
    values = {"total": total, **parts}
    return {key: (SMALL if key in hidden else count_text(values[key])) for key in keys}


# -- the figures -------------------------------------------------------------------------------------------------


@dataclass
class PortraitRow:
    label: str
    place: str
    departement: str


@dataclass
class Portrait:
    place: Place
    departement_name: str
    year: int
    sections: list[tuple[str, list[PortraitRow]]]
    breakdowns: list[tuple[str, list[PortraitRow]]]
    empty: bool


def portrait(*, actor: Actor, place: Place, year: int) -> Portrait:
    departement_id = actor_departement_id(actor)
    rows = (
        IndicatorValue.objects.filter(
            Q(territory_level=TerritoryLevel.DEPARTEMENT) | Q(territory_level=place.level, territory_code=place.code),
            departement_id=departement_id,
            indicator__code__in=CODES,
            period_kind=PeriodKind.YEAR,
            period_start=date(year, 1, 1),
        )
        .order_by()
        .values_list(
            "indicator__code", "indicator__unit", "territory_level", "dimension", "segment", "numerator", "denominator"
        )
    )
    cells, units = {}, {}
    for code, unit, level, dimension, segment, numerator, denominator in rows:
        side = "departement" if level == TerritoryLevel.DEPARTEMENT else "place"
        cells[(code, side, dimension, segment)] = (numerator, denominator)
        units[code] = unit

    def text(code, side):
        cell = cells.get((code, side, Dimension.ALL, ""))
        if cell is None:
            # The engine stores no empty cell, but always the Département's: computed, nobody to count here.
            if (code, "departement", Dimension.ALL, "") not in cells:
                return "—"
            cell = (0.0, 0.0)
        return measure_text(units.get(code, UNITS.get(code, Unit.COUNT)), *cell)

    sections = [
        (title, [PortraitRow(label, text(code, "place"), text(code, "departement")) for code, label in entries])
        for title, entries in SECTIONS
    ]
    breakdowns = []
    for dimension, title, codes in BREAKDOWNS:
        printed = {}
        for side in ("place", "departement"):
            total = round(cells.get(("L69", side, Dimension.ALL, ""), (0, None))[0])
            parts = {code: round(cells.get(("L69", side, dimension, code), (0, None))[0]) for code in codes}
            if not any(("L69", side, dimension, code) in cells for code in codes) and total:
                printed[side] = None  # stored without its segments (an old period of the history)
            else:
                printed[side] = breakdown_texts(total, parts)
        rows = [
            PortraitRow(
                segment_label(dimension, code),
                printed["place"][code] if printed["place"] else "—",
                printed["departement"][code] if printed["departement"] else "—",
            )
            for code in codes
            # A segment nobody is in on either side (e.g. unknown sex) is left out.
            if any(("L69", side, dimension, code) in cells for side in ("place", "departement"))
        ]
        breakdowns.append((title, rows))
    departement = Departement.objects.filter(code=departement_id).values_list("name", flat=True).first() or ""
    return Portrait(place, departement, year, sections, breakdowns, empty=not cells)


# -- the PDF -----------------------------------------------------------------------------------------------------

TITLE_STYLE = ParagraphStyle("title", parent=BODY_STYLE, fontName=BOLD, fontSize=15, leading=19, spaceAfter=6)
HEADING_STYLE = ParagraphStyle("heading", parent=BODY_STYLE, fontName=BOLD, fontSize=12, spaceBefore=10)
NOTE_STYLE = ParagraphStyle("note", parent=BODY_STYLE, fontSize=8.5, leading=11)
CELL_STYLE = ParagraphStyle("cell", parent=BODY_STYLE, fontSize=9.5, leading=12, spaceAfter=0)


def _table(rows: list[PortraitRow], place_name: str, departement_name: str) -> Table:
    data = [[_p("", CELL_STYLE), _p(place_name, CELL_STYLE), _p(departement_name, CELL_STYLE)]]
    data += [[_p(row.label, CELL_STYLE), pdf_text(row.place), pdf_text(row.departement)] for row in rows]
    table = Table(data, colWidths=[95 * mm, 37 * mm, 37 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), BOLD),
                ("FONTSIZE", (0, 0), (-1, -1), 9.5),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#000091")),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#dddddd")),
            ]
        )
    )
    return table


def portrait_pdf(result: Portrait, *, as_of: date) -> bytes:
    place = result.place
    departement = f"Département {result.departement_name}".strip()
    buffer = io.BytesIO()
    doc = a4_document(buffer, title=f"Portrait de territoire {result.year} — {place.name}", author=departement)
    running = result.year >= as_of.year
    story = [
        _p(f"Portrait de territoire {result.year} — {place.name}", TITLE_STYLE),
        _p(
            f"{LEVEL_LABELS[place.level].capitalize()}, comparé à l'ensemble du {departement}. "
            + (
                f"Année en cours : stocks et flux calculés au {as_of:%d/%m/%Y}."
                if running
                else f"Stocks au 31 décembre {result.year}, flux de l'année."
            )
        ),
    ]
    if result.empty:
        story.append(_p("Aucune valeur n'est encore calculée pour cette année : le calcul nocturne les produira."))
    for title, rows in result.sections:
        story += [_p(title, HEADING_STYLE), _table(rows, place.name, result.departement_name)]
        if title == "Population":
            for sub, sub_rows in result.breakdowns:
                if sub_rows:
                    story += [
                        _p(f"Personnes soumises aux droits et devoirs par {sub}", HEADING_STYLE),
                        _table(sub_rows, place.name, result.departement_name),
                    ]
    story += [
        Spacer(1, 6 * mm),
        _p(
            f"Secret statistique : « {SMALL} » signale un effectif de 1 à {THRESHOLD - 1} personnes, masqué, "
            "ainsi que les effectifs masqués pour qu'il ne puisse être recalculé à partir du total ; « s » une part, "
            f"une moyenne ou un ratio qui révélerait un tel effectif ou porte sur moins de {THRESHOLD} personnes ; "
            "« NC » : non concerné (personne à compter) ; « — » : valeur non calculée.",
            NOTE_STYLE,
        ),
        _p(
            "Source : Jalon, observatoire de l'insertion ; chaque indicateur est défini dans le catalogue de "
            "l'observatoire (code entre parenthèses dans l'application).",
            NOTE_STYLE,
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
