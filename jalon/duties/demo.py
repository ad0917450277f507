"""Demo rights and duties: a few procedures in each state, through the services with their past dates (to invite,
waiting for the answer, to decide, closed on a legitimate reason, suspended, remobilised, and a suppression after
a suspension without remobilisation), and a first CAF/MSA file. Idempotent: a Département that has procedures is
left as is."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.scoping import Actor
from jalon.duties import services
from jalon.duties.enums import Duty, Nature
from jalon.duties.models import Failure
from jalon.organisations.models import Membership
from jalon.orientation.models import Orientation


EVIDENCE = {
    Duty.APPOINTMENT_MISSED: "Absent(e) au rendez-vous de suivi, sans prévenir ; relance téléphonique sans réponse.",
    Duty.HOURS_NOT_DONE: "Aucune des heures d'activité prévues au contrat d'engagement réalisée depuis un mois.",
    Duty.CONTRACT_NOT_SIGNED: "Contrat d'engagement non signé malgré deux rendez-vous proposés.",
    Duty.ACTIONS_REFUSED: "Refus de l'atelier de recherche d'emploi prévu au plan d'action.",
}


def _actor(membership) -> Actor:
    return Actor(user=membership.user, membership=membership, memberships=(membership,))


def build(ctx) -> None:
    if Failure.objects.filter(departement=ctx.departement).exists():
        ctx.log("  droits et devoirs : procédures déjà présentes")
        return
    officer = (
        Membership.objects.active()
        .filter(organisation__departement=ctx.departement, organisation__kind="cd", role=Role.ORIENTATION_OFFICER)
        .order_by("pk")
        .first()
    )
    if officer is None:
        return
    department = _actor(officer)
    today = timezone.localdate()
    memberships = {
        (m.user_id, m.organisation_id): m
        for m in Membership.objects.active().filter(organisation__departement=ctx.departement, role=Role.REFERENT)
    }
    followed = []
    orientations = (
        Orientation.objects.current()
        .filter(person__departement=ctx.departement, referent__isnull=False)
        .exclude(person__address="")
        .exclude(person__postal_code="")
        .exclude(person__city="")
        .select_related("person")
        .order_by("-person_id")
    )
    for orientation in orientations[:200]:
        membership = memberships.get((orientation.referent_id, orientation.organisation_id))
        if membership is not None:
            followed.append((_actor(membership), orientation.person))
        if len(followed) == 12:
            break
    duties = list(EVIDENCE)
    made = 0

    def days(n):
        return today - datetime.timedelta(days=n)

    def failure(index, on):
        referent, person = followed[index]
        duty = duties[index % len(duties)]
        return services.failure_record(
            actor=referent, person=person, duty=duty, occurred_on=on, evidence_text=EVIDENCE[duty], today=on
        )

    def invite(item, on):
        services.failure_invite(actor=department, failure=item, today=on)
        item.refresh_from_db()

    def decide(item, on, **fields):
        values = {"nature": Nature.SUSPENSION, "rate": 30, "months": 2, "reasons": "Manquement sans motif légitime."}
        values.update(fields)
        return services.decision_take(actor=department, failure=item, starts_on=on, today=on, **values)

    steps = [
        lambda: failure(0, days(2)),  # to invite
        lambda: failure(1, days(4)),
        lambda: invite(failure(2, days(6)), days(5)),  # waiting for the answer
        lambda: invite(failure(3, days(8)), days(3)),
        lambda: invite(failure(4, days(30)), days(28)),  # to decide: no answer in time
        lambda: _answered(department, failure(5, days(25)), days(24), days(20), legitimate=False),
        lambda: _answered(department, failure(6, days(40)), days(38), days(33), legitimate=True),  # closed
        lambda: decide(_invited(invite, failure(7, days(50)), days(48)), days(35)),  # suspended
        lambda: decide(_invited(invite, failure(8, days(45)), days(44)), days(30), rate=50, months=1),
        lambda: _remobilised(department, decide(_invited(invite, failure(9, days(70)), days(68)), days(55)), days(25)),
    ]
    for step in steps:
        if len(followed) < 10:
            break
        try:
            step()
            made += 1
        except ValidationError as error:
            ctx.log(f"  droits et devoirs : étape écartée ({' '.join(error.messages)})")
    # Escalation: a suspension last autumn without remobilisation, then a new failure: suppression.
    if len(followed) >= 11:
        try:
            earlier = _invited(invite, failure(10, days(200)), days(198))
            decide(earlier, days(185), months=1)
            again = _invited(invite, failure(10, days(40)), days(38))
            decide(again, days(26), nature=Nature.SUPPRESSION, rate=50, months=2)
            made += 1
        except ValidationError as error:
            ctx.log(f"  droits et devoirs : escalade écartée ({' '.join(error.messages)})")
    exported = 0
    try:
        exported = services.caf_export_create(actor=department).lines.count()
    except ValidationError:
        pass
    ctx.log(f"  droits et devoirs : {made} procédures, {exported} lignes dans le premier fichier CAF/MSA")


def _invited(invite, item, on):
    invite(item, on)
    return item


def _answered(actor, item, invited_on, answered_on, *, legitimate):
    services.failure_invite(actor=actor, failure=item, today=invited_on)
    item.refresh_from_db()
    services.failure_answer_record(
        actor=actor,
        failure=item,
        answered_on=answered_on,
        answer="Reçu(e) en entretien : " + ("hospitalisation la semaine du rendez-vous." if legitimate else "oubli."),
        legitimate=legitimate,
        legitimate_reason="hospitalisation (bulletin de situation fourni)" if legitimate else "",
        today=answered_on,
    )


def _remobilised(actor, decision, on):
    services.decision_reverse(actor=actor, decision=decision, remobilised_on=on, today=on)
