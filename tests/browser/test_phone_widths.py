"""On a 390 px phone and on a 1 366 px laptop, the pages each role opens every day fit the screen: wide tables scroll
inside their frame, the page itself never scrolls sideways."""

import datetime

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
    from jalon.orientation.models import Orientation, ReferentAssignment
    from jalon.participation.models import Body
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
    referent = Membership.objects.get(user__email="referent@landes.demo.jalon.test", role="referent")
    # A person of the référent's structure in the social path since the plein-emploi law: her joint diagnostic.
    social = (
        Orientation.objects.current()
        .filter(organisation_id=referent.organisation_id, orientation_type="social", joint_diagnostic_on=None)
        .filter(decided_on__gte=datetime.date(2025, 1, 1))
        .order_by("pk")
        .first()
    )
    # The users' participation: the Dax SDSEI's comité d'usagers (its manager runs it), its last meeting, the EPL.
    committee = Body.objects.committees().get(organisation_id=manager.organisation_id)
    committee_meeting = committee.meetings.filter(held_at__lt=timezone.now()).order_by("-held_at").first()
    epl_seats = Body.objects.epl().get(departement_id="40")
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
            *([reverse("orientation:joint_diagnostic", args=[social.person_id])] if social else []),
        ],
        "orientation@landes.demo.jalon.test": [
            "/",
            "/orientation/",
            reverse("duties:list"),
            reverse("orientation:delays"),
            reverse("surveys:paper_entry", args=[running.pk]),
        ],
        "manager@landes.demo.jalon.test": [
            "/",
            reverse("orientation:caseload"),
            reverse("orientation:caseload_transfer", args=[followed_there]),
            reverse("participation:body", args=[committee.pk]),
        ],
        "pilote@landes.demo.jalon.test": [
            "/",
            "/observatoire/synthese/",
            reverse("observatory:targets"),
            reverse("observatory:oarsa_return"),
            reverse("programme:commitments_by_signatory", args=[forum.programme.code]),
            reverse("programme:network_events", args=[forum.programme.code]) + "?quand=passes",
            reverse("programme:network_event", args=[forum.programme.code, forum.pk]),
            reverse("programme:network_documents", args=[forum.programme.code]),
            reverse("participation:bodies"),
            reverse("participation:body", args=[committee.pk]),
            reverse("participation:meeting", args=[committee.pk, committee_meeting.pk]),
            reverse("participation:proposals"),
            reverse("participation:body", args=[epl_seats.pk]),
            reverse("participation:member_add", args=[committee.pk]),
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
            reverse("duties:settings"),
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


def _evaluation_pages() -> list[str]:
    """The Landes pacte writes no référentiel (its page says so); its pilot opens one and fills a fiche's
    framework (a question with criteria and indicators, a source, a finding, a scheduled evaluation, a work item)."""
    from jalon.core.enums import Role
    from jalon.core.scoping import Actor
    from jalon.evaluation import services
    from jalon.observatory.models import Indicator
    from jalon.organisations.models import Membership
    from jalon.programme.models import Programme

    programme = Programme.objects.get(departement_id="40")
    membership = Membership.objects.get(user__email="pilote@landes.demo.jalon.test", role=Role.PROGRAMME_PILOT)
    pilot = Actor(user=membership.user, membership=membership, memberships=(membership,))
    framework = services.framework_open(actor=pilot, programme=programme)
    action = programme.actions.filter(has_sheet=True).order_by("number").first()
    sheet = services.sheet_set(
        actor=pilot,
        action=action,
        impacts="Les personnes orientées entrent plus vite dans leur parcours d'accompagnement",
        owner_organisation=pilot.organisation,
        owner_user=pilot.user,
    )
    question = services.question_add(
        actor=pilot,
        framework=framework,
        action=action,
        text="L'orientation proposée correspond-elle à la situation exprimée par la personne ?",
        register="pertinence",
        asked_to="bénéficiaires orientés dans l'année",
        criteria="Satisfaction exprimée par les usagers quant à la pertinence de l'orientation proposée",
        indicators=list(Indicator.objects.filter(code__in=["L06", "L08", "L01"])),
    )
    services.source_add(
        actor=pilot, question=question, kind="enquete", description="Questionnaire aux personnes orientées, à un mois"
    )
    services.finding_record(
        actor=pilot,
        question=question,
        text="Les personnes reçues en plateforme jugent l'orientation claire ; les délais restent longs à Dax.",
        sources="Comité d'usagers ; entretiens",
        observed_on=timezone.localdate(),
    )
    services.evaluation_schedule(
        actor=pilot, sheet=sheet, time="ex_post", due_on=timezone.localdate() + timezone.timedelta(days=60)
    )
    services.work_item_create(
        actor=pilot,
        framework=framework,
        title="Réunion de l'instance évaluative : revue des questions de l'orientation",
        due_on=timezone.localdate() + timezone.timedelta(days=10),
        owner_organisation=pilot.organisation,
        action=action,
    )
    return [
        reverse("evaluation:index"),
        reverse("evaluation:plan", args=[programme.code]),
        reverse("evaluation:fiche", args=[programme.code, action.pk]),
        reverse("evaluation:fiche_set", args=[programme.code, action.pk]),
        reverse("evaluation:question_update", args=[programme.code, question.pk]),
        reverse("evaluation:instance", args=[programme.code]),
        reverse("evaluation:calendar", args=[programme.code]),
    ]


@pytest.mark.parametrize("screen", [PHONE, LAPTOP], ids=["390px", "1366px"])
def test_the_evaluation_pages_fit_the_screen(browser, live_server, demo, screen):
    failures: list[str] = []
    phone = screen is PHONE
    context = browser.new_context(locale="fr-FR", viewport=screen, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, "pilote@landes.demo.jalon.test", DEMO_PASSWORD)
    from jalon.programme.models import Programme

    code = Programme.objects.get(departement_id="40").code
    _check(page, live_server.url + reverse("evaluation:plan", args=[code]), failures)  # before a référentiel
    for path in _evaluation_pages():
        _check(page, live_server.url + path, failures)
    context.close()
    assert not failures, "\n".join(failures)
