"""Reading an unchanged CAF/MSA file, one reader against the second half read by a helper (decision 0056).

Every household of FILE is made known by a first reading (its fingerprints), as in a re-import of the same
households; then FILE is read again, in turns: by one reader, and with the helper starting at each share of the file
given by --from (read_flux in this process), then through the parsing process the importer uses (FluxBatches), with
and without the helper. Prints the median and the lowest of --runs readings of each. No database, no Django.

    .venv/bin/python bench/caf_flux_halves.py /tmp/jalon-bench/flux-110000.xml
"""

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jalon.intake.caf_flux import parallel, parser  # noqa: E402


def _timed(read) -> float:
    started = time.perf_counter()
    read()
    return time.perf_counter() - started


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__)
    arguments.add_argument("file", type=Path)
    arguments.add_argument("--runs", type=int, default=6)
    arguments.add_argument("--from", dest="shares", type=float, nargs="+", default=[0.5, 0.55, 0.6])
    args = arguments.parse_args()

    _header, items = parser.read_flux(args.file, known_fingerprints=set())
    known = {item.raw_fingerprint for item in items}
    gc.freeze()  # as the parsing process does
    print(f"{args.file.name}: {len(known)} households, all known")

    def read_flux(share: float | None):
        def read():
            parser.SECOND_HALF_MIN_KNOWN = 10_000
            if share is not None:
                parser.SECOND_HALF_FROM = share
            _header, items = parser.read_flux(args.file, known_fingerprints=known, runs=True, halves=share is not None)
            for _item in items:
                pass

        return read

    def batches(halves: bool):
        def read():
            parser.SECOND_HALF_MIN_KNOWN = 10_000 if halves else len(known) + 1
            reading = parallel.FluxBatches(
                args.file, batch_size=2000, known_fingerprints=known, accepts_departement=lambda _partner: True
            )
            _header, messages = reading.read()
            for _batch in messages:
                pass

        return read

    default_share = parser.SECOND_HALF_FROM
    cases = {"read_flux, one reader": read_flux(None)}
    cases.update({f"read_flux, helper from {share:.0%}": read_flux(share) for share in args.shares})
    cases["parsing process, one reader"] = batches(halves=False)
    cases["parsing process, helper (from the default share)"] = batches(halves=True)
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, read in cases.items():
            parser.SECOND_HALF_FROM = default_share
            times[name].append(_timed(read))
    for name, values in times.items():
        print(f"{name}: median {statistics.median(values):.3f} s, lowest {min(values):.3f} s")


if __name__ == "__main__":
    main()
