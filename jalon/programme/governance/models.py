"""Governance of the plan: the meetings of its bodies (agenda, attendance by organisation, documents, minutes),
the decisions taken there with their owner and due date, and the reminders sent when a body is late."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from jalon.core.models import BaseModel
from jalon.programme.governance.enums import AttendanceStatus, DecisionStatus, DocumentKind


__all__ = ["Meeting", "AgendaItem", "Attendance", "MeetingDocument", "Decision", "BodyReminder"]


class MeetingQuerySet(models.QuerySet):
    def of_programme(self, programme):
        return self.filter(body__programme=programme)

    def held(self, today):
        return self.filter(held_on__lte=today)

    def upcoming(self, today):
        return self.filter(held_on__gt=today)


class Meeting(BaseModel):
    body = models.ForeignKey(
        "programme.Body", verbose_name="instance", on_delete=models.CASCADE, related_name="meetings"
    )
    held_on = models.DateField("date")
    starts_at = models.TimeField("heure", null=True, blank=True)
    place = models.CharField("lieu", max_length=255, blank=True)
    remote = models.BooleanField("en visioconférence", default=False)
    minutes = models.TextField("relevé de la réunion", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="saisie par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "réunion d'instance"
        verbose_name_plural = "réunions d'instance"
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.body} du {self.held_on:%d/%m/%Y}"


class AgendaItem(BaseModel):
    meeting = models.ForeignKey(Meeting, verbose_name="réunion", on_delete=models.CASCADE, related_name="agenda")
    title = models.CharField("point", max_length=500)
    action = models.ForeignKey(
        "programme.ActionSheet",
        verbose_name="fiche action",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "point de l'ordre du jour"
        verbose_name_plural = "points de l'ordre du jour"
        ordering = ["meeting", "position"]

    def __str__(self):
        return self.title


class Attendance(BaseModel):
    meeting = models.ForeignKey(Meeting, verbose_name="réunion", on_delete=models.CASCADE, related_name="attendance")
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="organisation", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("présence", max_length=10, choices=AttendanceStatus.choices)
    invited = models.BooleanField("invitée (hors composition)", default=False)

    class Meta:
        verbose_name = "présence"
        verbose_name_plural = "présences"
        ordering = ["meeting", "invited", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "organisation"], name="programme_attendance_once"),
        ]

    def __str__(self):
        return f"{self.organisation} : {self.get_status_display()}"


class MeetingDocument(BaseModel):
    meeting = models.ForeignKey(Meeting, verbose_name="réunion", on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("nature", max_length=20, choices=DocumentKind.choices)
    file = models.FileField("fichier", upload_to="programme/instances/%Y/")
    name = models.CharField("nom du fichier", max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="déposé par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "document de réunion"
        verbose_name_plural = "documents de réunion"
        ordering = ["meeting", "kind", "name"]

    def __str__(self):
        return self.name


class DecisionQuerySet(models.QuerySet):
    def of_programme(self, programme):
        return self.filter(meeting__body__programme=programme)

    def open(self):
        return self.filter(status=DecisionStatus.OPEN)

    def late(self, today):
        return self.open().filter(due_on__lt=today)

    def due_within(self, today, days: int):
        from datetime import timedelta

        return self.open().filter(due_on__lte=today + timedelta(days=days))


class Decision(BaseModel):
    meeting = models.ForeignKey(Meeting, verbose_name="réunion", on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField("décision")
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="porteur (agent du Département)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="porteur (organisation)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField("échéance")
    status = models.CharField("état", max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.OPEN)
    follow_up = models.TextField("suivi", blank=True)
    follow_up_on = models.DateField("suivi daté du", null=True, blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = "décision"
        verbose_name_plural = "décisions"
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_user__isnull=False) | Q(owner_organisation__isnull=False),
                name="programme_decision_has_owner",
            ),
        ]

    def __str__(self):
        return self.text[:80]

    @property
    def owners(self) -> str:
        names = []
        if self.owner_user_id:
            names.append(self.owner_user.get_full_name() or self.owner_user.email)
        if self.owner_organisation_id:
            names.append(str(self.owner_organisation))
        return ", ".join(names)

    def is_late(self, today) -> bool:
        return self.status == DecisionStatus.OPEN and self.due_on < today


class BodyReminder(BaseModel):
    """One lateness episode of a body: opened the day it was found late (and its pilots told), closed the day it is
    no longer late. At most one open episode per body, so that the pilots are told once, not every day."""

    body = models.ForeignKey("programme.Body", verbose_name="instance", on_delete=models.CASCADE, related_name="+")
    opened_on = models.DateField("en retard constaté le")
    closed_on = models.DateField("à jour le", null=True, blank=True)
    reason = models.CharField("motif", max_length=255)
    notified = models.PositiveIntegerField("personnes prévenues", default=0)

    class Meta:
        verbose_name = "relance d'instance en retard"
        verbose_name_plural = "relances d'instances en retard"
        ordering = ["body", "-opened_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["body"], condition=Q(closed_on__isnull=True), name="programme_body_reminder_open_once"
            ),
        ]

    def __str__(self):
        return f"{self.body_id} — {self.opened_on}"
