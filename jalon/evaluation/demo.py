"""The demo's evaluation, through the services: the Pyrénées-Atlantiques référentiel loaded from its file, the
framework of each of its nine fiches (impacts, owner, the in itinere evaluations spread around today and the ex post
one after the plan), questions the instance added where the plan writes none, criteria, sources, the instance's
work programme dated around today (one item late, some done) and a few findings. The Landes pacte writes no
référentiel: nothing is invented for it. Idempotent: once the fiches have their framework, nothing is written."""

from datetime import date, timedelta

from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.scoping import Actor
from jalon.evaluation import services
from jalon.evaluation.enums import EvaluationTime, MemberKind, Register, SourceKind, WorkStatus
from jalon.evaluation.loader import framework_files, load_file, read_framework
from jalon.observatory.models import Indicator
from jalon.organisations.models import Membership
from jalon.programme.models import Programme
from jalon.surveys.enums import Population
from jalon.surveys.models import Campaign


# Fiche number -> the impacts expected of its objectives (entered by the instance: the plan writes none).
IMPACTS = {
    1: [
        "Les personnes sont orientées plus vite après leur demande de RSA.",
        "L'orientation correspond mieux à la situation de la personne : moins de réorientations.",
    ],
    2: ["Moins de ruptures de parcours et de « perdus de vue ».", "Un suivi de parcours plus régulier et lisible."],
    3: ["Le Département pilote sa politique d'insertion sur des trajectoires suivies dans le temps."],
    4: [
        "Les freins périphériques levés permettent l'entrée en emploi ou en formation.",
        "Chaque participant des plateaux techniques reçoit au moins une mesure adaptée.",
    ],
    5: ["Les professionnels mobilisent davantage l'accompagnement pluridisciplinaire."],
    6: ["Plus d'allocataires accèdent à une formation qualifiante menant à l'emploi."],
    7: ["Les actions territoriales réussies sont reprises sur d'autres territoires."],
    8: ["Plus d'allocataires recrutés par les entreprises engagées dans le recrutement inclusif."],
    9: ["Les personnes qui reprennent un emploi s'y maintiennent au-delà de six mois."],
}

# Questions the instance adds where the plan writes none: fiche number (None: the whole plan), text, register,
# criteria, indicators.
ADDED_QUESTIONS = [
    (
        3,
        "L'observatoire permet-il de suivre les trajectoires des bénéficiaires et d'éclairer les décisions ?",
        Register.EFFECTIVENESS,
        ["Les cohortes sont suivies chaque année.", "Les analyses sont présentées au comité de pilotage."],
        ["P22", "P26"],
    ),
    (
        5,
        "Les webinaires et séminaires ont-ils changé les pratiques d'accompagnement des professionnels ?",
        Register.EFFECTIVENESS,
        ["Part des professionnels sensibilisés qui disent avoir changé leur pratique."],
        ["P38", "P39", "P41"],
    ),
    (
        6,
        "Les formations mobilisées répondent-elles aux besoins des allocataires et des employeurs du territoire ?",
        Register.PERTINENCE,
        ["Adéquation des formations aux métiers en tension du territoire."],
        ["P42"],
    ),
    (
        7,
        "Les actions essaimées s'articulent-elles avec le Pacte régional d'investissement dans les compétences ?",
        Register.EXTERNAL_COHERENCE,
        ["Actions cofinancées ou coordonnées avec la Région."],
        ["P44"],
    ),
    (
        8,
        "Le recrutement inclusif a-t-il augmenté le nombre d'allocataires recrutés par les entreprises engagées ?",
        Register.IMPACT,
        ["Évolution du nombre d'allocataires recrutés par les entreprises du club."],
        ["P47"],
    ),
    (
        4,
        "Le coût des marchés d'insertion par participant accompagné est-il en rapport avec les sorties positives ?",
        Register.EFFICIENCY,
        ["Coût par participant et par sortie positive, par plateau technique."],
        ["P29", "P33"],
    ),
    (
        None,
        "Les actions du PDI/PTI s'articulent-elles avec l'axe insertion des projets sociaux de territoire et "
        "le SPIE ?",
        Register.EXTERNAL_COHERENCE,
        ["Chaque SDSEI décline les fiches dans l'axe insertion de son projet social de territoire."],
        [],
    ),
    (
        None,
        "Les directions « métier » du Département conduisent-elles des actions qui se complètent autour du parcours ?",
        Register.INTERNAL_COHERENCE,
        ["Les actions des directions (insertion, enfance, autonomie) sont articulées dans le comité technique."],
        [],
    ),
]

# Criteria and extra indicators for the plan's own questions (question number -> criteria, computed indicators).
CRITERIA = {
    1: (["Part des personnes qui jugent la trame adaptée à leur situation."], ["P01", "P02"]),
    2: (["Part des personnes qui disent avoir pu agir sur le choix de leur orientation."], ["P09"]),
    8: (["Part des participants qui jugent le fonctionnement adapté.", "Modules suggérés par les participants."], []),
    9: (["Satisfaction exprimée sur l'accueil et l'accompagnement."], ["P28"]),
    14: (["Maintien dans l'emploi à six mois des personnes suivies."], ["P59"]),
}

SOURCES = {
    1: (SourceKind.SURVEY, "Questionnaire aux personnes reçues en cellule d'orientation, le mois suivant."),
    2: (SourceKind.FOCUS_GROUP, "Échange avec le comité consultatif des usagers du SDSEI de Pau agglomération."),
    5: (SourceKind.INTERVIEWS, "Entretiens avec dix personnes accompagnées par des professionnels sensibilisés."),
    8: (SourceKind.SURVEY, "Questionnaire aux participants des plateaux techniques à leur sortie."),
    12: (SourceKind.INTERVIEWS, "Entretiens avec des personnes suivies en emploi et leurs employeurs."),
}

FINDINGS = [
    (
        1,
        40,
        "Les personnes reçues jugent la trame claire mais trop longue ; l'entretien individuel est apprécié.",
        "Retours du comité consultatif des usagers de Pau",
    ),
    (
        3,
        25,
        "Les critères entre parcours restent flous pour une partie des personnes reçues en information collective.",
        "Questionnaire (112 réponses)",
    ),
    (
        8,
        60,
        "Les plateaux techniques sont jugés adaptés ; les participants demandent un module mobilité.",
        "Questionnaire de sortie ; bilans des opérateurs",
    ),
    (
        9,
        12,
        "L'accueil est jugé chaleureux ; le délai avant le premier module est trop long sur Adour BAB.",
        "Entretiens ; bilans des opérateurs",
    ),
]


def _actor(ctx) -> Actor | None:
    membership = Membership.objects.filter(
        user=ctx.users.get("pilote"), organisation=ctx.organisations.get("cd"), role=Role.PROGRAMME_PILOT
    ).first()
    return Actor(user=membership.user, membership=membership) if membership else None


def build(ctx) -> None:
    actor = _actor(ctx)
    for path in framework_files():
        code = read_framework(path)["framework"]["programme"]
        programme = Programme.objects.filter(code=code, departement=ctx.departement).first()
        if programme is None or actor is None:
            continue
        result = load_file(path)
        if result.created:
            ctx.log(f"Référentiel d'évaluation : {result.counts['questions']} questions")
        analyst = ctx.users.get("analyste")
        if build_for(programme=programme, actor=actor, analyst=analyst, today=timezone.localdate()):
            ctx.log(f"  évaluation : {programme.evaluation_framework.sheets.count()} fiches avec leur cadre")


def build_for(*, programme, actor: Actor, analyst=None, today: date) -> bool:
    """The frameworks, instance and findings of a loaded référentiel; False when they are already there."""
    framework = programme.evaluation_framework
    if framework.sheets.exists():
        return False
    owner = actor.organisation
    indicators = {i.code: i for i in Indicator.objects.all()}
    fiches = {a.number: a for a in programme.actions.filter(has_sheet=True)}
    for number, action in sorted(fiches.items()):
        sheet = services.sheet_set(
            actor=actor,
            action=action,
            impacts=IMPACTS.get(number, ["Impact à préciser par l'instance évaluative."]),
            owner_organisation=owner,
            owner_user=analyst if number % 2 else actor.user,
        )
        # In itinere evaluations spread from next week to next spring; the ex post one after the plan.
        services.evaluation_schedule(
            actor=actor,
            sheet=sheet,
            time=EvaluationTime.IN_ITINERE,
            due_on=today + timedelta(days=7 + 21 * (number - 1)),
        )
        services.evaluation_schedule(
            actor=actor, sheet=sheet, time=EvaluationTime.EX_POST, due_on=date(programme.end.year + 1, 3, 31)
        )
    for number, text, register, criteria, codes in ADDED_QUESTIONS:
        services.question_add(
            actor=actor,
            framework=framework,
            action=fiches.get(number) if number else None,
            text=text,
            register=register,
            criteria=criteria,
            indicators=[indicators[code] for code in codes if code in indicators],
        )
    questions = {q.number: q for q in framework.questions.all()}
    for number, (criteria, codes) in CRITERIA.items():
        question = questions[number]
        services.question_update(
            actor=actor,
            question=question,
            register=question.register,
            criteria=criteria,
            indicators=list(question.indicators.all()) + [indicators[c] for c in codes if c in indicators],
            asked_to=question.asked_to,
        )
    # The question on the cells is answered by the surveys' campaign on the cells, when the demo has one.
    cells = (
        Campaign.objects.filter(departement_id=programme.departement_id, population=Population.CELL_ATTENDANCE)
        .order_by("opens_on")
        .first()
    )
    for number, (kind, description) in SOURCES.items():
        services.source_add(
            actor=actor,
            question=questions[number],
            kind=kind,
            description=description,
            campaign=cells if number == 1 else None,
        )
    for number, days_ago, text, sources in FINDINGS:
        services.finding_record(
            actor=actor,
            question=questions[number],
            text=text,
            sources=sources,
            observed_on=today - timedelta(days=days_ago),
        )
    if analyst is not None:
        services.member_add(
            actor=actor,
            framework=framework,
            kind=MemberKind.DATA_TEAM,
            organisation=owner,
            user=analyst,
            role="Analyse des indicateurs et des cohortes pour l'instance",
            since=today - timedelta(days=200),
        )
    _date_work(framework, actor, today)
    return True


def _date_work(framework, actor: Actor, today: date) -> None:
    """The plan dates none of its work: the instance dated it around today (two done, one late, the rest ahead)."""
    owner = actor.organisation
    plan = [
        (-120, WorkStatus.DONE),
        (-60, WorkStatus.DONE),
        (-10, WorkStatus.IN_PROGRESS),
        (14, WorkStatus.IN_PROGRESS),
        (45, WorkStatus.PLANNED),
        (200, WorkStatus.PLANNED),
        ((date(framework.programme.end.year + 1, 6, 30) - today).days, WorkStatus.PLANNED),
    ]
    for item, (offset, status) in zip(framework.work_items.order_by("pk"), plan, strict=False):
        due = today + timedelta(days=offset)
        services.work_item_update(
            actor=actor,
            item=item,
            title=item.title,
            due_on=due,
            status=status,
            owner_organisation=item.owner_organisation or owner,
            action=item.action,
            description=item.description,
            done_on=due if status == WorkStatus.DONE else None,
        )
    services.work_item_create(
        actor=actor,
        framework=framework,
        title="Réunion de l'instance évaluative : revue des évaluations in itinere des fiches 1 à 4",
        due_on=today + timedelta(days=10),
        owner_organisation=owner,
        owner_user=actor.user,
    )
