"""Floor of a CAF/MSA flux import: what reading the file and writing its person rows costs at the least.

1. a bare lxml parse: `lxml.etree.iterparse` over FILE, each household element cleared as it ends, no field
   extraction at all (the floor of the issue's goals);
2. a streaming parse of FILE with the Jalon parser (validate=False), then the same with XSD validation;
3. a raw COPY of the person rows into an UNLOGGED, unindexed table of the PostgreSQL of DATABASE_URL
   (rows spooled to a temporary file first, so the COPY is timed alone), then the same COPY streamed
   straight from the parser in one pass.

No Django, no ORM, no matching: any real import costs more. Usage:

    .venv/bin/python -m jalon.intake.caf_flux.generator /tmp/nord.xml --households 110000 --seed 59
    DATABASE_URL=postgres://postgres@127.0.0.1:PORT/postgres .venv/bin/python bench/caf_flux_floor.py /tmp/nord.xml
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lxml import etree  # noqa: E402

from jalon.intake.caf_flux.parser import HOUSEHOLD_TAG, FluxHousehold, read_flux  # noqa: E402


TABLE = "bench_caf_flux_floor"
COLUMNS = (
    "matricule",
    "line",
    "nir",
    "last_name",
    "birth_name",
    "first_name",
    "birth_date",
    "sex",
    "civility",
    "role",
    "france_travail_id",
    "subject_to_rights_and_duties",
    "birth_place",
    "right_state",
    "commune_code",
    "household_hash",
)
DDL = f"""
DROP TABLE IF EXISTS {TABLE};
CREATE UNLOGGED TABLE {TABLE} (
    matricule text, line integer, nir text, last_name text, birth_name text, first_name text, birth_date date,
    sex text, civility text, role text, france_travail_id text, subject_to_rights_and_duties boolean,
    birth_place text, right_state smallint, commune_code text, household_hash text
)
"""


def person_rows(path: Path, *, validate: bool = False) -> Iterator[tuple]:
    _header, items = read_flux(path, validate=validate)
    for item in items:
        if not isinstance(item, FluxHousehold):
            continue
        commune = item.address.commune_code if item.address else ""
        for p in item.persons:
            yield (
                item.matricule,
                item.line,
                p.nir,
                p.last_name,
                p.birth_name,
                p.first_name,
                p.birth_date,
                p.sex,
                p.civility,
                p.role,
                p.france_travail_id,
                p.subject_to_rights_and_duties,
                p.birth_place,
                item.right_state,
                commune,
                item.raw_hash,
            )


def bare_parse(path: Path, each: Callable[[etree._Element], object] | None = None) -> tuple[float, int]:
    """A plain lxml iterparse that only walks the households and frees them: no Jalon code at all. With `each`, it is
    called with every household before it is freed."""
    started = time.perf_counter()
    households = 0
    for _event, element in etree.iterparse(str(path), events=("end",), tag=HOUSEHOLD_TAG):
        households += 1
        if each is not None:
            each(element)
        element.clear(keep_tail=True)
        parent = element.getparent()
        while element.getprevious() is not None:
            del parent[0]
    return time.perf_counter() - started, households


def timed_parse(path: Path, *, validate: bool) -> tuple[float, int, int, int]:
    started = time.perf_counter()
    households = persons = rejected = 0
    _header, items = read_flux(path, validate=validate)
    for item in items:
        if isinstance(item, FluxHousehold):
            households += 1
            persons += len(item.persons)
        else:
            rejected += 1
    return time.perf_counter() - started, households, persons, rejected


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def copy_floor(path: Path, url: str, *, stream: bool = True) -> tuple[float, float | None, int]:
    import psycopg

    columns = ", ".join(COLUMNS)
    with tempfile.TemporaryFile(mode="w+b") as spool:
        rows = 0
        for row in person_rows(path):
            spool.write(("\t".join(_copy_text(value) for value in row) + "\n").encode("utf-8"))
            rows += 1
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(DDL)
            spool.seek(0)
            started = time.perf_counter()
            with conn.cursor() as cur, cur.copy(f"COPY {TABLE} ({columns}) FROM STDIN") as copy:
                while block := spool.read(1 << 20):
                    copy.write(block)
            copy_s = time.perf_counter() - started
            counted = conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]  # noqa: S608 - constant name
            assert counted == rows, (counted, rows)

            streamed_s = None
            if stream:
                conn.execute(DDL)
                started = time.perf_counter()
                with conn.cursor() as cur, cur.copy(f"COPY {TABLE} ({columns}) FROM STDIN") as copy:
                    for row in person_rows(path):
                        copy.write_row(row)
                streamed_s = time.perf_counter() - started
            conn.execute(f"DROP TABLE {TABLE}")
    return copy_s, streamed_s, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--no-validate", action="store_true", help="skip the parse with XSD validation")
    parser.add_argument("--no-stream", action="store_true", help="skip the one-pass parse -> COPY figure")
    args = parser.parse_args()
    size_mb = args.file.stat().st_size / 1e6
    print(f"file: {args.file} ({size_mb:.1f} MB)")

    bare_s, bare_households = bare_parse(args.file)
    print(f"bare lxml parse s: {bare_s:.1f} ({bare_households} households, {size_mb / bare_s:.1f} MB/s)")

    parse_s, households, persons, rejected = timed_parse(args.file, validate=False)
    print(f"households: {households} (rejected: {rejected})")
    print(f"persons: {persons}")
    print(f"jalon parse s: {parse_s:.1f} ({size_mb / parse_s:.1f} MB/s, {households / parse_s:,.0f} households/s)")
    if not args.no_validate:
        validate_s, *_ = timed_parse(args.file, validate=True)
        print(f"parse+validate s: {validate_s:.1f}")

    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        copy_s, streamed_s, rows = copy_floor(args.file, url, stream=not args.no_stream)
        print(f"copy s: {copy_s:.1f} ({rows} rows, {rows / copy_s:,.0f} rows/s)")
        print(f"bare floor s (lxml iterparse + copy): {bare_s + copy_s:.1f}")
        print(f"jalon-parser floor s (jalon parse + copy): {parse_s + copy_s:.1f}")
        if streamed_s is not None:
            print(f"one pass jalon parse -> COPY (write_row) s: {streamed_s:.1f}")
    else:
        print("copy s: skipped (DATABASE_URL is not a PostgreSQL URL)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
