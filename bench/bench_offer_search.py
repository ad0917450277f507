"""The offer directory at national scale: import of a 140 000-service data·inclusion dump, then the search of the
professionals (commune + thématique + text) through the selector, p50/p95 over varied queries.

The dump is generated: services spread over every commune of a few départements (their commune, their EPCI, their
département) and national ones, thématiques, publics and types from the `data-inclusion-schema` package, names and
descriptions from small French word lists. It is written as a data·inclusion directory (`structures.json`,
`services.json`) and imported with the real command (`manage.py import_offer`), in a child process, timed end to end.
Needs the COG of the départements (loaded with `load_cog` when missing).

    bash -c 'source scripts/lib.sh; start_throwaway_postgres; .venv/bin/python bench/bench_offer_search.py'
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings.dev")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402


django.setup()

from data_inclusion.schema import v1  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from jalon.core.scoping import Actor  # noqa: E402
from jalon.offer.directory.selectors import (  # noqa: E402
    SearchCriteria,
    search_origin,
    service_search,
    services_matching,
)
from jalon.offer.models import Service  # noqa: E402
from jalon.territories.models import Commune  # noqa: E402


PY = sys.executable
ROOT = Path(__file__).resolve().parent.parent

KINDS = ["Atelier", "Accompagnement", "Permanence", "Aide", "Point d'accueil", "Formation", "Service", "Espace"]
TOPICS = [
    "permis de conduire",
    "mobilité solidaire",
    "épicerie solidaire",
    "garde d'enfants",
    "numérique",
    "accès aux droits",
    "logement d'urgence",
    "budget et surendettement",
    "santé mentale",
    "français langue étrangère",
    "recherche d'emploi",
    "création d'entreprise",
    "remobilisation",
    "parentalité",
    "vestiaire solidaire",
    "réparation de vélos",
    "aide alimentaire",
    "insertion par l'activité économique",
    "chantier d'insertion",
    "immersion en entreprise",
]
QUALIFIERS = [
    "solidaire",
    "itinérant",
    "collectif",
    "individuel",
    "pour les jeunes",
    "pour les familles",
    "de proximité",
]
PHRASES = [
    "Un accompagnement personnalisé pour avancer dans son parcours.",
    "Des ateliers collectifs en petit groupe, sur inscription.",
    "Permanence sans rendez-vous deux demi-journées par semaine.",
    "Orientation par un professionnel (référent RSA, France Travail, CCAS).",
    "Aide financière ponctuelle sous conditions de ressources.",
    "Prêt de véhicule, location de scooter et conseils pour le permis.",
    "Denrées alimentaires et produits d'hygiène à petit prix.",
    "Initiation aux démarches en ligne et prêt de matériel informatique.",
    "Soutien aux parents, garde ponctuelle des enfants pendant les démarches.",
    "Écoute, conseil et orientation vers les services de santé.",
]
STRUCTURE_KINDS = [
    "Association",
    "CCAS",
    "Mission locale",
    "Centre social",
    "Maison France services",
    "Régie de quartier",
]
SEARCH_WORDS = [
    "permis",
    "epicerie",
    "numerique",
    "garde",
    "budget",
    "logement",
    "velo",
    "emploi",
    "sante",
    "francais",
    "alimentaire",
    "chantier",
]


def dump_write(directory: Path, *, services: int, departements: list[str], seed: int) -> None:
    rng = random.Random(seed)
    thematiques = [member.value for member in v1.Thematique]
    publics = [member.value for member in v1.Public]
    kinds = [member.value for member in v1.TypeService]
    communes = list(Commune.objects.filter(departement_id__in=departements).values_list("code", "epci_id", "name"))
    centres = {
        code: (latitude, longitude)
        for code, latitude, longitude in Commune.objects.filter(departement_id__in=departements)
        .exclude(latitude=None)
        .values_list("code", "latitude", "longitude")
    }
    if not communes:
        sys.exit(f"Aucune commune pour {departements} : lancez load_cog.")
    directory.mkdir(parents=True, exist_ok=True)
    structures_count = services // 5
    structure_places = [rng.choice(communes) for _ in range(structures_count)]
    with (directory / "structures.json").open("w", encoding="utf-8") as handle:
        handle.write("[")
        for index, (code, _epci, name) in enumerate(structure_places):
            record = {
                "source": "bench",
                "id": f"s{index}",
                "nom": f"{rng.choice(STRUCTURE_KINDS)} {name} {index}",
                "date_maj": "2026-06-01",
                "code_insee": code,
                "commune": name,
                "description": rng.choice(PHRASES),
            }
            handle.write(("," if index else "") + "\n" + json.dumps(record, ensure_ascii=False))
        handle.write("\n]\n")

    def public_draw() -> list[str]:
        drawn = sorted(set(rng.sample(publics, rng.randint(1, 2))))
        return ["tous-publics"] if "tous-publics" in drawn else drawn  # the schema forbids it with others

    with (directory / "services.json").open("w", encoding="utf-8") as handle:
        handle.write("[")
        for index in range(services):
            structure = rng.randrange(structures_count)
            code, epci, name = structure_places[structure]
            draw = rng.random()
            if draw < 0.15:
                zone = ["france"]
            elif draw < 0.40:
                zone = [code[:2] if not code.startswith("97") else code[:3]]
            elif draw < 0.60 and epci:
                zone = [epci]
            else:
                zone = sorted({code, *(rng.choice(communes)[0] for _ in range(rng.randrange(3)))})
            record = {
                "source": "bench",
                "id": f"v{index}",
                "structure_id": f"s{structure}",
                "nom": f"{rng.choice(KINDS)} {rng.choice(TOPICS)} {rng.choice(QUALIFIERS)}"[:150],
                "description": " ".join(rng.sample(PHRASES, 2)),
                "date_maj": "2026-06-01",
                "type": rng.choice(kinds),
                "thematiques": sorted(set(rng.sample(thematiques, rng.randint(1, 3)))),
                "publics": public_draw(),
                "frais": rng.choice(["gratuit", "payant"]),
                "modes_accueil": ["en-presentiel"],
                "zone_eligibilite": zone,
                "code_insee": code,
                "commune": name,
            }
            # As data·inclusion gives them: geocoded, within a few km of their commune's centre when it is known.
            if code in centres and rng.random() < 0.8:
                record["latitude"] = round(centres[code][0] + rng.uniform(-0.02, 0.02), 5)
                record["longitude"] = round(centres[code][1] + rng.uniform(-0.03, 0.03), 5)
            handle.write(("," if index else "") + "\n" + json.dumps(record, ensure_ascii=False))
        handle.write("\n]\n")


def import_timed(directory: Path, profile: Path | None = None) -> float:
    env = {**os.environ}
    command = [PY, "manage.py", "import_offer", str(directory), "-v0"]
    if profile is not None:
        command[1:1] = ["-m", "cProfile", "-o", str(profile)]
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if completed.returncode:
        sys.exit(f"import_offer a échoué :\n{completed.stdout}\n{completed.stderr}")
    print(completed.stdout.strip())
    return elapsed


def parse_floor_timed(directory: Path) -> float:
    """The import's floor, measured in the same run: a child process that only parses the dump's JSON (`json.load`
    of both files), the least any import of these files does."""
    code = "import json, sys; [json.load(open(path, encoding='utf-8')) for path in sys.argv[1:]]"
    paths = [str(directory / "structures.json"), str(directory / "services.json")]
    start = time.perf_counter()
    subprocess.run([PY, "-c", code, *paths], check=True)
    return time.perf_counter() - start


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def floor_timed(criteria: SearchCriteria) -> float:
    """The floor: the same search reduced to counting its matches (the GIN indexes and the heap: what any search
    with these criteria must read), without rank, sort, page, structures nor explanations."""
    start = time.perf_counter()
    services_matching(criteria).order_by().count()
    return (time.perf_counter() - start) * 1000


def measure(criteria_list: list[SearchCriteria], label: str, what: str = "commune + thématique + mot") -> list[int]:
    actor = Actor(user=None)
    # Warm-up (plans, caches), then the measured runs, each search followed by its floor: both under the same load.
    for criteria in criteria_list[:5]:
        service_search(actor=actor, criteria=criteria)
        floor_timed(criteria)
    timings, floor, found, queries = [], [], [], []
    for criteria in criteria_list:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            results = service_search(actor=actor, criteria=criteria)
            timings.append((time.perf_counter() - start) * 1000)
        floor.append(floor_timed(criteria))
        found.append(results.page.paginator.count)
        queries.append(len(captured.captured_queries))
    p95, floor_p95 = percentile(timings, 0.95), percentile(floor, 0.95)
    print(
        f"| recherche {what}, page 1 expliquée ({len(criteria_list)} requêtes), {label} "
        f"| {statistics.median(timings):.1f} ms | {p95:.1f} ms | {statistics.median(floor):.1f} ms "
        f"| {floor_p95:.1f} ms | {p95 / floor_p95:.2f} | {max(queries)} |"
    )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=140_000)
    parser.add_argument("--departements", nargs="+", default=["40", "64", "33", "59"])
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/jalon-bench-offer"))
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--profile", type=Path, help="profil cProfile de l'import (processus enfant) dans ce fichier")
    args = parser.parse_args()
    print(f"charge au début : {os.getloadavg()}")
    if connection.vendor != "postgresql":
        sys.exit("DATABASE_URL doit désigner un PostgreSQL jetable.")

    call_command("migrate", "--noinput", verbosity=0)
    if Commune.objects.filter(departement_id__in=args.departements).count() == 0:
        call_command("load_cog", "--departements", *args.departements, verbosity=0)
    call_command("load_commune_centres", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE offer_service, offer_structure CASCADE")

    started = time.perf_counter()
    dump_write(args.workdir, services=args.services, departements=args.departements, seed=args.seed)
    size = sum(path.stat().st_size for path in args.workdir.glob("*.json")) / 1e6
    print(f"dump généré en {time.perf_counter() - started:.1f} s : {args.workdir} ({size:.0f} Mo)")

    parsed = parse_floor_timed(args.workdir)
    elapsed = import_timed(args.workdir, args.profile)
    total = Service.objects.count()
    print(
        f"import : {total} services en {elapsed:.1f} s ({total / elapsed:.0f} services/s) ; plancher (lecture du "
        f"JSON seule) : {parsed:.1f} s ; import / plancher : {elapsed / parsed:.1f}"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE offer_service")
        cursor.execute("ANALYZE offer_structure")

    rng = random.Random(args.seed + 1)
    communes = list(Commune.objects.filter(departement_id__in=args.departements).select_related("epci", "departement"))
    categories = [member.value for member in v1.Categorie]
    criteria_list = [
        SearchCriteria(
            commune=rng.choice(communes), thematiques=(rng.choice(categories),), text=rng.choice(SEARCH_WORDS)
        )
        for _ in range(args.queries)
    ]
    print()
    print("| mesure | p50 | p95 | plancher p50 | plancher p95 | p95 / plancher | requêtes SQL |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    found = measure(criteria_list, "juste après l'import (listes d'attente des index GIN pleines)")
    # What autovacuum does shortly after a large import: it empties the GIN indexes' pending lists.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE offer_service")
    measure(criteria_list, "après VACUUM (régime établi)")
    # From the centre of a placed commune, within 30 km, the closest first.
    placed = [commune for commune in communes if commune.latitude is not None]
    near_list = [
        SearchCriteria(
            commune=commune,
            thematiques=criteria.thematiques,
            text=criteria.text,
            origin=search_origin(commune),
            max_km=30,
            sort="distance",
        )
        for commune, criteria in zip((rng.choice(placed) for _ in criteria_list), criteria_list, strict=True)
    ]
    measure(near_list, "après VACUUM", what="commune + thématique + mot + 30 km, par distance")
    print(f"résultats par recherche : médiane {statistics.median(found):.0f}, max {max(found)}")
    print(f"import : {elapsed:.1f} s (objectif ≤ 60 s) ; recherche p95 objectif ≤ 50 ms")
    print(f"charge à la fin : {os.getloadavg()}")


if __name__ == "__main__":
    main()
