"""Open data from the stored snapshots: every file of an indicator protected together, checked by the exact auditor
of test_secrecy (written apart from the algorithm), and the golden population's values checked by hand in the CSV."""

import csv
import datetime
import io
import zipfile
from types import SimpleNamespace

import pytest

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.core.scoping import Actor
from jalon.observatory.enums import Dimension, PeriodKind, TerritoryLevel
from jalon.observatory.models import Indicator, OpenDataSettings
from jalon.observatory.opendata_datasets import (
    REST,
    Config,
    Geography,
    OpenDataRefused,
    dataset_build,
    protect_period,
)
from jalon.observatory.opendata_files import dataset_csv, dataset_metadata, dataset_schema, dataset_zip
from jalon.observatory.opendata_services import opendata_export_record, opendata_settings_update
from jalon.observatory.services import catalogue_load, snapshot_compute
from tests.observatory.test_golden import world  # noqa: F401  (the golden population)
from tests.observatory.test_secrecy import audit


D = datetime.date
DEP, EPCI, COM, TER = TerritoryLevel.DEPARTEMENT, TerritoryLevel.EPCI, TerritoryLevel.COMMUNE, TerritoryLevel.TERRITORY

# --- A crafted Département: two EPCI, a commune outside any EPCI, people without a commune --------------------------
# Counts by commune and sex (women, men); every count is at least 1 so that the auditor's model (a hidden count is at
# least 1) holds for the unpublished commune × sex counts too.
ATOMS = {"c1": (1, 1), "c2": (5, 5), "c3": (3, 4), "c4": (4, 5), "c5": (3, 3), REST: (2, 3)}
EPCIS = {"A": ["c1", "c2"], "B": ["c3", "c4"]}
TERRITORIES = {"T1": ["c1", "c3"], "T2": ["c2", "c4"]}
SEXES = ["F", "H"]


def crafted_geography():
    communes = {c: (c, next((e for e, cs in EPCIS.items() if c in cs), None)) for c in ["c1", "c2", "c3", "c4", "c5"]}
    return Geography(
        SimpleNamespace(code="99", name="Crafted"),
        communes,
        {e: e for e in EPCIS},
        {t: (t, tuple(cs)) for t, cs in TERRITORIES.items()},
        False,
    )


def crafted_stored():
    """What the snapshots hold: whole counts at every level, segments from the EPCI and territory up."""
    whole = {c: sum(v) for c, v in ATOMS.items()}
    stored = {(COM, c): v for c, v in whole.items() if c != REST}
    stored[(DEP, "99")] = sum(whole.values())
    for level, groups in ((EPCI, EPCIS), (TER, TERRITORIES)):
        for unit, communes in groups.items():
            stored[(level, unit)] = sum(whole[c] for c in communes)
            for i, sex in enumerate(SEXES):
                stored[(level, unit, "sexe", sex)] = sum(ATOMS[c][i] for c in communes)
    for i, sex in enumerate(SEXES):
        stored[(DEP, "99", "sexe", sex)] = sum(v[i] for v in ATOMS.values())
    return stored


def joint_relations(segment_level):
    """Every additive relation an attacker knows, over the published cells and the unpublished commune × sex counts."""
    key = lambda level, code, seg="": (level, code, "sexe" if seg else "", seg)  # noqa: E731
    atom = lambda commune, sex: ("atome", commune, sex)  # noqa: E731
    places = {c: [c] for c in ATOMS}
    relations = []
    for commune in ATOMS:  # a commune is the sum of its sexes
        level = COM
        relations.append((key(level, commune), [atom(commune, s) for s in SEXES]))
    groups = {key(EPCI, e): cs for e, cs in EPCIS.items()} | {key(TER, t): cs for t, cs in TERRITORIES.items()}
    groups[key(EPCI, REST)] = ["c5", REST]
    groups[key(TER, REST)] = ["c5", REST]
    groups[key(DEP, "99")] = list(places)
    for total, communes in groups.items():
        relations.append((total, [key(COM, c) for c in communes]))
    units = EPCIS if segment_level == EPCI else TERRITORIES
    for sex in SEXES:
        for unit, communes in [*units.items(), (REST, ["c5", REST])]:
            relations.append((key(segment_level, unit, sex), [atom(c, sex) for c in communes]))
        relations.append((key(DEP, "99", sex), [atom(c, sex) for c in ATOMS]))
    return relations


def joint_values(measure):
    values = dict(measure.value)
    for commune, pair in ATOMS.items():
        for sex, v in zip(SEXES, pair, strict=True):
            values[("atome", commune, sex)] = v
    return values


def relevant(measure, segment_level):
    """The cells the files publish: whole counts at every level, segments at the département and one sub-level."""
    return {k for k in measure.value if not k[2] or k[0] in (DEP, segment_level)}


@pytest.mark.parametrize("segment_level", [EPCI, TER])
def test_every_file_of_an_indicator_together_reveals_no_secret_cell(segment_level):
    geo, stored = crafted_geography(), crafted_stored()
    measure = protect_period(
        geo=geo,
        stored=stored,
        config=Config(threshold=5),
        dimension="sexe",
        segments=SEXES,
        segment_level=segment_level,
    )
    cells = relevant(measure, segment_level)
    assert any(k[2] and not measure.secret[k] for k in cells), "some segments must be published"
    values = {k: v for k, v in joint_values(measure).items() if k in cells or k[0] == "atome"}
    published = {k: values[k] for k in cells if not measure.secret[k]}
    relations = [(t, ps) for t, ps in joint_relations(segment_level) if t in values and all(p in values for p in ps)]
    intervals = audit(values, published, relations)
    small = [k for k in cells if 0 < values[k] < 5]
    assert small, "the crafted table must hold small counts"
    for k in small:
        assert measure.secret[k], f"small count published: {k}"
        low, high = intervals[k]
        assert high - low >= 4, f"{k} narrowed to [{low}, {high}]"
    for k in cells:
        if measure.secret[k] and values[k] > 0:
            low, high = intervals[k]
            assert high > low, f"{k} can be recomputed: it is {low}"


def test_a_naive_suppression_of_the_same_table_lets_a_hidden_commune_be_recomputed():
    # Hiding only the small commune c1 (2): the EPCI A (12) minus c2 (10) gives it back. The export hides more.
    geo, stored = crafted_geography(), crafted_stored()
    measure = protect_period(geo=geo, stored=stored, config=Config(), dimension="", segments=[], segment_level=None)
    cells = {k for k in measure.value if not k[2]}
    values = joint_values(measure)
    naive = {k: values[k] for k in cells if not 0 < values[k] < 5}
    relations = [(t, ps) for t, ps in joint_relations(EPCI) if t in cells and all(p in cells for p in ps)]
    whole = {k: values[k] for k in cells}
    assert audit(whole, naive, relations)[(COM, "c1", "", "")] == (2, 2)
    assert measure.secret[(COM, "c1", "", "")] and measure.secret[(COM, "c2", "", "")]
    protected = {k: values[k] for k in cells if not measure.secret[k]}
    low, high = audit(whole, protected, relations)[(COM, "c1", "", "")]
    assert high - low >= 4


# --- The golden population, through the snapshots ------------------------------------------------------------------


@pytest.fixture
def stored(db, world):  # noqa: F811
    catalogue_load()
    snapshot_compute(
        departement_id="40", today=D(2026, 1, 15), full=True, first_day=D(2025, 1, 1), codes=["L69", "B1", "L13"]
    )
    return world


def rows_of(text):
    return list(csv.DictReader(io.StringIO(text)))


def by_place(rows, start="2025-01-01", end="2025-12-31", segment=None):
    return {
        (r["niveau"], r["code_territoire"]): r
        for r in rows
        if r["date_debut"] == start and r["date_fin"] == end and (segment is None or r["code_segment"] == segment)
    }


def configure(**options):
    defaults = {"threshold": 5, "indicators": ["L69", "B1"], "segment_level": TER, "territory_kind": "sdsei"}
    OpenDataSettings.objects.update_or_create(departement_id="40", defaults=defaults | options)


def build(code, level, kind=PeriodKind.YEAR, dimension=""):
    indicator = Indicator.objects.get(code=code)
    return dataset_build(departement_id="40", indicator=indicator, level=level, period_kind=kind, dimension=dimension)


def test_communes_of_the_golden_population_at_the_usual_threshold(stored):
    # L69 on 31/12/2025 (test_golden): Mont-de-Marsan 5 (A, B, C, H, N), Dax 3 (D, E, O), Aire 2 (F, P); 10 in all.
    # Aire (2) and Dax (3) are under 5; Aire + Dax (5) would leave Aire in [1, 4] only (margin 4 needed), so the
    # protection takes the EPCI Marsan Agglo and its one commune instead: only the département and zeros remain.
    configure()
    dataset = build("L69", COM)
    assert [p.key for p in dataset.periods] == ["2025"]  # 2026 is not over on the day of the computation
    year = by_place(rows_of(dataset_csv(dataset)))
    assert year[(DEP, "40")]["valeur"] == "10" and year[(DEP, "40")]["statut"] == "diffuse"
    for commune in ("40192", "40088", "40001"):
        assert year[(COM, commune)]["valeur"] == "" and year[(COM, commune)]["statut"] == "secret"
    assert year[(COM, REST)]["valeur"] == "0" and year[(COM, REST)]["statut"] == "diffuse"


def test_communes_and_territories_at_threshold_three(stored):
    # Threshold 3: Aire (2) alone is small; hiding Dax (3) with it leaves Aire in [1, 4] (margin 2): Mont-de-Marsan
    # (5) and its EPCI (5) are published. The territory of Dax holds a hidden commune, so it is hidden; « hors
    # territoire » is Aire: hidden too. The MdM territory is Mont-de-Marsan alone: 5.
    configure(threshold=3)
    communes = by_place(rows_of(dataset_csv(build("L69", COM))))
    assert {c: communes[(COM, c)]["valeur"] for c in ("40192", "40088", "40001")} == {
        "40192": "5",
        "40088": "",
        "40001": "",
    }
    epcis = by_place(rows_of(dataset_csv(build("L69", EPCI))))
    assert epcis[(EPCI, "244000865")]["valeur"] == "5"
    assert epcis[(EPCI, REST)]["statut"] == "secret"  # Dax + Aire, both hidden
    territories = by_place(rows_of(dataset_csv(build("L69", TER))))
    assert territories[(TER, str(stored.t_mdm.pk))]["valeur"] == "5"
    assert territories[(TER, str(stored.t_dax.pk))]["statut"] == "secret"
    assert territories[(TER, REST)]["statut"] == "secret"


def test_segments_by_territory_at_threshold_three(stored):
    # By sex on 31/12/2025: MdM women A, C, N (3), men B, H (2); Dax women E (1), men D, O (2); Aire P (1), F (1).
    # The whole of each row is published elsewhere, so no pattern may move it: Dax women (1) can only trade with
    # Dax men (2), and every balancing rectangle or climb keeps that 1 on one side and that 2 on the other, a room
    # of (1 − 1) + (2 − 1) = 1 < 2. Nothing protects it: the year's segments are withheld, zeros included, while
    # the whole keeps its own protection (département 10, MdM 5 published).
    configure(threshold=3)
    rows = rows_of(dataset_csv(build("L69", TER, dimension=Dimension.SEX)))
    mdm = str(stored.t_mdm.pk)
    whole = by_place(rows, segment="")
    assert whole[(DEP, "40")]["valeur"] == "10" and whole[(TER, mdm)]["valeur"] == "5"
    segments = [r for r in rows if r["code_segment"]]
    assert {r["code_segment"] for r in segments} == {"F", "H", "inconnu"}
    assert all(r["statut"] == "secret" and r["valeur"] == "" for r in segments)


def test_segments_by_epci_at_threshold_three(stored):
    # Segments at the EPCI level: Marsan Agglo (Mont-de-Marsan) women 3, men 2; the remainder (Dax and Aire, whose
    # whole is hidden: a hidden row) women 2, men 3. Men of Marsan Agglo (2) are protected by the rectangle with the
    # remainder: + (2, 2), − (3, 3), a room of (2 − 1) + (3 − 1) = 3 ≥ 2. The département's row is untouched:
    # women 5, men 5, unknown 0, all published.
    configure(threshold=3, segment_level=EPCI)
    rows = rows_of(dataset_csv(build("L69", EPCI, dimension=Dimension.SEX)))
    women, men, unknown = (by_place(rows, segment=s) for s in ("F", "H", "inconnu"))
    assert (women[(DEP, "40")]["valeur"], men[(DEP, "40")]["valeur"], unknown[(DEP, "40")]["valeur"]) == (
        "5",
        "5",
        "0",
    )
    agglo = (EPCI, "244000865")
    assert women[agglo]["statut"] == men[agglo]["statut"] == "secret"
    assert unknown[agglo]["valeur"] == "0"
    assert women[(EPCI, REST)]["statut"] == unknown[(EPCI, REST)]["statut"] == "secret"
    # The département's file by sex reads the same protected table.
    departement = by_place(rows_of(dataset_csv(build("L69", DEP, dimension=Dimension.SEX))), segment="H")
    assert departement[(DEP, "40")]["valeur"] == "5"


def test_a_rate_is_hidden_with_its_numerator_or_denominator(stored):
    # B1 on 31/12/2025 (oriented among those subject): MdM 4 / 5, Dax 3 / 3, Aire 1 / 2; 8 / 10 in all.
    # Threshold 3: numerator Aire (1) hidden with Dax (3); denominator Aire (2) hidden with Dax (3).
    configure(threshold=3)
    communes = by_place(rows_of(dataset_csv(build("B1", COM))))
    assert communes[(DEP, "40")] | {} == communes[(DEP, "40")]
    dep, mdm, dax = communes[(DEP, "40")], communes[(COM, "40192")], communes[(COM, "40088")]
    assert (dep["numerateur"], dep["denominateur"], dep["taux"], dep["statut"]) == ("8", "10", "80.0", "diffuse")
    assert (mdm["numerateur"], mdm["denominateur"], mdm["taux"]) == ("4", "5", "80.0")
    assert (dax["numerateur"], dax["denominateur"], dax["taux"], dax["statut"]) == ("", "", "", "secret")


def test_schema_and_metadata(stored):
    configure(threshold=3)
    dataset = build("B1", COM)
    schema = dataset_schema(dataset)
    text = dataset_csv(dataset)
    assert text.splitlines()[0].split(",") == [f["name"] for f in schema["fields"]]
    assert not text.startswith("\ufeff") and "\r\n" in text
    metadata = dataset_metadata(dataset)
    assert metadata["license"] == "lov2" and metadata["frequency"] == "annual"
    assert metadata["temporal_coverage"] == {"start": "2025-01-01", "end": "2025-12-31"}
    assert metadata["spatial"] == {"zones": ["fr:departement:40"], "granularity": "fr:commune"}
    assert "entre 1 et 2" in metadata["description"]
    with zipfile.ZipFile(io.BytesIO(dataset_zip(dataset))) as archive:
        assert sorted(archive.namelist()) == sorted(
            f"{dataset.slug}{suffix}" for suffix in (".csv", ".schema.json", ".metadata.json")
        )
        assert archive.read(f"{dataset.slug}.csv").decode() == text


# --- Bad input ------------------------------------------------------------------------------------------------------


def test_commune_by_segment_is_refused(stored):
    configure()
    with pytest.raises(OpenDataRefused, match="communes sont publiées sans ventilation"):
        build("L69", COM, dimension=Dimension.SEX)


def test_segments_at_a_second_sub_level_are_refused(stored):
    configure(segment_level=TER)
    with pytest.raises(OpenDataRefused, match="recalculer des cases masquées"):
        build("L69", EPCI, dimension=Dimension.SEX)
    configure(segment_level=EPCI)
    assert build("L69", EPCI, dimension=Dimension.SEX).rows


@pytest.mark.parametrize("threshold", [0, 1, 2])
def test_a_threshold_that_would_publish_small_counts_is_refused(stored, threshold):
    configure(threshold=threshold)  # a row written around the form: the export still refuses it
    with pytest.raises(OpenDataRefused, match="au moins 3"):
        build("L69", COM)


def test_means_and_other_indicators_are_refused(stored):
    configure(indicators=["L69", "L13"])
    with pytest.raises(OpenDataRefused, match="effectifs et les taux"):
        build("L13", DEP)
    with pytest.raises(OpenDataRefused, match="ne fait pas partie"):
        build("B1", DEP)


def test_settings_refuse_a_low_threshold_and_keep_the_old_ones(stored):
    user = SimpleNamespace(is_authenticated=False)
    actor = Actor(user=user)
    opendata_settings_update(
        actor=actor, departement_id="40", threshold=4, indicators=["L69"], segment_level=EPCI, territory_kind="sdsei"
    )
    with pytest.raises(OpenDataRefused, match="au moins 3"):
        opendata_settings_update(
            actor=actor, departement_id="40", threshold=1, indicators=["L69"], segment_level=EPCI, territory_kind="x"
        )
    settings = OpenDataSettings.objects.get(departement_id="40")
    assert (settings.threshold, settings.territory_kind) == (4, "sdsei")
    assert AuditEvent.objects.filter(code=AuditCode.OPENDATA_SETTINGS_UPDATED).count() == 1


def test_an_export_is_logged(stored):
    configure()
    dataset = build("L69", DEP)
    opendata_export_record(actor=Actor(user=None), dataset=dataset, file_format="csv")
    event = AuditEvent.objects.get(code=AuditCode.OPENDATA_EXPORTED)
    assert event.data["indicator"] == "L69" and event.data["periods"] == ["2025"] and event.data["format"] == "csv"
