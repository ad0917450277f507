"""The bodies where the people served take part: a comité consultatif des usagers per SDSEI (PDI des
Pyrénées-Atlantiques §5.1) and the seats of users in the équipes pluridisciplinaires (CASF L.262-39). Each has its
members (people who volunteered and consented, for a term, titulaires or suppléants); a committee has its own
meetings (agenda, minutes, attendance, expenses) and proposals; the EPL seats are counted at the EPL's meetings
(`orientation.EplMeeting`), which the orientation app keeps without knowing this app."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from jalon.core.models import BaseModel
from jalon.participation.enums import (
    AttendanceStatus,
    BodyKind,
    ConsentChannel,
    ExpenseNature,
    ProposalStatus,
    Seat,
)


__all__ = ["Body", "Member", "Meeting", "Attendance", "Expense", "Proposal", "EplAttendance"]


class BodyQuerySet(models.QuerySet):
    def committees(self):
        return self.filter(kind=BodyKind.COMMITTEE)

    def epl(self):
        return self.filter(kind=BodyKind.EPL)


class Body(BaseModel):
    departement = models.ForeignKey(
        "territories.Departement", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("nature", max_length=20, choices=BodyKind.choices)
    # The SDSEI that holds the committee; for the EPL seats, the Département's service that runs the EPL.
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name="service", on_delete=models.PROTECT, related_name="+"
    )
    # For the EPL seats: the EPL's territory (its meetings there); empty for every EPL of the Département.
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name="territoire",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField("nom", max_length=255)
    description = models.TextField("présentation", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créé par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = BodyQuerySet.as_manager()

    class Meta:
        verbose_name = "instance de participation"
        verbose_name_plural = "instances de participation"
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["departement", "name"], name="participation_body_name")]

    def __str__(self):
        return self.name

    @property
    def is_committee(self) -> bool:
        return self.kind == BodyKind.COMMITTEE


class MemberQuerySet(models.QuerySet):
    def in_office(self, day):
        """Members whose term covers `day` and who had not left by then."""
        return self.filter(starts_on__lte=day, ends_on__gte=day).exclude(left_on__lte=day)


class Member(BaseModel):
    body = models.ForeignKey(Body, verbose_name="instance", on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.PROTECT, related_name="participation_seats"
    )
    seat = models.CharField("siège", max_length=12, choices=Seat.choices)
    consent_on = models.DateField("consentement donné le")
    consent_channel = models.CharField("consentement recueilli", max_length=12, choices=ConsentChannel.choices)
    starts_on = models.DateField("début du mandat")
    ends_on = models.DateField("fin du mandat")
    left_on = models.DateField("a quitté l'instance le", null=True, blank=True)
    left_reason = models.CharField("motif du départ", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="inscrit par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "membre"
        verbose_name_plural = "membres"
        ordering = ["seat", "person__last_name", "person__first_name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="member_term_order")
        ]

    def __str__(self):
        return f"{self.person} ({self.get_seat_display()})"

    def in_office_on(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on and not (self.left_on and self.left_on <= day)


class Meeting(BaseModel):
    body = models.ForeignKey(Body, verbose_name="comité", on_delete=models.CASCADE, related_name="meetings")
    held_at = models.DateTimeField("date et heure")
    place = models.CharField("lieu", max_length=255)
    agenda = models.TextField("ordre du jour", help_text="Un point par ligne.")
    minutes = models.TextField("compte rendu", blank=True)
    minutes_file = models.FileField("compte rendu (document)", upload_to="participation/minutes/", blank=True)
    minutes_name = models.CharField("nom du document", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créée par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "réunion"
        verbose_name_plural = "réunions"
        ordering = ["-held_at"]

    def __str__(self):
        return f"Réunion du {timezone.localtime(self.held_at):%d/%m/%Y}"

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.agenda.splitlines() if line.strip(" -•\t")]

    @property
    def day(self):
        return timezone.localtime(self.held_at).date()


class Attendance(BaseModel):
    meeting = models.ForeignKey(Meeting, verbose_name="réunion", on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, verbose_name="membre", on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField("présence", max_length=10, choices=AttendanceStatus.choices)

    class Meta:
        verbose_name = "présence"
        verbose_name_plural = "présences"
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="participation_attendance_once")]


class Expense(BaseModel):
    meeting = models.ForeignKey(Meeting, verbose_name="réunion", on_delete=models.CASCADE, related_name="expenses")
    member = models.ForeignKey(Member, verbose_name="membre", on_delete=models.PROTECT, related_name="expenses")
    nature = models.CharField("nature", max_length=12, choices=ExpenseNature.choices)
    amount = models.DecimalField("montant (€)", max_digits=8, decimal_places=2)
    paid_on = models.DateField("payé le", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="saisi par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "frais ou indemnité"
        verbose_name_plural = "frais et indemnités"
        ordering = ["meeting__held_at", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="participation_expense_positive")]


class Proposal(BaseModel):
    body = models.ForeignKey(Body, verbose_name="comité", on_delete=models.CASCADE, related_name="proposals")
    made_at = models.ForeignKey(
        Meeting,
        verbose_name="réunion où elle a été formulée",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals_made",
    )
    made_on = models.DateField("formulée le")
    title = models.CharField("proposition", max_length=255)
    description = models.TextField("détail", blank=True)
    status = models.CharField("suite donnée", max_length=12, choices=ProposalStatus.choices, default="etude")
    answer = models.TextField("réponse apportée", blank=True)
    refusal_reason = models.TextField("motif du refus", blank=True)
    answered_on = models.DateField("réponse le", null=True, blank=True)
    shown_back_at = models.ForeignKey(
        Meeting,
        verbose_name="réunion où la réponse a été présentée",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals_shown",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="saisie par", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "proposition"
        verbose_name_plural = "propositions"
        ordering = ["-made_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="refusee") | ~models.Q(refusal_reason=""), name="proposal_refusal_reason"
            )
        ]

    def __str__(self):
        return self.title


class EplAttendance(BaseModel):
    """A user member's attendance at a meeting of the EPL where they sit."""

    member = models.ForeignKey(Member, verbose_name="membre", on_delete=models.CASCADE, related_name="epl_attendances")
    epl_meeting = models.ForeignKey(
        "orientation.EplMeeting", verbose_name="réunion de l'EPL", on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField("présence", max_length=10, choices=AttendanceStatus.choices)

    class Meta:
        verbose_name = "présence à l'EPL"
        verbose_name_plural = "présences à l'EPL"
        constraints = [models.UniqueConstraint(fields=["epl_meeting", "member"], name="participation_epl_once")]
