"""On a 390 px phone and on a 1 366 px laptop, the pages each role opens every day fit the screen: wide tables scroll
inside their frame, the page itself never scrolls sideways."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from jalon.demo.builder import DEMO_PASSWORD
from tests.browser.conftest import contract_in_force, log_in


pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def _widest(page) -> str:
    """The innermost elements of the page reaching beyond the screen's right edge, to say what to look at."""
    return page.evaluate(
        """() => {
            const limit = document.documentElement.clientWidth;
            const beyond = el => el.getBoundingClientRect().right > limit + 1;
            return [...document.querySelectorAll('main *')]
                .filter(el => beyond(el) && ![...el.children].some(beyond))
                .slice(0, 6)
                .map(el => el.tagName.toLowerCase() + '.' + [...el.classList].join('.') + ' '
                     + Math.round(el.getBoundingClientRect().right));
        }"""
    )


def _check(page, url: str, failures: list[str]) -> None:
    response = page.goto(url)
    if response is None or response.status != 200:
        failures.append(f"{url} : réponse {response.status if response else 'absente'}")
        return
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    overflow = _overflow(page)
    if overflow > 0:
        failures.append(f"{url} : {overflow} px de trop — {_widest(page)}")


def _daily_pages() -> dict[str, list[str]]:
    from jalon.employers.models import Employer
    from jalon.employment.models import JobOffer
    from jalon.exits.models import Exit
    from jalon.offer.measures.models import Measure
    from jalon.organisations.models import Membership
    from jalon.orientation.models import ReferentAssignment
    from jalon.programme.models import NetworkEvent
    from jalon.surveys.models import Campaign

    contract = contract_in_force("referent@landes.demo.jalon.test")
    person_pk = contract.notebook.person_id
    employer = Employer.objects.filter(departement_id="40").order_by("pk").first()
    exited = Exit.objects.in_force().to_employment().filter(person__departement_id="40").order_by("pk").first()
    manager = Membership.objects.get(user__email="manager@landes.demo.jalon.test")
    followed_there = (
        ReferentAssignment.objects.current()
        .filter(organisation_id=manager.organisation_id)
        .values_list("referent_id", flat=True)
        .first()
    )
    offer = JobOffer.objects.filter(departement_id="40").order_by("pk").first()
    # The demo's surveys: a finished campaign (results and charts) and the open one (its paper entry).
    campaigns = list(Campaign.objects.filter(departement_id="40").order_by("opens_on"))
    finished, running = campaigns[0], campaigns[-1]
    forum = NetworkEvent.objects.filter(programme__departement_id="40").order_by("pk").first()
    # An IAE or PEC contract ended for a person the référent follows: the exit it proposes.
    ended = (
        Measure.objects.filter(
            kind__in=("iae", "pec"),
            ends_on__lte=timezone.localdate(),
            exit_decision=None,
            notebook__closed_on=None,
            person__referent_assignments__referent__email="referent@landes.demo.jalon.test",
            person__referent_assignments__ended_on=None,
        )
        .order_by("pk")
        .first()
    )
    return {
        "referent@landes.demo.jalon.test": [
            "/",
            "/carnets/tableau-de-bord/",
            f"/personnes/{person_pk}/",
            f"/carnets/{person_pk}/",
            f"/carnets/{person_pk}/contrats/",
            "/notifications/",
            reverse("exits:follow_up"),
            reverse("employment:offers"),
            reverse("workspace:calendar"),
            reverse("workspace:calendar") + "?mois=" + f"{timezone.localdate():%Y-%m}",
            reverse("employment:person", args=[person_pk]),
            reverse("employment:offer", args=[offer.pk]),
            *([reverse("employment:measure_exit", args=[ended.pk])] if ended else []),  # when the demo has one
            reverse("francetravail:situation", args=[person_pk]),
            reverse("duties:person", args=[person_pk]),
            reverse("surveys:paper_entry", args=[running.pk]),
        ],
        "orientation@landes.demo.jalon.test": ["/", "/orientation/", reverse("duties:list")],
        "manager@landes.demo.jalon.test": [
            "/",
            reverse("orientation:caseload"),
            reverse("orientation:caseload_transfer", args=[followed_there]),
        ],
        "pilote@landes.demo.jalon.test": [
            "/",
            "/observatoire/synthese/",
            reverse("programme:commitments_by_signatory", args=[forum.programme.code]),
            reverse("programme:network_events", args=[forum.programme.code]) + "?quand=passes",
            reverse("programme:network_event", args=[forum.programme.code, forum.pk]),
            reverse("programme:network_documents", args=[forum.programme.code]),
            reverse("surveys:home"),
            reverse("surveys:campaign", args=[finished.pk]),
            reverse("surveys:texts", args=[finished.pk]),
            reverse("surveys:questionnaire", args=[finished.version.questionnaire_id]),
        ],
        "partenaire@landes.demo.jalon.test": ["/"],
        "admin.asso@landes.demo.jalon.test": ["/"],
        "admin@landes.demo.jalon.test": [
            "/",
            "/journal/",
            reverse("employers:list"),
            reverse("employers:detail", args=[employer.pk]),
            reverse("exits:person", args=[exited.person_id]),
            reverse("exits:employer_feedback", args=[exited.pk]),
            reverse("employment:offer_create") + f"?employeur={employer.pk}",
            reverse("orientation:delay_thresholds"),
            reverse("orientation:criteria"),
            reverse("observatory:committees_export"),
        ],
    }


@pytest.mark.parametrize("screen", [PHONE, LAPTOP], ids=["390px", "1366px"])
def test_the_daily_pages_of_each_role_fit_the_screen(browser, live_server, demo, screen):
    failures: list[str] = []
    for email, paths in _daily_pages().items():
        phone = screen is PHONE
        context = browser.new_context(locale="fr-FR", viewport=screen, is_mobile=phone, has_touch=phone)
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, live_server.url, email, DEMO_PASSWORD)
        for path in paths:
            _check(page, live_server.url + path, failures)
        context.close()
    assert not failures, "\n".join(failures)
