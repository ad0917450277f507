"""CAF/MSA flux import at Nord scale: floor, first import, unchanged re-import, re-import with 5 % changed, memory.

Each import runs `manage.py import_caf_flux` in its own process, so its peak memory is its own. Every import is
given as a ratio to the bare floor (a plain lxml iterparse of the file + a COPY of its person rows, see
caf_flux_floor.py) measured in the same run, at its start and again at its end; the older floor with the Jalon
parser is printed too. The unchanged re-import is the first file with another creation time in its header (the
same bytes would be recognised by their sha256 and not read at all: that case is printed too). The load average is
printed at the start and at the end.

    bash -c 'source scripts/lib.sh; start_throwaway_postgres; .venv/bin/python bench/bench_caf_import.py'
    .venv/bin/python bench/bench_caf_import.py --sqlite          # the same import on SQLite (figure only)
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CREATED = "2025-06-02T04:30:00"


# Runs a command and prints its peak RSS (the largest of it and its descendants) on the last line of stderr.
PEAK_WRAPPER = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)"
)


def run(cmd: list[str], env: dict) -> tuple[float, str, float]:
    """Run cmd; its wall time, its output and its own peak RSS in MB."""
    started = time.monotonic()
    result = subprocess.run(
        [PY, "-c", PEAK_WRAPPER, *cmd], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        sys.exit(f"échec de {' '.join(cmd)}:\n{result.stdout}\n{result.stderr}")
    peak_mb = int(result.stderr.strip().splitlines()[-1]) / 1024
    return elapsed, result.stdout, peak_mb


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def same_households(first: Path, target: Path) -> Path:
    """The first file with another creation time in its header: the same households, another sha256."""
    if not target.exists():
        with first.open("rb") as source, target.open("wb") as out:
            head = source.read(4096)
            out.write(head.replace(b"<HEUCREAFLUX>04:30:00</HEUCREAFLUX>", b"<HEUCREAFLUX>05:30:00</HEUCREAFLUX>", 1))
            while block := source.read(1 << 20):
                out.write(block)
    return target


def ensure_files(workdir: Path, households: int, env: dict) -> tuple[Path, Path]:
    first, changed = workdir / f"flux-{households}.xml", workdir / f"flux-{households}-m5.xml"
    workdir.mkdir(parents=True, exist_ok=True)
    generator = [PY, "-m", "jalon.intake.caf_flux.generator"]
    if not first.exists():
        run([*generator, str(first), "--households", str(households), "--seed", "59", "--created-at", CREATED], env)
    if not changed.exists():
        run(
            [
                *generator,
                str(changed),
                "--households",
                str(households),
                "--seed",
                "60",
                "--mutate-from-seed",
                "59",
                "--mutate-share",
                "0.05",
                "--created-at",
                CREATED,
            ],
            env,
        )
    return first, changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=110_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/jalon-bench"))
    parser.add_argument("--sqlite", action="store_true", help="run on a throwaway SQLite file instead of DATABASE_URL")
    args = parser.parse_args()

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jalon.settings.dev", "DEBUG": "false"}
    if args.sqlite:
        database = args.workdir / "bench.sqlite3"
        database.unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{database}"
    elif not env.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL doit désigner un PostgreSQL jetable (ou passez --sqlite).")
    first, changed = ensure_files(args.workdir, args.households, env)
    unchanged = same_households(first, args.workdir / f"flux-{args.households}-same.xml")
    print(f"fichiers : {first.name} ({first.stat().st_size / 1e6:.0f} Mo), {unchanged.name}, {changed.name}")
    print(f"charge au début (loadavg 1/5/15 min) : {load()}")

    floor = jalon_floor = copy_s = None
    if not args.sqlite:
        _, out, _ = run([PY, "bench/caf_flux_floor.py", str(first), "--no-validate", "--no-stream"], env)
        floor = float(re.search(r"bare floor s[^\d]*([\d.]+)", out).group(1))
        jalon_floor = float(re.search(r"jalon-parser floor s[^\d]*([\d.]+)", out).group(1))
        copy_s = float(re.search(r"copy s: ([\d.]+)", out).group(1))
        print(out.strip())

    manage = [PY, "manage.py"]
    run([*manage, "flush", "--noinput"], env) if not args.sqlite else None
    run([*manage, "migrate", "--noinput", "-v0"], env)
    run([*manage, "load_cog", "--all", "-v0"], env)

    results = {}
    runs = (
        ("premier import", first),
        ("réimport inchangé (mêmes foyers, autre en-tête)", unchanged),
        ("réimport du même fichier (même sha256)", first),
        ("réimport (5 % modifiés)", changed),
    )
    for label, path in runs:
        # The generated files are addressed to the Landes (IDEPARTE 040): imported into the Nord's base on purpose.
        command = ["import_caf_flux", str(path), "--departement", "59", "--autre-departement", "-v0"]
        elapsed, out, peak = run([*manage, *command], env)
        print(out.strip())
        results[label] = (elapsed, peak)
    if floor:
        # The bare floor again at the end: this machine's speed drifts, so the ratios use the mean of both.
        sys.path.insert(0, str(ROOT / "bench"))
        from caf_flux_floor import bare_parse

        floor_end = bare_parse(first)[0] + copy_s
        print(f"plancher nu au début : {floor:.1f} s ; à la fin : {floor_end:.1f} s")
        floor = (floor + floor_end) / 2
    print(f"charge à la fin (loadavg 1/5/15 min) : {load()}")
    print()
    print("| mesure | valeur | objectif |")
    print("| --- | --- | --- |")
    if floor:
        print(f"| plancher nu (lxml iterparse + COPY), moyenne début/fin | {floor:.1f} s | |")
        ratio = jalon_floor / floor
        print(f"| ancien plancher (analyseur Jalon + COPY) | {jalon_floor:.1f} s ({ratio:.2f} × le nu) | |")
    goals = {
        "premier import": 2,
        "réimport inchangé (mêmes foyers, autre en-tête)": 0.5,
        "réimport du même fichier (même sha256)": None,
        "réimport (5 % modifiés)": 1.5,
    }
    for label, (elapsed, peak) in results.items():
        factor = goals[label]
        if not floor:
            goal = "(SQLite : indicatif)"
        else:
            goal = f"≤ {factor} × plancher = {factor * floor:.1f} s" if factor else ""
        ratio = f" ({elapsed / floor:.2f} × le plancher nu)" if floor else ""
        print(f"| {label}, de bout en bout | {elapsed:.1f} s{ratio} | {goal} |")
        print(f"| {label}, mémoire maximale | {peak:.0f} Mo | ≤ 250 Mo |")


if __name__ == "__main__":
    main()
