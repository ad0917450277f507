"""The pages of a busy Département under load: gunicorn (3 workers, production settings, DEBUG off) on 127.0.0.1,
real users signed in through the login form, and the page mix of a référent, a chargé d'orientation and a
manager of the Département: homes, the « à orienter » queue, the portfolio, a person file, a carnet, the delays,
the offer search, the figures (« Chiffres des carnets », « Chiffres de l'orientation »).

It builds (or reuses, when the people of département 59 are there) the Nord-scale data of the other page
benchmarks — the CAF import of bench_caf_import.py and the set-ups of bench_orientation_queue.py,
bench_delays_screen.py and bench_carnet.py, imported, not copied —, runs the daily alert run and the observatory's
computation of the figures' indicators over the last twelve months, then measures:

- per page requested alone through Django's test client: its time, its SQL time and its SQL queries (constant in
  the data size), the aggregates it shows being kept (`jalon.core.aggregates`);
- closed loop at saturation: N clients without pause for `--duration` seconds, for each N of `--clients`;
- 32 users each loading a page every 5 s (open rhythm: a late page does not delay the next tick);
- a floor: the same closed loop on a page that reads no data (the accessibility statement), in the same run.

Per page p50/p95/p99, throughput and errors; the load average at the start and the end.

    bash -c 'source scripts/lib.sh; start_throwaway_postgres; .venv/bin/python bench/bench_web_load.py'
    .venv/bin/python bench/bench_web_load.py --clients 4,8 --duration 20 --users 32   # against DATABASE_URL
"""

import argparse
import base64
import hashlib
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from datetime import timedelta
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings.dev")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402


django.setup()

from bench_caf_import import ensure_files  # noqa: E402
from bench_caf_import import run as run_command  # noqa: E402
from bench_carnet import build_carnets, build_referents  # noqa: E402
from bench_delays_screen import build_path, build_territories, client_for  # noqa: E402
from bench_orientation_queue import organisation_get  # noqa: E402
from bench_orientation_queue import setup as queue_setup  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from jalon.accounts.models import User  # noqa: E402
from jalon.core.enums import Role  # noqa: E402
from jalon.observatory.models import IndicatorValue  # noqa: E402
from jalon.organisations.models import Membership  # noqa: E402
from jalon.orientation.models import DelayAlert, Orientation  # noqa: E402
from jalon.people.models import Person  # noqa: E402


DEPARTEMENT = "59"
PASSWORD = "mot de passe du banc d'essai"  # noqa: S105 - a throwaway database's bench accounts
FLOOR = "/accessibilite/"
# The figures pages' indicators (jalon/observatory/figures.py, jalon/notebook/figures.py).
FIGURE_CODES = ("P01", "P02", "P03", "P04", "P05", "P06", "J01", "J02", "L66", "J05", "L13", "J06", "J07", "J08")


def build(workdir: Path) -> dict:
    """The other page benchmarks' data, built once; returns the bench's memberships and the pages' ids."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jalon.settings.dev", "DEBUG": "false"}
    manage = [sys.executable, "manage.py"]
    run_command([*manage, "migrate", "--noinput", "-v0"], env)
    if not Person.objects.filter(departement_id=DEPARTEMENT).exists():
        first, _ = ensure_files(workdir, 110_000, env)
        run_command([*manage, "load_cog", "--all", "-v0"], env)
        started = time.monotonic()
        command = ["import_caf_flux", str(first), "--departement", DEPARTEMENT, "--autre-departement", "-v0"]
        run_command([*manage, *command], env)
        print(f"import CAF du Nord : {time.monotonic() - started:.0f} s")
    user, officer = queue_setup()
    build_territories()
    build_path(user)
    organisation = organisation_get()
    referents = build_referents(organisation)
    referent = Membership.objects.get(organisation=organisation, role=Role.REFERENT, user_id=referents[0])
    carnet_person = build_carnets(referent.user_id)
    if not DelayAlert.objects.filter(person__departement_id=DEPARTEMENT).exists():
        from jalon.orientation.delays.services import delay_alerts_raise

        started = time.monotonic()
        delay_alerts_raise(departement_id=DEPARTEMENT, notify=False)
        print(f"levée des alertes : {time.monotonic() - started:.0f} s")
    manager_user = User.objects.filter(email="manager-departement@nord-bench.test").first() or (
        User.objects.create_user("manager-departement@nord-bench.test", first_name="Manager", last_name="Nord")
    )
    # A manager of the Département's own organisation, with no territory: the whole Département's figures.
    manager, _ = Membership.objects.get_or_create(
        user=manager_user, organisation=organisation, role=Role.TERRITORY_MANAGER
    )
    if not IndicatorValue.objects.filter(departement_id=DEPARTEMENT, indicator__code__in=FIGURE_CODES).exists():
        from jalon.observatory.services import catalogue_load, snapshot_compute

        catalogue_load()
        started = time.monotonic()
        today = timezone.localdate()
        snapshot_compute(
            departement_id=DEPARTEMENT,
            today=today,
            full=True,
            first_day=(today.replace(day=1) - timedelta(days=335)).replace(day=1),
            codes=list(FIGURE_CODES),
        )
        print(f"indicateurs des pages de chiffres (12 mois) : {time.monotonic() - started:.0f} s")
    for membership in (officer, referent, manager):
        if not membership.user.check_password(PASSWORD):
            membership.user.set_password(PASSWORD)
            membership.user.save(update_fields=["password"])
    queued = Person.objects.filter(departement_id=DEPARTEMENT).exclude(pk__in=Orientation.objects.values("person_id"))
    return {
        "officer": officer,
        "referent": referent,
        "manager": manager,
        "carnet_person": carnet_person,
        "queued_person": queued.order_by("pk").values_list("pk", flat=True).first(),
    }


def page_mix(data: dict) -> dict[str, list[tuple[str, str]]]:
    """(label, URL) of each role's pages, loaded in turn by each of its clients."""
    carnet, queued = data["carnet_person"], data["queued_person"]
    return {
        "referent": [
            ("accueil du référent", "/"),
            ("portefeuille", "/orientation/portefeuille/"),
            ("fiche personne (référent)", f"/personnes/{carnet}/"),
            ("carnet", f"/carnets/{carnet}/"),
            ("recherche dans l'offre", "/offre/services/?commune=59350&text=emploi"),
        ],
        "officer": [
            ("accueil du chargé d'orientation", "/"),
            ("file « à orienter »", "/orientation/"),
            ("délais (chargé d'orientation)", "/orientation/delais/"),
            ("fiche personne (chargé d'orientation)", f"/personnes/{queued}/"),
        ],
        "manager": [
            ("accueil du manager", "/"),
            ("délais (manager du Département)", "/orientation/delais/"),
            ("chiffres des carnets", "/carnets/chiffres/"),
            ("chiffres de l'orientation", "/observatoire/orientation/"),
        ],
    }


def page_costs(data: dict, mix: dict) -> dict[str, tuple[int, int, float, float]]:
    """(status, SQL queries, time, SQL time) of each page requested alone through the test client: the best of three
    requests after a warm-up one (which also keeps the page's aggregates, as a busy server has them)."""
    costs = {}
    for role, pages in mix.items():
        client = client_for(data[role])
        for label, url in [*pages, ("plancher : déclaration d'accessibilité", FLOOR)]:
            client.get(url)
            best = None
            for _ in range(3):
                sql_time = [0.0]

                def timed_sql(execute, sql, params, many, context, sql_time=sql_time):
                    started = time.perf_counter()
                    try:
                        return execute(sql, params, many, context)
                    finally:
                        sql_time[0] += time.perf_counter() - started

                started = time.perf_counter()
                with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timed_sql):
                    response = client.get(url)
                elapsed = time.perf_counter() - started
                if best is None or elapsed < best[2]:
                    best = (response.status_code, len(ctx.captured_queries), elapsed * 1000, sql_time[0] * 1000)
            costs.setdefault(label, best)
    return costs


def report_costs(costs: dict) -> None:
    print()
    print("### chaque page seule (client de test, meilleure de trois requêtes)")
    print()
    print("| page | temps | dont SQL | requêtes SQL |")
    print("| --- | --- | --- | --- |")
    for label, (_, queries, total, sql) in sorted(costs.items(), key=lambda item: -item[1][2]):
        print(f"| {label} | {total:.0f} ms | {sql:.0f} ms | {queries} |")


# -- the server ------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def derived_key(label: bytes) -> str:
    # The development settings derive the NIR keys from SECRET_KEY (jalon/people/crypto.py); production requires
    # them: the same keys, so that the NIRs written by the set-up read back.
    return base64.urlsafe_b64encode(hashlib.sha256(label + settings.SECRET_KEY.encode()).digest()).decode()


def serve(workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jalon.settings.prod",
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_URL": "consolemail://",
        "DEFAULT_FROM_EMAIL": "Jalon <ne-pas-repondre@jalon.localhost>",
        "JALON_SITE_URL": f"https://127.0.0.1:{port}",
        "JALON_NIR_ENCRYPTION_KEY": derived_key(b"jalon-nir-encryption"),
        "JALON_NIR_HASH_KEY": derived_key(b"jalon-nir-hash"),
        # The bench accounts have no TOTP device; everything else is production's.
        "JALON_REQUIRE_2FA": "false",
    }
    run_command([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    server = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "jalon.wsgi:application",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--timeout=120",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _, _ = Session(port).get("/sante/")
            if status == 200:
                return server, port
        except OSError:
            pass
        time.sleep(0.5)
    stop(server)
    sys.exit("gunicorn n'a pas démarré.")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


# -- the clients -----------------------------------------------------------------------------------------------


class Session:
    """One browser: its cookies, one connection per request (gunicorn's sync workers close it anyway). Requests
    say they came through an HTTPS proxy, as in production (SECURE_PROXY_SSL_HEADER)."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        connection_ = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            all_headers = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https", **(headers or {})}
            if self.cookies:
                all_headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            connection_.request(method, path, body=body, headers=all_headers)
            response = connection_.getresponse()
            content = response.read()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            return response.status, response.getheader("Location", ""), content
        finally:
            connection_.close()

    def get(self, path: str):
        return self.request("GET", path)

    def login(self, email: str) -> None:
        status, _, content = self.get("/compte/connexion/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if status != 200 or not token:
            sys.exit(f"page de connexion : {status}")
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token.group(1).decode(), "username": email, "password": PASSWORD}
        )
        origin = f"https://127.0.0.1:{self.port}"
        status, location, _ = self.request(
            "POST",
            "/compte/connexion/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": f"{origin}/compte/connexion/",
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            sys.exit(f"connexion refusée pour {email} : {status} {location}")


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)

    def add(self, label: str, elapsed: float, ok: bool) -> None:
        with self.lock:
            self.timings[label].append(elapsed * 1000)
            if not ok:
                self.errors[label] += 1


def timed_get(session: Session, recorder: Recorder, label: str, url: str) -> None:
    started = time.perf_counter()
    try:
        status, _, _ = session.get(url)
        ok = status == 200
    except OSError:
        ok = False
    recorder.add(label, time.perf_counter() - started, ok)


def sessions_for(port: int, data: dict, count: int) -> list[tuple[Session, str]]:
    """`count` browsers signed in through the login form, the roles dealt in turn."""
    roles = ("referent", "officer", "manager")
    sessions = []
    for index in range(count):
        role = roles[index % len(roles)]
        session = Session(port)
        session.login(data[role].user.email)
        sessions.append((session, role))
    return sessions


def closed_loop(sessions, mix: dict, duration: float) -> tuple[Recorder, float]:
    """Every client loads its role's pages in turn, without pause, until the time is up."""
    recorder, deadline = Recorder(), time.monotonic() + duration

    def client(session: Session, pages: list, offset: int) -> None:
        index = offset
        while time.monotonic() < deadline:
            label, url = pages[index % len(pages)]
            timed_get(session, recorder, label, url)
            index += 1

    started = time.monotonic()
    _run_each(client, sessions, mix)
    return recorder, time.monotonic() - started


def _run_each(target, sessions, mix: dict) -> None:
    """One thread per signed-in session, running `target(session, its role's pages, its index)`; waits for all."""
    threads = [
        threading.Thread(target=target, args=(session, mix[role], index))
        for index, (session, role) in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def paced_loop(sessions, mix: dict, duration: float, interval: float) -> tuple[Recorder, float]:
    """Every user loads a page every `interval` seconds (their start spread over the first interval); a page that
    takes longer than the interval delays only that user. Nothing starts after the time is up."""
    recorder, started = Recorder(), time.monotonic()
    deadline = started + duration

    def user(session: Session, pages: list, offset: int) -> None:
        tick, index = started + interval * offset / len(sessions), offset
        while tick < deadline and time.monotonic() < deadline:
            time.sleep(max(0.0, tick - time.monotonic()))
            label, url = pages[index % len(pages)]
            timed_get(session, recorder, label, url)
            index += 1
            tick += interval

    _run_each(user, sessions, mix)
    return recorder, time.monotonic() - started


def percentile(timings: list[float], share: float) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered))) - 1))]


def report(title: str, recorder: Recorder, elapsed: float, counts: dict | None = None) -> None:
    everything = [value for values in recorder.timings.values() for value in values]
    errors = sum(recorder.errors.values())
    print()
    print(
        f"### {title} : {len(everything) / elapsed:.1f} requêtes/s ({len(everything)} en {elapsed:.0f} s), "
        f"{errors} erreur(s), p50 {statistics.median(everything):.0f} ms, p95 {percentile(everything, 0.95):.0f} ms, "
        f"p99 {percentile(everything, 0.99):.0f} ms ; charge {os.getloadavg()[0]:.1f}"
    )
    print()
    print("| page | requêtes | p50 | p95 | p99 | erreurs | requêtes SQL |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for label, values in sorted(recorder.timings.items(), key=lambda item: -statistics.median(item[1])):
        queries = counts[label][1] if counts and label in counts else ""
        print(
            f"| {label} | {len(values)} | {statistics.median(values):.0f} ms | {percentile(values, 0.95):.0f} ms | "
            f"{percentile(values, 0.99):.0f} ms | {recorder.errors.get(label, 0)} | {queries} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", default="8,16,32", help="closed-loop clients, one run each (default 8,16,32)")
    parser.add_argument("--duration", type=float, default=30, help="seconds of each run (default 30)")
    parser.add_argument("--users", type=int, default=32, help="users of the paced run (default 32)")
    parser.add_argument("--interval", type=float, default=5, help="seconds between two pages of a user (default 5)")
    parser.add_argument("--paced-duration", type=float, default=60, help="seconds of the paced run (default 60)")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/jalon-bench"))
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("DATABASE_URL doit désigner un PostgreSQL jetable.")

    data = build(args.workdir)
    mix = page_mix(data)
    counts = page_costs(data, mix)
    print(f"personnes du département {DEPARTEMENT} : {Person.objects.filter(departement_id=DEPARTEMENT).count()}")
    failing = {label: cost[0] for label, cost in counts.items() if cost[0] != 200}
    if failing:
        sys.exit(f"pages en erreur par le client de test : {failing}")
    report_costs(counts)
    # The server starts with no aggregate kept: the first requests count them, and they expire during the runs.
    caches["aggregates"].clear()
    connection.close()  # the set-up's connection is not needed while the server runs
    print(f"charge de la machine au départ : {' / '.join(f'{value:.1f}' for value in os.getloadavg())}")

    server, port = serve(args.workers)
    try:
        warm = sessions_for(port, data, 3)
        closed_loop(warm, mix, 5)  # every worker imports its modules and opens its connection
        largest = max(int(value) for value in args.clients.split(","))
        signed_in = sessions_for(port, data, max(largest, args.users))
        for clients in (int(value) for value in args.clients.split(",")):
            floor_mix = {role: [("plancher : déclaration d'accessibilité", FLOOR)] for role in mix}
            recorder, elapsed = closed_loop(signed_in[:clients], floor_mix, args.duration / 3)
            report(f"plancher, {clients} clients sans pause", recorder, elapsed)
            recorder, elapsed = closed_loop(signed_in[:clients], mix, args.duration)
            report(f"mélange de pages, {clients} clients sans pause", recorder, elapsed, counts)
        recorder, elapsed = paced_loop(signed_in[: args.users], mix, args.paced_duration, args.interval)
        report(f"{args.users} utilisateurs, une page toutes les {args.interval:.0f} s", recorder, elapsed, counts)
    finally:
        stop(server)
    print()
    print(f"charge de la machine à la fin : {' / '.join(f'{value:.1f}' for value in os.getloadavg())}")


if __name__ == "__main__":
    main()
