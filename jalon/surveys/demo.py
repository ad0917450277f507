"""The demo's surveys, through the services: in each Département a questionnaire on the orientation cells (the
Landes' on the satisfaction with the orientation, feeding L06 of its A.2 fiche; the Pyrénées-Atlantiques' on its
cellules d'orientation, fiche 1, feeding P65), two finished campaigns with realistic answer rates (about a third
online, a few paper forms) and one open campaign on last month's cells. The population of each campaign is the
people present at a cell in its period, widened month by month when a small demo has too few of them. Nothing is
written twice."""

import random
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.periods import add_months
from jalon.core.scoping import Actor
from jalon.organisations.models import Membership
from jalon.surveys import services
from jalon.surveys.enums import Population, QuestionKind
from jalon.surveys.models import Questionnaire
from jalon.surveys.population import population_targets


SCALE = ["Pas du tout satisfait", "Peu satisfait", "Satisfait", "Très satisfait"]
# How the people answer the scale (the field's usual picture: three quarters satisfied).
SCALE_WEIGHTS = [6, 17, 48, 29]
PROBLEMS = ["L'horaire ou le lieu", "Les explications", "Le temps d'attente", "Ce qu'on m'a proposé"]
TEXTS = [
    "Merci pour l'accueil, tout était clair.",
    "J'aurais aimé avoir plus de temps pour poser mes questions.",
    "Le lieu est loin de chez moi sans voiture.",
    "Bien expliqué, je sais ce que je dois faire maintenant.",
    "La réunion était trop longue.",
    "Très bon accueil des professionnels.",
]
MIN_POPULATION = 15

SETS = {
    "40": {
        "title": "Votre avis sur votre orientation",
        "description": "Satisfaction des personnes quant à la qualité du dispositif d'orientation et à la pertinence "
        "de l'orientation proposée (PTI, fiche A.2).",
        "first": "Dans l'ensemble, êtes-vous satisfait de votre orientation ?",
        "third": ("Avez-vous compris pourquoi on vous a proposé cet accompagnement ?", ["Oui", "En partie", "Non"]),
        "indicator": "L06",
        "campaign": "Satisfaction de l'orientation",
    },
    "64": {
        "title": "Votre avis sur la cellule d'orientation",
        "description": "Satisfaction des personnes reçues en cellule d'orientation (PDI, fiche 1) : l'accueil, "
        "l'information collective et l'orientation proposée.",
        "first": "Êtes-vous satisfait de la cellule d'orientation ?",
        "third": ("La réunion vous a-t-elle appris des choses nouvelles ?", ["Oui, beaucoup", "Un peu", "Non"]),
        "indicator": "P65",
        "campaign": "Avis sur les cellules d'orientation",
    },
}


def _actor(ctx) -> Actor | None:
    membership = Membership.objects.filter(
        user=ctx.users.get("pilote"), organisation=ctx.organisations.get("cd"), role=Role.PROGRAMME_PILOT
    ).first()
    return Actor(user=membership.user, membership=membership) if membership else None


def _questionnaire(actor: Actor, spec: dict) -> Questionnaire:
    questionnaire = services.questionnaire_create(actor=actor, title=spec["title"], description=spec["description"])
    first = services.question_save(
        actor=actor,
        questionnaire=questionnaire,
        text=spec["first"],
        kind=QuestionKind.SCALE,
        choices=SCALE,
        required=True,
        is_satisfaction=True,
        satisfied_choices=SCALE[2:],
    )
    services.question_save(
        actor=actor,
        questionnaire=questionnaire,
        text="Qu'est-ce qui n'allait pas ?",
        kind=QuestionKind.MULTIPLE,
        choices=PROBLEMS,
        condition_question=first,
        condition_choices=SCALE[:2],
    )
    text, choices = spec["third"]
    services.question_save(
        actor=actor, questionnaire=questionnaire, text=text, kind=QuestionKind.SINGLE, choices=choices
    )
    services.question_save(
        actor=actor,
        questionnaire=questionnaire,
        text="Voulez-vous ajouter quelque chose ?",
        help_text="N'écrivez pas de nom.",
        kind=QuestionKind.TEXT,
    )
    return questionnaire


def _count(departement_id: str, start: date, end: date, today: date) -> int:
    targets = population_targets(
        departement_id=departement_id,
        population=Population.CELL_ATTENDANCE,
        period_start=start,
        period_end=end,
        months_after=None,
        roles=[],
        today=today,
    )
    return len(targets)


def _period(departement_id: str, start: date, limit: date, today: date) -> tuple[date, date]:
    """A period of cells starting at `start`, one month long, widened a month at a time (not beyond `limit`) until
    enough people were present."""
    end = add_months(start, 1) - timedelta(days=1)
    while True:
        following = add_months(end + timedelta(days=1), 1) - timedelta(days=1)
        if _count(departement_id, start, end, today) >= MIN_POPULATION or following > limit:
            return start, end
        end = following


def _period_back(departement_id: str, end: date, earliest: date, today: date) -> tuple[date, date]:
    """The month ending at `end`, widened a month at a time into the past (not before `earliest`)."""
    start = end.replace(day=1)
    while _count(departement_id, start, end, today) < MIN_POPULATION and add_months(start, -1) >= earliest:
        start = add_months(start, -1)
    return start, end


def _answers(rng: random.Random, version, *, with_text: bool = False) -> dict:
    questions = {q.position: q for q in version.questions.all()}
    first = rng.choices(SCALE, weights=SCALE_WEIGHTS)[0]
    values = {questions[1].pk: first}
    if first in SCALE[:2]:
        values[questions[2].pk] = rng.sample(PROBLEMS, rng.randint(1, 2))
    values[questions[3].pk] = rng.choices(questions[3].choices, weights=[6, 3, 1])[0]
    if with_text or rng.random() < 0.3:
        values[questions[4].pk] = rng.choice(TEXTS)
    return values


def _run(actor, questionnaire, spec, rng, *, title, period, opens_on, closes_on, answer_until, online, paper):
    launch = services.campaign_launch(
        actor=actor,
        questionnaire=questionnaire,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        population=Population.CELL_ATTENDANCE,
        period_start=period[0],
        period_end=period[1],
        indicator=_indicator(spec["indicator"]),
        today=opens_on,
    )
    campaign = launch.campaign
    tokens = list(launch.tokens.values())
    rng.shuffle(tokens)
    threshold = campaign.threshold
    answered = min(len(tokens), max(round(online * len(tokens)), threshold + 1))
    span = max((answer_until - opens_on).days, 0)
    for index, token in enumerate(tokens[:answered]):
        day = opens_on + timedelta(days=rng.randint(0, span))
        answers = _answers(rng, campaign.version, with_text=index == 0)
        services.response_submit(token=token, answers=answers, today=day)
    for _ in range(round(paper * len(tokens))):
        services.paper_response_enter(
            actor=actor, campaign=campaign, answers=_answers(rng, campaign.version), today=answer_until
        )
    return campaign


def _indicator(code: str):
    from jalon.observatory.models import Indicator

    return Indicator.objects.filter(code=code, source="saisi").first()


def build(ctx) -> None:
    departement_id = ctx.departement.code
    spec = SETS.get(departement_id)
    actor = _actor(ctx)
    if spec is None or actor is None or Questionnaire.objects.filter(departement_id=departement_id).exists():
        return
    today = timezone.localdate()
    rng = random.Random(f"surveys-{departement_id}")  # noqa: S311 — demo data, not a secret
    questionnaire = _questionnaire(actor, spec)
    this_month = today.replace(day=1)
    # The first campaign asks about last autumn's cells: its year is over, so its satisfaction is reported to the
    # observatory (a yearly entered indicator); the second about the first months of this year.
    last_autumn = date(today.year - 1, 9, 1)
    campaigns = []
    for start, months, rate, paper in ((last_autumn, 3, 0.36, 0.06), (add_months(this_month, -6), 4, 0.27, 0.04)):
        period = _period(departement_id, start, add_months(start, months), today)
        opens_on = period[1] + timedelta(days=7)
        closes_on = opens_on + timedelta(days=27)
        if closes_on >= today:
            continue
        try:
            campaigns.append(
                _run(
                    actor,
                    questionnaire,
                    spec,
                    rng,
                    title=f"{spec['campaign']} — cellules du {period[0]:%d/%m/%Y} au {period[1]:%d/%m/%Y}",
                    period=period,
                    opens_on=opens_on,
                    closes_on=closes_on,
                    answer_until=closes_on,
                    online=rate,
                    paper=paper,
                )
            )
        except ValidationError as error:
            ctx.log(f"  enquêtes : campagne non lancée ({' '.join(error.messages)})")
    # Last month's cells; a small demo reaches back a few months (at the realistic size one month is enough).
    period = _period_back(departement_id, this_month - timedelta(days=1), add_months(this_month, -4), today)
    if period[0] == add_months(this_month, -1):
        label = f"de {_month_label(period[0])}"
    else:
        label = f"du {period[0]:%d/%m/%Y} au {period[1]:%d/%m/%Y}"
    try:
        campaigns.append(
            _run(
                actor,
                questionnaire,
                spec,
                rng,
                title=f"{spec['campaign']} — cellules {label}",
                period=period,
                opens_on=today - timedelta(days=4),
                closes_on=today + timedelta(days=17),
                answer_until=today,
                online=0.12,
                paper=0.0,
            )
        )
    except ValidationError as error:
        ctx.log(f"  enquêtes : campagne en cours non lancée ({' '.join(error.messages)})")
    _review_and_report(actor, [c for c in campaigns if c.is_over(today)], today, ctx)
    ctx.log(f"  enquêtes : {len(campaigns)} campagnes sur « {questionnaire.title} »")


def _month_label(day: date) -> str:
    from jalon.observatory.periods import MONTH_NAMES

    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


def _review_and_report(actor, campaigns, today, ctx) -> None:
    """The free texts of the finished campaigns are read (the one that sounds like a complaint about a place is
    kept too: it names nobody); the first campaign's satisfaction goes to the observatory when its period is
    over."""
    from jalon.surveys.selectors import pending_texts

    for campaign in campaigns:
        for answer in pending_texts(campaign=campaign):
            services.text_review(actor=actor, answer=answer, approve=True)
        if campaign.indicator is None:
            continue
        try:
            services.satisfaction_report(actor=actor, campaign=campaign, today=today)
        except ValidationError as error:
            ctx.log(f"  enquêtes : satisfaction non reportée ({' '.join(error.messages)})")
