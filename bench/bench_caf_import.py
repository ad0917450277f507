"""CAF/MSA flux import at Nord scale: floor, first import, re-import with 5 % changed, peak memory.

Each import runs `manage.py import_caf_flux` in its own process, so its peak memory is its own. Figures of
the issue's goals are printed side by side with the floor measured in the same run by caf_flux_floor.py.

    bash -c 'source scripts/lib.sh; start_throwaway_postgres; .venv/bin/python bench/bench_caf_import.py'
    .venv/bin/python bench/bench_caf_import.py --sqlite          # the same import on SQLite (figure only)
"""

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CREATED = "2025-06-02T04:30:00"


def run(cmd: list[str], env: dict) -> tuple[float, str]:
    started = time.monotonic()
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        sys.exit(f"échec de {' '.join(cmd)}:\n{result.stdout}\n{result.stderr}")
    return elapsed, result.stdout


def peak_child_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


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
    print(f"fichiers : {first.name} ({first.stat().st_size / 1e6:.0f} Mo), {changed.name}")

    floor = None
    if not args.sqlite:
        _, out = run([PY, "bench/caf_flux_floor.py", str(first)], env)
        match = re.search(r"floor s[^\d]*([\d.]+)", out)
        floor = float(match.group(1)) if match else None
        print(out.strip())

    manage = [PY, "manage.py"]
    run([*manage, "flush", "--noinput"], env) if not args.sqlite else None
    run([*manage, "migrate", "--noinput", "-v0"], env)
    run([*manage, "load_cog", "--all", "-v0"], env)

    results = {}
    for label, path in (("premier import", first), ("réimport (5 % modifiés)", changed)):
        before = peak_child_mb()
        # The generated files are addressed to the Landes (IDEPARTE 040): imported into the Nord's base on purpose.
        command = ["import_caf_flux", str(path), "--departement", "59", "--autre-departement", "-v0"]
        elapsed, out = run([*manage, *command], env)
        print(out.strip())
        results[label] = (elapsed, max(peak_child_mb(), before))
    print()
    print("| mesure | valeur | objectif |")
    print("| --- | --- | --- |")
    if floor:
        print(f"| plancher (analyse + COPY) | {floor:.1f} s | |")
    goals = {"premier import": 3, "réimport (5 % modifiés)": 2}
    for label, (elapsed, peak) in results.items():
        goal = f"≤ {goals[label]} × plancher = {goals[label] * floor:.0f} s" if floor else "(SQLite : indicatif)"
        ratio = f" ({elapsed / floor:.1f} × le plancher)" if floor else ""
        print(f"| {label}, de bout en bout | {elapsed:.1f} s{ratio} | {goal} |")
        print(f"| {label}, mémoire maximale | {peak:.0f} Mo | ≤ 300 Mo |")


if __name__ == "__main__":
    main()
