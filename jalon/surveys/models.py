"""Questionnaires (versioned), campaigns and their invitations, and the anonymous answers.

Anonymity is built into the tables (decision 0037): `Response` and `Answer` hold no foreign key to a person, a
user or an invitation, and no date (a response belongs to its campaign, nothing finer); their keys are random
UUIDs, so no sequence orders them; an `Invitation` knows only whether it was used (a boolean, no date, no
modification time) and nothing of the response. `tests/surveys/test_anonymity.py` walks the relation graph to
prove that no query path joins an answer back to a person.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from jalon.core.models import BaseModel
from jalon.surveys.enums import (
    CHOICE_KINDS,
    InvitationChannel,
    Population,
    QuestionKind,
    ResponseChannel,
    TextReview,
)


__all__ = ["Questionnaire", "QuestionnaireVersion", "Question", "Campaign", "Invitation", "Response", "Answer"]


class Questionnaire(BaseModel):
    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("titre", max_length=255)
    description = models.TextField("objet", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créé par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "questionnaire"
        verbose_name_plural = "questionnaires"
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["departement", "title"], name="surveys_questionnaire_title_once")
        ]

    def __str__(self):
        return self.title

    @property
    def current_version(self):
        return self.versions.order_by("-number").first()


class QuestionnaireVersion(BaseModel):
    """The questions as they were asked. A version used by a campaign is frozen: changing it makes a new one."""

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name="questionnaire", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField("version")
    frozen = models.BooleanField("figée", default=False)

    class Meta:
        verbose_name = "version d'un questionnaire"
        verbose_name_plural = "versions des questionnaires"
        ordering = ["questionnaire", "-number"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "number"], name="surveys_version_number_once")]

    def __str__(self):
        return f"{self.questionnaire} — version {self.number}"

    @property
    def satisfaction_question(self):
        return next((question for question in self.questions.all() if question.is_satisfaction), None)


class Question(BaseModel):
    version = models.ForeignKey(
        QuestionnaireVersion, verbose_name="version", on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField("rang")
    text = models.CharField("question", max_length=255)
    help_text = models.CharField("précision", max_length=255, blank=True)
    kind = models.CharField("type", max_length=20, choices=QuestionKind.choices)
    # The choices in order (for a scale, from the lowest to the highest).
    choices = models.JSONField("réponses proposées", default=list, blank=True)
    required = models.BooleanField("réponse obligatoire", default=False)
    # Shown only when the answer to an earlier question is one of `condition_choices`.
    condition_question = models.ForeignKey(
        "self",
        verbose_name="posée seulement si la question",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dependents",
    )
    condition_choices = models.JSONField("a reçu l'une des réponses", default=list, blank=True)
    is_satisfaction = models.BooleanField("question de satisfaction", default=False)
    satisfied_choices = models.JSONField("réponses comptées « satisfait »", default=list, blank=True)

    class Meta:
        verbose_name = "question"
        verbose_name_plural = "questions"
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="surveys_question_position_once"),
            models.UniqueConstraint(
                fields=["version"], condition=Q(is_satisfaction=True), name="surveys_one_satisfaction_question"
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.text}"

    @property
    def has_choices(self) -> bool:
        return self.kind in CHOICE_KINDS


class CampaignQuerySet(models.QuerySet):
    def of_departement(self, departement_id):
        return self.filter(departement_id=departement_id)

    def open_on(self, day):
        return self.filter(opens_on__lte=day, closes_on__gte=day, closed_on=None)


class Campaign(BaseModel):
    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    version = models.ForeignKey(
        QuestionnaireVersion, verbose_name="questionnaire", on_delete=models.PROTECT, related_name="campaigns"
    )
    title = models.CharField("titre", max_length=255)
    opens_on = models.DateField("ouverture")
    closes_on = models.DateField("clôture prévue")
    closed_on = models.DateField("clôturée le", null=True, blank=True)
    threshold = models.PositiveSmallIntegerField("seuil d'anonymat (réponses au minimum par groupe)")
    population = models.CharField("population interrogée", max_length=30, choices=Population.choices)
    period_start = models.DateField("période du", null=True, blank=True)
    period_end = models.DateField("période au", null=True, blank=True)
    months_after = models.PositiveSmallIntegerField("mois après la sortie", null=True, blank=True)
    roles = models.JSONField("rôles des professionnels", default=list, blank=True)
    remind_after_days = models.PositiveSmallIntegerField("relance après (jours)", default=7)
    # The catalogue's satisfaction indicator that this campaign measures (L06, P65…), if any.
    indicator = models.ForeignKey(
        "observatory.Indicator",
        verbose_name="indicateur de satisfaction alimenté",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="lancée par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "campagne d'enquête"
        verbose_name_plural = "campagnes d'enquête"
        ordering = ["-opens_on", "title"]
        constraints = [
            models.UniqueConstraint(fields=["departement", "title"], name="surveys_campaign_title_once"),
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="surveys_campaign_dates"),
            models.CheckConstraint(condition=Q(threshold__gte=1), name="surveys_campaign_threshold"),
        ]

    def __str__(self):
        return self.title

    def is_open(self, day) -> bool:
        return self.closed_on is None and self.opens_on <= day <= self.closes_on

    def is_over(self, day) -> bool:
        return self.closed_on is not None or day > self.closes_on

    @property
    def ended_on(self):
        return self.closed_on or self.closes_on

    def status_label(self, day) -> str:
        if self.is_over(day):
            return "terminée"
        return "ouverte" if self.is_open(day) else "à venir"


class Invitation(models.Model):
    """Who was asked, and whether they answered: a boolean and nothing else about the answer — not its date (no
    `used_at`, no modification time: `BaseModel` is not used here), not the response."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="campagne", on_delete=models.CASCADE, related_name="invitations"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name="personne",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="survey_invitations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="professionnel",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="survey_invitations",
    )
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name="territoire",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Only the SHA-256 of the single-use link's secret is kept (as the offer's secure links).
    token_hash = models.CharField("empreinte du lien", max_length=64, unique=True, editable=False)
    channel = models.CharField("envoyée par", max_length=10, choices=InvitationChannel.choices)
    used = models.BooleanField("a répondu", default=False)
    reminded = models.BooleanField("relancée", default=False)
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "invitation à répondre"
        verbose_name_plural = "invitations à répondre"
        ordering = ["campaign", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, user__isnull=True) | Q(person__isnull=True, user__isnull=False),
                name="surveys_invitation_one_recipient",
            ),
            models.UniqueConstraint(fields=["campaign", "person"], name="surveys_invitation_person_once"),
            models.UniqueConstraint(fields=["campaign", "user"], name="surveys_invitation_user_once"),
        ]

    def __str__(self):
        return f"Invitation — {self.campaign}"


class Response(models.Model):
    """One anonymous set of answers: its campaign, how it came (link, space, paper) and the territory of the group,
    nothing else. No date, no sequence: a random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, verbose_name="campagne", on_delete=models.CASCADE, related_name="responses")
    channel = models.CharField("canal", max_length=10, choices=ResponseChannel.choices)
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name="territoire",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "réponse anonyme"
        verbose_name_plural = "réponses anonymes"
        # Ordered by its random key: never by an order of arrival.
        ordering = ["id"]

    def __str__(self):
        return "Réponse anonyme"


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, verbose_name="réponse", on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name="question", on_delete=models.PROTECT, related_name="answers")
    choices = models.JSONField("réponses choisies", default=list, blank=True)
    text = models.TextField("texte libre", blank=True)
    # A free text is shown in the results only once a professional has read it (it may name someone).
    review = models.CharField("relecture", max_length=10, choices=TextReview.choices, blank=True)

    class Meta:
        verbose_name = "réponse à une question"
        verbose_name_plural = "réponses aux questions"
        ordering = ["question", "id"]
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="surveys_answer_once")]

    def __str__(self):
        return f"Réponse à « {self.question.text} »"
