"""Writes of the delays area: the Département's thresholds, the alerts raised when a threshold is passed (and closed
when the step is done), closing an alert by hand, and the daily run."""

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, FilteredRelation, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from jalon.core.bulk import bulk_insert_rows, statistics_refresh
from jalon.core.enums import AuditCode, Role
from jalon.core.services import audit_event_record, model_update
from jalon.inbox.enums import NotificationKind
from jalon.inbox.services import notify as inbox_notify
from jalon.messaging.digests import digest_send, plural
from jalon.organisations.models import Membership
from jalon.orientation.delays import selectors
from jalon.orientation.delays.closing import DONE_REASON
from jalon.orientation.enums import DelayStep
from jalon.orientation.models import DelayAlert, DelayThresholds
from jalon.people.models import Person


THRESHOLD_FIELDS = [
    "invitation_days",
    "orientation_days",
    "first_appointment_days",
    "contract_days",
    "joint_diagnostic_days",
    "joint_diagnostic_extended_days",
    "transition_days",
]
EDITABLE_FIELDS = [*THRESHOLD_FIELDS, "reminder_days_before"]
MAX_DAYS = 730
# The deadlines of décret n° 2024-1244 du 30 décembre 2024 (in force 1 January 2025), as the defaults a Département
# applies with « délais légaux »: (threshold field, days, label, reference). Months are counted in days (six months:
# 183 days, twelve: 365), the thresholds being in days.
LEGAL_DEADLINES = (
    (
        "orientation_days",
        42,
        "Orientation du bénéficiaire du RSA : six semaines après la réception de l'information d'ouverture ou de "
        "transfert du droit (à défaut, France Travail oriente)",
        "art. D. 262-65-2 CASF (décret n° 2024-1244 du 30 décembre 2024, art. 2)",
    ),
    (
        "contract_days",
        30,
        "Contrat d'engagement : élaboré et signé dans le mois qui suit la notification de la décision "
        "d'orientation (compté ici 30 jours à partir de la décision)",
        "art. D. 5411-14-1 C. trav. (décret n° 2024-1244 du 30 décembre 2024)",
    ),
    (
        "joint_diagnostic_days",
        183,
        "Diagnostic conjoint France Travail et organisme référent pour le parcours social : six mois après "
        "l'orientation sociale",
        "art. L. 262-31 et D. 262-65-2-1 CASF (décret n° 2024-1244 du 30 décembre 2024, art. 2)",
    ),
    (
        "joint_diagnostic_extended_days",
        365,
        "Diagnostic conjoint porté à douze mois en cas de vulnérabilités ou difficultés particulières (santé, "
        "handicap, invalidité, logement, garde d'enfant, proche aidant)",
        "art. D. 262-65-2-1 CASF (décret n° 2024-1244 du 30 décembre 2024, art. 2)",
    ),
    (
        "transition_days",
        730,
        "Personnes accompagnées au 1er janvier 2025 : contrat d'engagement conclu dans les deux ans "
        "(jusqu'au 1er janvier 2027)",
        "décret n° 2024-1244 du 30 décembre 2024",
    ),
)


def legal_references(thresholds) -> dict[str, str]:
    """The legal reference of each threshold that is set at its legal value, by field name, for the screens."""
    return {name: reference for name, days, _label, reference in LEGAL_DEADLINES if getattr(thresholds, name) == days}


NO_LONGER_LATE_REASON = "n'est plus en retard (droit, orientation ou délai modifiés)"


def _check_thresholds(values: dict) -> None:
    errors: dict[str, str] = {}
    for name in EDITABLE_FIELDS:
        value = values.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_DAYS:
            errors[name] = f"Indiquez un nombre entier de jours entre 1 et {MAX_DAYS}."
    if errors:
        raise ValidationError(errors)
    if values["orientation_days"] < values["invitation_days"]:
        raise ValidationError(
            {
                "orientation_days": "Le délai d'orientation ne peut pas être plus court que celui de la "
                "première invitation."
            }
        )
    if values["contract_days"] < values["first_appointment_days"]:
        raise ValidationError(
            {"contract_days": "Le délai du contrat ne peut pas être plus court que celui du premier rendez-vous."}
        )
    if values["joint_diagnostic_extended_days"] < values["joint_diagnostic_days"]:
        raise ValidationError(
            {
                "joint_diagnostic_extended_days": "Le délai prolongé du diagnostic conjoint ne peut pas être plus "
                "court que le délai ordinaire."
            }
        )


def _check_can_set_thresholds(actor, departement_id) -> None:
    if actor.is_platform_admin:
        return
    if not (actor.is_departement_admin and actor.departement_code == departement_id):
        raise PermissionDenied("Seul un administrateur du Conseil départemental règle les délais.")


@transaction.atomic
def delay_thresholds_update(*, actor, departement_id, data: dict) -> DelayThresholds:
    """Set the Département's delays (in days). Checked: whole days between 1 and 730, orientation not before the
    first invitation, contract not before the first appointment. Audited with the old and new values."""
    _check_can_set_thresholds(actor, departement_id)
    current = DelayThresholds.objects.select_for_update().filter(departement_id=departement_id).first()
    thresholds = current or DelayThresholds(departement_id=departement_id)
    values = {name: data.get(name, getattr(thresholds, name)) for name in EDITABLE_FIELDS}
    _check_thresholds(values)
    if current is None:
        old = {name: getattr(thresholds, name) for name in EDITABLE_FIELDS}
        new = {name: value for name, value in values.items() if old[name] != value}
        old = {name: old[name] for name in new}
        if not new:
            return thresholds  # the defaults, unchanged: nothing to record
        for name, value in values.items():
            setattr(thresholds, name, value)
        thresholds.full_clean()
        thresholds.save()
    else:
        old, new = model_update(instance=thresholds, fields=EDITABLE_FIELDS, data=values)
        if not new:
            return thresholds
    audit_event_record(
        code=AuditCode.THRESHOLDS_CHANGED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=thresholds,
        old=old,
        new=new,
    )
    return thresholds


def delay_thresholds_apply_legal(*, actor, departement_id) -> DelayThresholds:
    """The deadlines of décret n° 2024-1244 as the Département's thresholds: orientation within six weeks, contract
    within a month of the orientation, joint diagnostic within six months (twelve when extended), the contrat
    d'engagement of people accompanied before 2025 within two years (the earlier steps brought within them).
    Audited like any change."""
    thresholds = selectors.thresholds_for(departement_id)
    legal = {name: days for name, days, _label, _reference in LEGAL_DEADLINES}
    return delay_thresholds_update(
        actor=actor,
        departement_id=departement_id,
        data={
            **legal,
            "invitation_days": min(thresholds.invitation_days, legal["orientation_days"]),
            "first_appointment_days": min(thresholds.first_appointment_days, legal["contract_days"]),
        },
    )


# -- alerts ------------------------------------------------------------------------------------------------------


def _overdue(departement_id, step, thresholds, today):
    persons = Person.objects.active().filter(departement_id=departement_id)
    return selectors.in_path(persons).filter(selectors.step_condition(step, thresholds, today))


def _raise_step(*, departement_id, step, thresholds, today, pick_team) -> list[dict]:
    open_alerts = DelayAlert.objects.open().filter(step=step).values("person_id")
    # An alert closed by hand ("personne injoignable"…) is not raised again for the same delay: only when it
    # starts anew (a new request of the right, a new orientation).
    handled = DelayAlert.objects.filter(
        person_id=OuterRef("pk"), step=step, closed_by__isnull=False, raised_on__gt=OuterRef("start_on")
    )
    overdue = (
        _overdue(departement_id, step, thresholds, today)
        .exclude(pk__in=open_alerts)
        .annotate(start_on=selectors.step_start(step))
        .exclude(Exists(handled))
    )
    now = timezone.now()
    rows = []
    if step in selectors.TEAM_STEPS:
        found = overdue.values_list("pk", "commune_id", "right_requested_on")
        for person_id, commune_id, start_on in found.iterator(chunk_size=5000):
            team = pick_team(commune_id)
            rows.append((person_id, commune_id, start_on, team.pk if team else None, None, ""))
    else:
        # The organisation in charge, and the référent who follows the person now (a change of référent since the
        # decision moves the alert to the new one).
        found = overdue.annotate(
            referent_now=FilteredRelation("referent_assignments", condition=Q(referent_assignments__ended_on=None))
        ).values_list(
            "pk",
            "commune_id",
            "start_on",
            "current__organisation_id",
            "referent_now__referent_id",
            "current__referent_id",
            "current__joint_diagnostic_extension",
        )
        for (
            person_id,
            commune_id,
            start_on,
            organisation_id,
            referent_id,
            decision_referent,
            extension,
        ) in found.iterator(chunk_size=5000):
            rows.append(
                (person_id, commune_id, start_on, organisation_id, referent_id or decision_referent, extension)
            )
    alerts = [
        {
            "person_id": person_id,
            "step": step.value,
            "due_on": start_on + timedelta(days=selectors.step_days(step, thresholds, extension)),
            "raised_on": today,
            "organisation_id": organisation_id,
            "recipient_id": recipient_id,
            "closed_at": None,
            "closed_by_id": None,
            "close_reason": "",
            "created_at": now,
        }
        for person_id, commune_id, start_on, organisation_id, recipient_id, extension in rows
    ]
    bulk_insert_rows(DelayAlert, alerts)
    return [{**alert, "commune_id": row[1]} for alert, row in zip(alerts, rows, strict=True)]


def _close_step(*, departement_id, step, thresholds, today) -> int:
    now = timezone.now()
    open_alerts = DelayAlert.objects.open().filter(step=step, person__departement_id=departement_id)
    done = open_alerts.filter(selectors.step_done(step)).update(closed_at=now, close_reason=DONE_REASON)
    still_late = _overdue(departement_id, step, thresholds, today).values("pk")
    gone = (
        DelayAlert.objects.open()
        .filter(step=step, person__departement_id=departement_id)
        .exclude(person_id__in=still_late)
        .update(closed_at=now, close_reason=NO_LONGER_LATE_REASON)
    )
    return done + gone


def _departements_to_watch() -> list[str]:
    return list(Person.objects.active().order_by("departement_id").values_list("departement_id", flat=True).distinct())


@transaction.atomic
def delay_alerts_raise(*, departement_id=None, today: date | None = None, notify: bool = True) -> dict:
    """Raise an alert for every person past a step's threshold who has none open for that step, addressed to the
    right people (invitation and orientation: the Département's orientation organisation, the whole team; first
    appointment and contract: the organisation in charge and the person's référent), and close the open alerts
    whose step has been done since. Set-based: a few statements per step, whatever the number of people. Every
    recipient then gets one e-mail with their count of new alerts (sent once the transaction is committed).
    Without a Département, every Département that has people. Returns the counts, also written to the audit log."""
    today = today or timezone.localdate()
    departements = [departement_id] if departement_id else _departements_to_watch()
    summary: dict = {"raised": 0, "closed": 0, "departements": {}}
    digests: dict[int, Counter] = defaultdict(Counter)  # user id -> new alerts per step
    for code in departements:
        thresholds = selectors.thresholds_for(code)
        pick, organisations = selectors.team_organisation_picker(departement_id=code)
        counts: dict = {"raised": {}, "closed": 0}
        new_alerts: list[dict] = []
        for step in selectors.STEPS:
            counts["closed"] += _close_step(departement_id=code, step=step, thresholds=thresholds, today=today)
            raised = _raise_step(departement_id=code, step=step, thresholds=thresholds, today=today, pick_team=pick)
            counts["raised"][step.value] = len(raised)
            new_alerts += raised
        _collect_digests(digests, new_alerts, organisations)
        _alerts_notify(new_alerts)
        summary["departements"][code] = counts
        summary["raised"] += sum(counts["raised"].values())
        summary["closed"] += counts["closed"]
    # The alerts screen plans on these statistics: read right after the run, stale ones cost it ten times more.
    statistics_refresh(DelayAlert, rows=summary["raised"] + summary["closed"])
    audit_event_record(code=AuditCode.ALERTS_RAISED, extra={"today": today.isoformat(), **summary})
    if notify and digests:
        transaction.on_commit(lambda: _send_digests(digests))
    summary["notified"] = len(digests) if notify else 0
    return summary


def _alerts_notify(alerts: list[dict]) -> None:
    """One inbox notification per référent and organisation for the alerts of this run that name them."""
    assigned = Counter((alert["recipient_id"], alert["organisation_id"]) for alert in alerts if alert["recipient_id"])
    url = reverse("orientation:alerts")
    for (recipient_id, organisation_id), count in sorted(assigned.items()):
        inbox_notify(
            recipient_ids=[recipient_id],
            organisation_id=organisation_id,
            kind=NotificationKind.DELAY_ALERT,
            title=f"{count} {plural(count, 'nouvelle alerte', 'nouvelles alertes')} de délai sur votre portefeuille",
            url=url,
        )


def _collect_digests(digests: dict[int, Counter], alerts: list[dict], organisations: list[dict]) -> None:
    """Who hears of which new alerts: the référent of their own; the chargés d'orientation of the organisation of a
    team alert (limited to the communes of their territories when their membership is)."""
    team: Counter = Counter()  # (organisation id, commune, step) -> count
    for alert in alerts:
        if alert["recipient_id"]:
            digests[alert["recipient_id"]][alert["step"]] += 1
        elif alert["organisation_id"]:
            team[(alert["organisation_id"], alert["commune_id"], alert["step"])] += 1
    if not team:
        return
    organisation_ids = {entry["organisation"].pk for entry in organisations}
    officers = (
        Membership.objects.active()
        .with_role(Role.ORIENTATION_OFFICER)
        .filter(organisation_id__in=organisation_ids)
        .prefetch_related("territories__communes")
    )
    for membership in officers:
        limited = {commune.code for territory in membership.territories.all() for commune in territory.communes.all()}
        for (organisation_id, commune_id, step), count in team.items():
            if organisation_id == membership.organisation_id and (not limited or commune_id in limited):
                digests[membership.user_id][step] += count


def _send_digests(digests: dict[int, Counter]) -> None:
    from jalon.accounts.models import User

    for user in User.objects.filter(pk__in=digests.keys(), is_active=True).order_by("pk"):
        steps = digests[user.pk]
        total = sum(steps.values())
        alerts = f"{plural(total, 'nouvelle')} {plural(total, 'alerte')}"
        digest_send(
            user=user,
            subject=f"Jalon — {total} {alerts} de délai",
            intro=f"{total} {alerts} de délai {plural(total, 'vous concerne', 'vous concernent')}, vous ou votre "
            "équipe :",
            lines=[f"- {step.label} : {steps[step.value]}" for step in DelayStep if steps[step.value]],
            url_name="orientation:alerts",
        )


@transaction.atomic
def delay_alert_close(*, actor, alert: DelayAlert, reason: str) -> DelayAlert:
    """Close an alert by hand, with the reason (e.g. "rendez-vous fixé", "personne injoignable")."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Indiquez ce qui a été fait ou pourquoi l'alerte est close."})
    alert = DelayAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.closed_at is not None:
        raise ValidationError("Cette alerte est déjà traitée.")
    alert.closed_at, alert.closed_by, alert.close_reason = timezone.now(), actor.user, reason[:255]
    alert.save(update_fields=["closed_at", "closed_by", "close_reason", "updated_at"])
    audit_event_record(
        code=AuditCode.ALERT_CLOSED,
        actor=actor.user,
        organisation=actor.organisation,
        subject=alert,
        person_id=alert.person_id,
        new={"step": alert.step, "reason": alert.close_reason},
    )
    return alert


def orientation_daily(*, today: date | None = None, now=None) -> dict:
    """The daily run (cron or background task): alerts for every Département, then the session reminders."""
    from jalon.orientation.sessions.services import session_reminders_send

    now = now or timezone.now()
    today = today or timezone.localdate(now)
    alerts = delay_alerts_raise(today=today)
    reminders = session_reminders_send(now=now)
    return {"alerts": alerts, "reminders": reminders}
