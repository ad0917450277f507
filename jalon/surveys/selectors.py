"""Reads of the surveys, scoped to the actor's Département, and the results — always behind the anonymity
threshold.

The results' rule (decision 0037): a group is shown only with at least `campaign.threshold` responses. A filter
(by channel or by territory) is offered only when every group of its partition that has responses reaches the
threshold: otherwise the whole minus the other groups would give a small group's answers by subtraction. One
filter at a time (crossing two would make small groups again). Inside a shown group, a question's counts are
shown only when at least the threshold answered it (a conditional question is asked to fewer people).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from jalon.core.scoping import Actor, get_visible_or_404
from jalon.observatory.charts import hbar_chart
from jalon.surveys.enums import QuestionKind, ResponseChannel, TextReview
from jalon.surveys.models import Answer, Campaign, Invitation, Question, Questionnaire, Response


TOO_FEW = "Trop peu de réponses pour les afficher sans risque d'identifier quelqu'un."


def questionnaires_for(*, actor: Actor) -> QuerySet:
    return Questionnaire.objects.filter(departement_id=actor.departement_code)


def questionnaire_for(*, actor: Actor, pk) -> Questionnaire:
    return get_visible_or_404(questionnaires_for(actor=actor), pk=pk)


def campaigns_for(*, actor: Actor) -> QuerySet:
    return (
        Campaign.objects.of_departement(actor.departement_code)
        .select_related("version__questionnaire", "indicator")
        .annotate(
            invited=Count("invitations", distinct=True),
            answered=Count("responses", distinct=True),
        )
        .order_by("-opens_on", "title")
    )


def campaign_for(*, actor: Actor, pk) -> Campaign:
    return get_visible_or_404(campaigns_for(actor=actor), pk=pk)


def open_campaigns(*, actor: Actor, today) -> QuerySet:
    return campaigns_for(actor=actor).open_on(today).order_by("closes_on")


def pending_texts(*, campaign: Campaign) -> QuerySet:
    return (
        Answer.objects.filter(response__campaign=campaign, question__kind=QuestionKind.TEXT)
        .exclude(text="")
        .select_related("question")
        .order_by("review", "question__position", "id")
    )


def text_answer_for(*, actor: Actor, campaign: Campaign, pk) -> Answer:
    return get_visible_or_404(pending_texts(campaign=campaign).select_related("response__campaign"), pk=pk)


def pending_for_person(*, person, today) -> QuerySet:
    """The person's unanswered invitations of open campaigns (their own space)."""
    return (
        Invitation.objects.filter(person=person, used=False)
        .filter(campaign__in=Campaign.objects.open_on(today))
        .select_related("campaign")
    )


@dataclass
class Row:
    label: str
    count: int
    share: float


@dataclass
class QuestionResult:
    question: Question
    respondents: int
    hidden: bool
    rows: list[Row] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    chart: object = None


@dataclass
class Results:
    campaign: Campaign
    invited: int
    responses: int  # every response of the campaign
    by_channel: dict[str, int]
    group: int  # responses of the group shown (the filter's)
    hidden: bool
    message: str
    filter_label: str
    filters: dict[str, list[tuple[str, str]]]  # dimension → the values offered (empty: not offered)
    questions: list[QuestionResult] = field(default_factory=list)
    satisfaction: float | None = None
    satisfied: int = 0
    satisfaction_respondents: int = 0

    @property
    def rate(self) -> float | None:
        return self.responses / self.invited if self.invited else None


def _partition_safe(counts: dict, threshold: int) -> bool:
    return all(count >= threshold for count in counts.values() if count)


def _offered(campaign: Campaign, threshold: int) -> tuple[dict, dict, dict]:
    responses = Response.objects.filter(campaign=campaign)
    channels = dict(responses.values_list("channel").annotate(n=Count("id")).order_by())
    territories = dict(
        responses.exclude(territory=None).values_list("territory_id").annotate(n=Count("id")).order_by()
    )
    without_territory = responses.filter(territory=None).count()
    territory_counts = {**territories, None: without_territory}
    from jalon.territories.models import Territory

    names = dict(Territory.objects.filter(pk__in=territories).values_list("pk", "name"))
    filters = {
        "canal": [(value, ResponseChannel(value).label) for value in sorted(channels)]
        if len(channels) > 1 and _partition_safe(channels, threshold)
        else [],
        "territoire": [(str(pk), names[pk]) for pk in sorted(territories, key=lambda pk: names[pk])]
        if len(territories) > 1 and _partition_safe(territory_counts, threshold)
        else [],
    }
    return channels, territory_counts, filters


def campaign_results(*, campaign: Campaign, channel: str = "", territory: str = "") -> Results:
    threshold = campaign.threshold
    channels, territory_counts, filters = _offered(campaign, threshold)
    responses = Response.objects.filter(campaign=campaign)
    total = sum(channels.values())
    invited = Invitation.objects.filter(campaign=campaign).count()
    filter_label = ""
    allowed = True
    if channel:
        allowed = channel in dict(filters["canal"])
        responses = responses.filter(channel=channel)
        filter_label = f"canal : {dict(ResponseChannel.choices).get(channel, channel)}"
    elif territory:
        allowed = territory in dict(filters["territoire"])
        responses = responses.filter(territory_id=territory) if territory.isdigit() else responses.none()
        filter_label = f"territoire : {dict(filters['territoire']).get(territory, 'inconnu')}"
    group = responses.count()
    results = Results(
        campaign=campaign,
        invited=invited,
        responses=total,
        by_channel={ResponseChannel(k).label: v for k, v in channels.items()},
        group=group,
        hidden=not allowed or group < threshold,
        message="",
        filter_label=filter_label,
        filters=filters,
    )
    if results.hidden:
        results.message = TOO_FEW
        return results
    answers = Answer.objects.filter(response__in=responses)
    per_question: dict[int, Counter] = {}
    respondents: Counter = Counter()
    for question_id, choices in answers.exclude(question__kind=QuestionKind.TEXT).values_list(
        "question_id", "choices"
    ):
        respondents[question_id] += 1
        per_question.setdefault(question_id, Counter()).update(choices)
    text_counts = dict(
        answers.filter(question__kind=QuestionKind.TEXT).values_list("question_id").annotate(n=Count("id")).order_by()
    )
    for question in campaign.version.questions.order_by("position"):
        if question.kind == QuestionKind.TEXT:
            count = text_counts.get(question.pk, 0)
            item = QuestionResult(question=question, respondents=count, hidden=count < threshold)
            if not item.hidden and not filter_label:
                # Free texts only in the whole group: a text may say where its author lives.
                item.texts = list(
                    answers.filter(question=question, review=TextReview.APPROVED)
                    .order_by("id")
                    .values_list("text", flat=True)
                )
            results.questions.append(item)
            continue
        count = respondents.get(question.pk, 0)
        item = QuestionResult(question=question, respondents=count, hidden=count < threshold)
        if not item.hidden:
            counter = per_question.get(question.pk, Counter())
            item.rows = [Row(choice, counter[choice], counter[choice] / count) for choice in question.choices]
            item.chart = hbar_chart(
                [(row.label, round(row.share * 100, 1)) for row in item.rows],
                title=question.text,
                description="Part des répondants ayant choisi chaque réponse, en pourcentage.",
                formatter=lambda value: "" if value is None else f"{value:g} %",
            )
            if question.is_satisfaction:
                satisfied = sum(counter[choice] for choice in question.satisfied_choices)
                results.satisfied, results.satisfaction_respondents = satisfied, count
                results.satisfaction = satisfied / count
        results.questions.append(item)
    return results


def results_rows(results: Results) -> list[list]:
    """The aggregates of the results for an export: counts and shares, never a response."""
    rows: list[list] = [["Question", "Réponse", "Nombre", "Part (%)"]]
    for item in results.questions:
        if item.question.kind == QuestionKind.TEXT:
            continue
        if item.hidden:
            rows.append([item.question.text, TOO_FEW, "", ""])
            continue
        rows.extend([item.question.text, row.label, row.count, round(row.share * 100, 1)] for row in item.rows)
    return rows


def home_summary(*, actor: Actor, today) -> list[Campaign]:
    return list(open_campaigns(actor=actor, today=today)[:5])
