"""Browser tests: Playwright drives Debian's Chromium against a live Jalon with the demo Département."""

import os
import shutil
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command


CHROMIUM = Path("/usr/bin/chromium")
OUTPUT_DIR = Path(settings.BASE_DIR) / "test-output" / "screenshots"
AXE_SCRIPT = Path(settings.NODE_MODULES_DIR) / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests themselves are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("JALON_REQUIRE_BROWSER"):
            pytest.fail("Chromium (/usr/bin/chromium) est absent : `make test` l'installe depuis les paquets Debian.")
        pytest.skip("Chromium absent : lancez `make test`, qui l'installe.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # bypass_csp lets the test inject axe-core; the pages themselves are served with their real CSP.
    context = browser.new_context(locale="fr-FR", bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def demo_template(django_db_setup, django_db_blocker, tmp_path_factory):
    """A copy of the test database holding the demo, kept as a PostgreSQL template for the session: building the
    demo takes tens of seconds, copying it one. Made by the first test that asks for the demo."""
    state: dict = {"files": tmp_path_factory.mktemp("demo-template")}
    yield state
    if "name" in state:
        with django_db_blocker.unblock():
            _maintenance(f'DROP DATABASE IF EXISTS "{state["name"]}"')


def _maintenance(*statements: str, leaving: str = "") -> None:
    """Run statements that PostgreSQL refuses inside the test database (creating or dropping a database), once
    the sessions still open on the database `leaving` (a finished thread's, the live server's) are closed."""
    import psycopg
    from django.db import connection, connections

    connections.close_all()
    params = {**connection.get_connection_params(), "dbname": "postgres"}
    params.pop("options", None)
    with psycopg.connect(**params, autocommit=True) as maintenance:
        if leaving:
            others = "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
            # A request of the previous test may still be finishing on the live server: let it end first.
            for _ in range(50):
                if not maintenance.execute(f"SELECT count(*) {others}", [leaving]).fetchone()[0]:
                    break
                time.sleep(0.1)
            maintenance.execute(f"SELECT pg_terminate_backend(pid) {others}", [leaving])
        for statement in statements:
            maintenance.execute(statement)


@pytest.fixture
def demo(transactional_db, live_server, demo_template, settings):
    """The demo Département 40, built by the same code as `make run` (300 households)."""
    import copy

    from django.db import connection

    if connection.vendor != "postgresql":
        return _demo_build()
    database = connection.settings_dict["NAME"]
    template = f"{database}_demo"
    if "ctx" not in demo_template:
        ctx = _demo_build()
        _maintenance(
            f'DROP DATABASE IF EXISTS "{template}"',
            f'CREATE DATABASE "{template}" TEMPLATE "{database}" STRATEGY FILE_COPY',
            leaving=database,
        )
        demo_template["name"] = template
        demo_template["ctx"] = copy.deepcopy(ctx)
        # What the demo writes besides the database (the sample files, the media) goes with the template.
        for folder in ("JALON_DEMO_DIR", "MEDIA_ROOT"):
            if Path(getattr(settings, folder)).exists():
                shutil.copytree(getattr(settings, folder), demo_template["files"] / folder)
        return ctx
    # The copy is made beside the test database, which is replaced only once the copy exists.
    _maintenance(
        f'DROP DATABASE IF EXISTS "{database}_next"',
        f'CREATE DATABASE "{database}_next" TEMPLATE "{template}" STRATEGY FILE_COPY',
        f'DROP DATABASE "{database}" WITH (FORCE)',
        f'ALTER DATABASE "{database}_next" RENAME TO "{database}"',
        leaving=database,
    )
    for folder in ("JALON_DEMO_DIR", "MEDIA_ROOT"):
        if (demo_template["files"] / folder).exists():
            shutil.copytree(demo_template["files"] / folder, getattr(settings, folder), dirs_exist_ok=True)
    return copy.deepcopy(demo_template["ctx"])


def _demo_build():
    from jalon.demo.builder import demo_build

    call_command("load_cog", "--departements", "40", verbosity=0)
    call_command("load_commune_centres", verbosity=0)
    return demo_build(departement_code="40", log=lambda _message: None, households=300)


def check_accessibility(page, name: str) -> None:
    """Screenshot the page and fail on any serious or critical axe-core violation, or on a button label cut off."""
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT_DIR / f"{name}.png"), full_page=True)
    page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    blocking = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(
            node["target"][0] if isinstance(node["target"][0], str) else str(node["target"])
            for node in violation["nodes"][:3]
        )
        for violation in results["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    assert not blocking, f"Accessibilité ({name}) :\n" + "\n".join(blocking)
    # A button with its icon beside its label must show the label: inside a button group, the DSFR shows only the
    # icon unless the group says where icons go (`fr-btns-group--icon-left`).
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('.fr-btn[class*="fr-btn--icon-"]')]
            .filter(b => b.offsetParent !== null && b.textContent.trim() && b.scrollWidth > b.clientWidth + 1)
            .map(b => b.textContent.trim())"""
    )
    assert not clipped, f"Libellés de boutons coupés ({name}) : {clipped}"


def contract_in_force(referent_email: str):
    """A demo contract running today, of a person the référent currently follows."""
    from django.utils import timezone

    from jalon.notebook.models import Contract

    today = timezone.localdate()
    contract = (
        Contract.objects.filter(
            end_reason="",
            starts_on__lt=today,
            ends_on__gt=today,
            notebook__person__referent_assignments__referent__email=referent_email,
            notebook__person__referent_assignments__ended_on=None,
        )
        .order_by("pk")
        .first()
    )
    assert contract is not None, referent_email
    return contract


def log_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def expect_listed(page, name: str) -> None:
    """A person's link in a paginated list sorted by name, looked for page after page: the demo's portfolios hold
    more than a page, and who comes first in a queue depends on the day the demo is built."""
    from playwright.sync_api import expect

    link = page.get_by_role("link", name=name)
    # On the last page the link is still drawn, disabled and without a target: only an enabled one is followed, so a
    # person listed nowhere fails the test instead of clicking the last page forever.
    following = page.locator("a.fr-pagination__link--next[href]")
    while not link.count() and following.count():
        following.first.click()
        page.wait_for_load_state()
    expect(link).to_be_visible()


def follow_menu(page, label: str) -> None:
    """Click an entry of the main menu, opening its group first when it sits in one."""
    import re

    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    link = page.locator("#fr-navigation a.fr-nav__link", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    menu = link.locator("xpath=ancestor::div[contains(@class, 'fr-menu')]")
    if menu.count():
        button = page.locator(f"#fr-navigation button[aria-controls='{menu.get_attribute('id')}']")
        # A click that lands before the DSFR's script is ready opens nothing: click again until the group opens.
        for _ in range(3):
            if link.is_visible():
                break
            button.click()
            try:
                link.wait_for(state="visible", timeout=3_000)
            except PlaywrightTimeout:
                continue
    link.click()
