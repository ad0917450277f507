"""Writes of the surveys: questionnaires and their versions, campaigns (launched on a population computed from the
data, refused below the anonymity threshold), the anonymous answers (single-use link, person's space, paper form),
reminders, the review of free texts, and the satisfaction share reported to the observatory.

An answer is written apart from the person (decision 0037): the invitation is only marked as used (a boolean, by
an `update()` that touches no date), the response gets a random key and no date, and the audit event of an answer
names the campaign only — never the invitation, the person or the response.
"""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor
from jalon.core.services import audit_event_record
from jalon.observatory.secrecy import DEFAULT_THRESHOLD
from jalon.surveys import access
from jalon.surveys.enums import (
    CHOICE_KINDS,
    InvitationChannel,
    Population,
    QuestionKind,
    ResponseChannel,
    TextReview,
)
from jalon.surveys.models import (
    Answer,
    Campaign,
    Invitation,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Response,
)
from jalon.surveys.population import population_targets


NOT_ALLOWED = "Seuls le pilote, l'analyste et l'administrateur du Département conduisent les enquêtes."
TEXT_MAX_LENGTH = 2000
ANONYMOUS = "personne interrogée (anonyme)"


def default_threshold() -> int:
    """The observatory's statistical-secrecy threshold: a survey's group is protected like a published count."""
    return DEFAULT_THRESHOLD


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def answer_url(token: str) -> str:
    return settings.JALON_SITE_URL.rstrip("/") + reverse("surveys:answer", args=[token])


def _check_manager(actor: Actor) -> None:
    if not access.may_manage(actor):
        raise ValidationError(NOT_ALLOWED)


def _own(actor: Actor, departement_id: str) -> None:
    if departement_id != actor.departement_code and not actor.is_platform_admin:
        raise Http404(NOT_FOUND_MESSAGE)


# --- Questionnaires ------------------------------------------------------------------------------------------------


@transaction.atomic
def questionnaire_create(*, actor: Actor, title: str, description: str = "") -> Questionnaire:
    _check_manager(actor)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Donnez un titre au questionnaire."})
    if Questionnaire.objects.filter(departement_id=actor.departement_code, title=title).exists():
        raise ValidationError({"title": "Un questionnaire porte déjà ce titre."})
    questionnaire = Questionnaire.objects.create(
        departement_id=actor.departement_code,
        title=title,
        description=(description or "").strip(),
        created_by=actor.user,
    )
    QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=1)
    audit_event_record(
        code=AuditCode.SURVEY_QUESTIONNAIRE_CREATED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=questionnaire,
        new={"title": title},
    )
    return questionnaire


def _editable_version(actor: Actor, questionnaire: Questionnaire) -> tuple[QuestionnaireVersion, dict[int, Question]]:
    """The version to edit: the latest if no campaign froze it, else a copy of it (a new version). Returns the
    version and, for a copy, each old question's copy by the old question's pk."""
    version = QuestionnaireVersion.objects.select_for_update().filter(questionnaire=questionnaire).order_by("-number")
    version = version.first()
    if not version.frozen:
        return version, {}
    copy = QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=version.number + 1)
    mapping: dict[int, Question] = {}
    for question in version.questions.order_by("position"):
        old_pk = question.pk
        condition = mapping.get(question.condition_question_id) if question.condition_question_id else None
        question.pk = None
        question.id = None
        question.version = copy
        question.condition_question = condition
        question._state.adding = True
        question.save()
        mapping[old_pk] = question
    audit_event_record(
        code=AuditCode.SURVEY_VERSION_CREATED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=questionnaire,
        new={"version": copy.number},
    )
    return copy, mapping


def _clean_choices(raw) -> list[str]:
    if isinstance(raw, str):
        raw = raw.splitlines()
    result: list[str] = []
    for item in raw or []:
        item = str(item).strip()
        if item and item not in result:
            result.append(item)
    return result


@transaction.atomic
def question_save(
    *,
    actor: Actor,
    questionnaire: Questionnaire,
    question: Question | None = None,
    text: str,
    kind: str,
    choices=(),
    help_text: str = "",
    required: bool = False,
    condition_question: Question | None = None,
    condition_choices=(),
    is_satisfaction: bool = False,
    satisfied_choices=(),
) -> Question:
    """Adds a question (at the end) or changes one. A question of a frozen version is changed in a new version of
    the questionnaire: the campaigns already launched keep the questions they asked."""
    _check_manager(actor)
    _own(actor, questionnaire.departement_id)
    errors: dict = {}
    text = (text or "").strip()
    choices, condition_choices = _clean_choices(choices), _clean_choices(condition_choices)
    satisfied_choices = _clean_choices(satisfied_choices)
    if not text:
        errors["text"] = "Écrivez la question."
    if kind not in QuestionKind.values:
        errors["kind"] = "Choisissez le type de question."
    elif kind in CHOICE_KINDS and len(choices) < 2:
        errors["choices"] = "Proposez au moins deux réponses, une par ligne."
    elif kind == QuestionKind.TEXT:
        choices = []
    if condition_question is not None:
        if condition_question.version.questionnaire_id != questionnaire.pk or not condition_question.has_choices:
            errors["condition_question"] = "La condition porte sur une question à choix de ce questionnaire."
        elif question is not None and condition_question.position >= question.position:
            errors["condition_question"] = "La condition porte sur une question posée avant celle-ci."
        elif not condition_choices or not set(condition_choices) <= set(condition_question.choices):
            errors["condition_choices"] = "Choisissez les réponses qui font poser cette question."
    else:
        condition_choices = []
    if is_satisfaction:
        if kind not in CHOICE_KINDS:
            errors["is_satisfaction"] = "La question de satisfaction est une question à choix ou une échelle."
        elif not satisfied_choices or not set(satisfied_choices) <= set(choices):
            errors["satisfied_choices"] = "Indiquez les réponses comptées « satisfait », parmi les réponses proposées."
    else:
        satisfied_choices = []
    if errors:
        raise ValidationError(errors)
    version, mapping = _editable_version(actor, questionnaire)
    if question is not None:
        question = mapping.get(question.pk, question)
        if question.version_id != version.pk:
            raise Http404(NOT_FOUND_MESSAGE)
    if condition_question is not None:
        condition_question = mapping.get(condition_question.pk, condition_question)
        if condition_question.version_id != version.pk:
            raise ValidationError({"condition_question": "Cette question n'est plus dans le questionnaire."})
    if is_satisfaction:
        version.questions.exclude(pk=getattr(question, "pk", None)).update(is_satisfaction=False, satisfied_choices=[])
    if question is None:
        last = version.questions.order_by("-position").values_list("position", flat=True).first() or 0
        question = Question(version=version, position=last + 1)
    question.text, question.kind, question.choices = text, kind, choices
    question.help_text, question.required = (help_text or "").strip(), bool(required)
    question.condition_question, question.condition_choices = condition_question, condition_choices
    question.is_satisfaction, question.satisfied_choices = bool(is_satisfaction), satisfied_choices
    question.save()
    audit_event_record(
        code=AuditCode.SURVEY_QUESTION_SAVED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=questionnaire,
        new={"version": version.number, "position": question.position, "text": text, "kind": kind},
    )
    return question


@transaction.atomic
def question_remove(*, actor: Actor, questionnaire: Questionnaire, question: Question) -> QuestionnaireVersion:
    _check_manager(actor)
    _own(actor, questionnaire.departement_id)
    version, mapping = _editable_version(actor, questionnaire)
    question = mapping.get(question.pk, question)
    if question.version_id != version.pk:
        raise Http404(NOT_FOUND_MESSAGE)
    if question.dependents.exists():
        raise ValidationError("D'autres questions dépendent de celle-ci : retirez d'abord leur condition.")
    position = question.position
    question.delete()
    for later in version.questions.filter(position__gt=position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position", "updated_at"])
    audit_event_record(
        code=AuditCode.SURVEY_QUESTION_REMOVED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=questionnaire,
        old={"version": version.number, "position": position},
    )
    return version


# --- Campaigns -----------------------------------------------------------------------------------------------------


@dataclass
class Launch:
    campaign: Campaign
    # The single-use links' secrets by invitation pk, in memory only (never stored): for the demo and the tests.
    tokens: dict[int, str] = field(default_factory=dict)
    sent: int = 0
    space_only: int = 0


def _invitation_text(campaign: Campaign) -> tuple[str, str]:
    subject = f"Votre avis compte : {campaign.title}"
    body = (
        "Bonjour,\n"
        "Le Département vous pose quelques questions.\n"
        "C'est anonyme : personne ne saura ce que vous répondez.\n"
        f"Vous pouvez répondre jusqu'au {campaign.closes_on:%d/%m/%Y}.\n"
        "Votre lien, à utiliser une seule fois : [[secret]]\n"
        "Merci."
    )
    return subject, body


def _send_link(*, actor: Actor | None, invitation: Invitation, token: str, reminder: bool = False) -> str:
    """Sends the link by SMS if the person has a mobile, else by e-mail; a professional by e-mail. Returns the
    channel used (`espace` when the person can be reached by neither)."""
    from jalon.messaging.enums import MessageChannel, MessageKind
    from jalon.messaging.services import message_send

    campaign = invitation.campaign
    subject, body = _invitation_text(campaign)
    if reminder:
        subject = f"Rappel : {subject}"
        body = body.replace("Bonjour,\n", "Bonjour,\nPetit rappel : vous n'avez pas encore répondu.\n", 1)
    url = answer_url(token)
    if invitation.user_id is not None:
        if not invitation.user.email:
            return InvitationChannel.SPACE
        send_mail(subject, body.replace("[[secret]]", url), None, [invitation.user.email])
        return InvitationChannel.EMAIL
    kind = MessageKind.REMINDER if reminder else MessageKind.INVITATION
    for channel in (MessageChannel.SMS, MessageChannel.EMAIL):
        try:
            with transaction.atomic():
                message_send(
                    actor=actor,
                    actor_label="" if actor else "relance automatique des enquêtes",
                    person=invitation.person,
                    channel=channel,
                    kind=kind,
                    subject=subject,
                    body=body,
                    about=invitation,
                    secret=url,
                )
        except ValidationError:
            continue
        return InvitationChannel.SMS if channel == MessageChannel.SMS else InvitationChannel.EMAIL
    return InvitationChannel.SPACE


def _check_campaign(
    *, title, opens_on, closes_on, threshold, population, period_start, period_end, months_after, roles, today
) -> dict:
    errors: dict = {}
    if not title:
        errors["title"] = "Donnez un titre à la campagne."
    if opens_on is None:
        errors["opens_on"] = "Indiquez la date d'ouverture."
    elif opens_on < today:
        errors["opens_on"] = "La campagne ne peut pas ouvrir dans le passé."
    if closes_on is None:
        errors["closes_on"] = "Indiquez la date de clôture."
    elif opens_on is not None and closes_on < opens_on:
        errors["closes_on"] = "La clôture doit suivre l'ouverture."
    if threshold < DEFAULT_THRESHOLD:
        errors["threshold"] = (
            f"Le seuil d'anonymat est d'au moins {DEFAULT_THRESHOLD} réponses, celui du secret statistique."
        )
    if population not in Population.values:
        errors["population"] = "Choisissez la population interrogée."
    elif population in (Population.CELL_ATTENDANCE, Population.REFERRAL_ENDED):
        if period_start is None or period_end is None:
            errors["period_start"] = "Indiquez la période (du … au …)."
        elif period_end < period_start:
            errors["period_end"] = "La fin de la période doit suivre son début."
        elif period_end > today:
            errors["period_end"] = "La période doit être passée : la population se calcule sur ce qui a eu lieu."
    elif population == Population.EXIT_TO_EMPLOYMENT and not months_after:
        errors["months_after"] = "Indiquez combien de mois après la sortie (par exemple 6)."
    elif population == Population.PROFESSIONALS and (not roles or not set(roles) <= set(Role.values)):
        errors["roles"] = "Choisissez au moins un rôle de professionnel."
    return errors


@transaction.atomic
def campaign_launch(
    *,
    actor: Actor,
    questionnaire: Questionnaire,
    title: str,
    opens_on: date | None,
    closes_on: date | None,
    population: str,
    threshold: int | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    months_after: int | None = None,
    roles=(),
    remind_after_days: int | None = 7,
    indicator=None,
    today: date,
) -> Launch:
    """Computes the population from the data, refuses it below the anonymity threshold (nothing written), freezes
    the questionnaire's version, creates one invitation per person and sends each its single-use link."""
    _check_manager(actor)
    _own(actor, questionnaire.departement_id)
    title = (title or "").strip()
    threshold = default_threshold() if threshold is None else threshold
    roles = list(roles or [])
    errors = _check_campaign(
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        threshold=threshold,
        population=population,
        period_start=period_start,
        period_end=period_end,
        months_after=months_after,
        roles=roles,
        today=today,
    )
    version = questionnaire.versions.order_by("-number").first()
    if not version.questions.exists():
        errors["__all__"] = "Le questionnaire n'a encore aucune question."
    if indicator is not None and indicator.source != "saisi":
        errors["indicator"] = "Choisissez un indicateur saisi du catalogue."
    if remind_after_days is not None and remind_after_days < 1:
        errors["remind_after_days"] = "La relance part au moins un jour après l'invitation."
    if not errors and Campaign.objects.filter(departement_id=actor.departement_code, title=title).exists():
        errors["title"] = "Une campagne porte déjà ce titre."
    if errors:
        raise ValidationError(errors)
    targets = population_targets(
        departement_id=questionnaire.departement_id,
        population=population,
        period_start=period_start,
        period_end=period_end,
        months_after=months_after,
        roles=roles,
        today=today,
    )
    if len(targets) < threshold:
        raise ValidationError(
            {
                "population": f"La population visée compte {len(targets)} "
                f"{'personne' if len(targets) < 2 else 'personnes'}, moins que le seuil d'anonymat "
                f"({threshold}) : les réponses ne pourraient jamais être montrées sans risque d'identifier "
                "quelqu'un. Élargissez la période ou la population."
            }
        )
    version.frozen = True
    version.save(update_fields=["frozen", "updated_at"])
    campaign = Campaign.objects.create(
        departement_id=questionnaire.departement_id,
        version=version,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        threshold=threshold,
        population=population,
        period_start=period_start if population in (Population.CELL_ATTENDANCE, Population.REFERRAL_ENDED) else None,
        period_end=period_end if population in (Population.CELL_ATTENDANCE, Population.REFERRAL_ENDED) else None,
        months_after=months_after if population == Population.EXIT_TO_EMPLOYMENT else None,
        roles=roles if population == Population.PROFESSIONALS else [],
        remind_after_days=remind_after_days or 7,
        indicator=indicator,
        created_by=actor.user,
    )
    launch = Launch(campaign=campaign)
    for target in targets:
        token = secrets.token_urlsafe(24)
        invitation = Invitation.objects.create(
            campaign=campaign,
            person_id=target.person_id,
            user_id=target.user_id,
            territory_id=target.territory_id,
            token_hash=token_hash(token),
            channel=InvitationChannel.SPACE,
        )
        channel = _send_link(actor=actor, invitation=invitation, token=token)
        if channel != InvitationChannel.SPACE:
            Invitation.objects.filter(pk=invitation.pk).update(channel=channel)
            launch.sent += 1
        else:
            launch.space_only += 1
        launch.tokens[invitation.pk] = token
    audit_event_record(
        code=AuditCode.SURVEY_CAMPAIGN_LAUNCHED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=campaign,
        new={
            "version": version.number,
            "population": population,
            "invitations": len(targets),
            "sent": launch.sent,
            "threshold": threshold,
        },
    )
    return launch


@transaction.atomic
def campaign_close(*, actor: Actor, campaign: Campaign, today: date) -> Campaign:
    _check_manager(actor)
    _own(actor, campaign.departement_id)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.is_over(today):
        raise ValidationError("La campagne est déjà terminée.")
    if today < campaign.opens_on:
        raise ValidationError("La campagne n'est pas encore ouverte : changez plutôt ses dates.")
    campaign.closed_on = today
    campaign.save(update_fields=["closed_on", "updated_at"])
    audit_event_record(
        code=AuditCode.SURVEY_CAMPAIGN_CLOSED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=campaign,
        new={"closed_on": today},
    )
    return campaign


def invitations_remind(*, today: date, campaign: Campaign | None = None) -> int:
    """Reminds once the invitations not used `remind_after_days` days after they were sent, for open campaigns.
    A reminder issues a new link (the first one stops working: its secret was never kept)."""
    campaigns = Campaign.objects.open_on(today)
    if campaign is not None:
        campaigns = campaigns.filter(pk=campaign.pk)
    total = 0
    for item in campaigns:
        due = item.invitations.filter(
            used=False,
            reminded=False,
            channel__in=(InvitationChannel.SMS, InvitationChannel.EMAIL),
            created_at__date__lte=today - timedelta(days=item.remind_after_days),
        ).select_related("person", "user", "campaign")
        count = 0
        for invitation in due:
            with transaction.atomic():
                token = secrets.token_urlsafe(24)
                Invitation.objects.filter(pk=invitation.pk).update(token_hash=token_hash(token), reminded=True)
                if (
                    _send_link(actor=None, invitation=invitation, token=token, reminder=True)
                    != InvitationChannel.SPACE
                ):
                    count += 1
        if count:
            audit_event_record(
                code=AuditCode.SURVEY_REMINDERS_SENT,
                actor_label="relance automatique des enquêtes",
                subject=item,
                new={"reminders": count},
            )
        total += count
    return total


# --- Answers -------------------------------------------------------------------------------------------------------


def invitation_for_token(token: str) -> Invitation:
    """The invitation of a single-use link; an unknown link is a missing page."""
    invitation = (
        Invitation.objects.select_related("campaign", "campaign__version").filter(token_hash=token_hash(token)).first()
    )
    if invitation is None:
        raise Http404(NOT_FOUND_MESSAGE)
    return invitation


def link_for_person(*, invitation: Invitation) -> str:
    """A fresh single-use link for the person, from their own space (its secret is never stored): the previous
    link stops working. No audit event: one naming the person would date their opening of the survey, the timing a
    reader of the log could match with an answer (the space's own read is already recorded)."""
    token = secrets.token_urlsafe(24)
    Invitation.objects.filter(pk=invitation.pk, used=False).update(token_hash=token_hash(token))
    return token


def answers_clean(version: QuestionnaireVersion, raw: dict) -> list[tuple[Question, list[str], str]]:
    """The answers to keep, in the questionnaire's order: a conditional question counts only when its condition is
    met (an answer to it otherwise is dropped); refused in French when a required answer is missing."""
    errors: dict = {}
    kept: list[tuple[Question, list[str], str]] = []
    given: dict[int, list[str]] = {}
    for question in version.questions.order_by("position"):
        value = raw.get(question.pk)
        if question.condition_question_id is not None:
            earlier = given.get(question.condition_question_id, [])
            if not set(earlier) & set(question.condition_choices):
                continue
        key = f"q{question.pk}"
        if question.kind == QuestionKind.TEXT:
            text = (value or "").strip() if isinstance(value, str) else ""
            if len(text) > TEXT_MAX_LENGTH:
                errors[key] = f"Votre réponse est trop longue : {TEXT_MAX_LENGTH} caractères au plus."
            elif text:
                kept.append((question, [], text))
            elif question.required:
                errors[key] = f"Répondez à la question {question.position}."
            continue
        values = [value] if isinstance(value, str) else list(value or [])
        values = [v for v in values if v]
        if any(v not in question.choices for v in values):
            errors[key] = f"Choisissez une réponse proposée à la question {question.position}."
        elif len(values) > 1 and question.kind != QuestionKind.MULTIPLE:
            errors[key] = f"Choisissez une seule réponse à la question {question.position}."
        elif values:
            given[question.pk] = values
            kept.append((question, values, ""))
        elif question.required:
            errors[key] = f"Répondez à la question {question.position}."
    if not errors and not kept:
        errors["__all__"] = "Répondez au moins à une question."
    if errors:
        raise ValidationError(errors)
    return kept


def check_open(campaign: Campaign, today: date) -> None:
    if campaign.is_over(today):
        raise ValidationError(
            f"Ce questionnaire est fermé depuis le {campaign.ended_on:%d/%m/%Y}. On ne peut plus y répondre. Merci."
        )
    if today < campaign.opens_on:
        raise ValidationError(f"Ce questionnaire ouvre le {campaign.opens_on:%d/%m/%Y}. Revenez à partir de ce jour.")


def _store(campaign: Campaign, channel: str, territory_id, kept) -> None:
    response = Response.objects.create(campaign=campaign, channel=channel, territory_id=territory_id)
    Answer.objects.bulk_create(
        Answer(
            response=response,
            question=question,
            choices=choices,
            text=text,
            review=TextReview.PENDING if question.kind == QuestionKind.TEXT else "",
        )
        for question, choices, text in kept
    )


ALREADY_ANSWERED = "Vous avez déjà répondu. Merci !"


@transaction.atomic
def response_submit(*, token: str, answers: dict, today: date, from_space: bool = False) -> None:
    """The answer of the single-use link. Refused when the link was used or the campaign is closed; the response
    keeps nothing of the invitation (only its territory, the group's)."""
    invitation = invitation_for_token(token)
    invitation = Invitation.objects.select_for_update().select_related("campaign").get(pk=invitation.pk)
    if invitation.used:
        raise ValidationError(ALREADY_ANSWERED)
    campaign = invitation.campaign
    check_open(campaign, today)
    kept = answers_clean(campaign.version, answers)
    channel = ResponseChannel.SPACE if from_space else ResponseChannel.LINK
    # `update()`: no modification time is written on the invitation.
    Invitation.objects.filter(pk=invitation.pk).update(used=True)
    _store(campaign, channel, invitation.territory_id, kept)
    audit_event_record(code=AuditCode.SURVEY_ANSWERED, actor_label=ANONYMOUS, subject=campaign)


@transaction.atomic
def paper_response_enter(*, actor: Actor, campaign: Campaign, answers: dict, territory=None, today: date) -> None:
    """A paper questionnaire entered by a professional: no person is chosen, no invitation used."""
    if not access.may_enter_paper(actor):
        raise ValidationError("Seuls les professionnels du Département saisissent les questionnaires papier.")
    _own(actor, campaign.departement_id)
    check_open(campaign, today)
    if territory is not None and territory.departement_id != campaign.departement_id:
        raise ValidationError({"territory": "Choisissez un territoire du Département."})
    kept = answers_clean(campaign.version, answers)
    _store(campaign, ResponseChannel.PAPER, territory.pk if territory else None, kept)
    audit_event_record(
        code=AuditCode.SURVEY_PAPER_ENTERED, actor=actor.user, organisation=actor.organisation, subject=campaign
    )


@transaction.atomic
def text_review(*, actor: Actor, answer: Answer, approve: bool) -> Answer:
    _check_manager(actor)
    campaign = answer.response.campaign
    _own(actor, campaign.departement_id)
    if answer.question.kind != QuestionKind.TEXT:
        raise ValidationError("Seules les réponses libres se relisent.")
    answer.review = TextReview.APPROVED if approve else TextReview.REJECTED
    answer.save(update_fields=["review"])
    audit_event_record(
        code=AuditCode.SURVEY_TEXT_REVIEWED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=campaign,
        new={"review": answer.review},
    )
    return answer


# --- The observatory -----------------------------------------------------------------------------------------------


def reference_day(campaign: Campaign) -> date:
    """The day whose period the satisfaction describes: the end of the population's period (the cells of
    November are November's), else the campaign's end."""
    return campaign.period_end or campaign.ended_on


@transaction.atomic
def satisfaction_report(*, actor: Actor, campaign: Campaign, today: date):
    """Writes the campaign's satisfaction share into the observatory as a draft of its linked indicator, under the
    observatory's rules (who enters, a finished period, validation by a pilot). Refused while the campaign runs
    or when its satisfaction cannot be shown (below the anonymity threshold)."""
    from jalon.observatory.entered.selectors import may_enter, setup_for
    from jalon.observatory.entered.services import entered_value_save
    from jalon.observatory.enums import TerritoryLevel
    from jalon.observatory.periods import period_of
    from jalon.surveys.selectors import campaign_results

    _check_manager(actor)
    _own(actor, campaign.departement_id)
    if campaign.indicator is None:
        raise ValidationError("Cette campagne n'alimente aucun indicateur du catalogue.")
    if not campaign.is_over(today):
        raise ValidationError("La campagne est encore ouverte : sa satisfaction se reporte une fois close.")
    results = campaign_results(campaign=campaign)
    if results.hidden or results.satisfaction is None:
        raise ValidationError(
            "Trop peu de réponses à la question de satisfaction pour la reporter sans risque d'identifier quelqu'un."
        )
    setup = setup_for(indicator=campaign.indicator, departement_id=campaign.departement_id, today=today)
    if not may_enter(actor, setup):
        raise ValidationError(
            f"Seuls le pilote et l'analyste du Département saisissent {campaign.indicator.code} dans l'observatoire."
        )
    period = period_of(setup.period_kind, reference_day(campaign))
    entry = entered_value_save(
        actor=actor,
        indicator=campaign.indicator,
        period=period,
        territory_level=TerritoryLevel.DEPARTEMENT,
        territory_code=campaign.departement_id,
        value=round(results.satisfaction * 100, 1),
        comment=(
            f"Enquête « {campaign.title} » : {results.satisfied} répondants satisfaits sur "
            f"{results.satisfaction_respondents} ({results.responses} réponses, {results.invited} invitations)."
        ),
        submit=False,
        today=today,
    )
    audit_event_record(
        code=AuditCode.SURVEY_SATISFACTION_REPORTED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=campaign,
        new={"indicator": campaign.indicator.code, "period": period.label, "value": entry.value},
    )
    return entry
