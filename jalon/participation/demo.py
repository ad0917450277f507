"""The demo's users' participation, dated around today: in each demo Département, a comité consultatif des usagers
per SDSEI (Pyrénées-Atlantiques §5.1; the Landes' territoires d'action sociale likewise, the Landes plan asking for
users « à tous les niveaux ») with eight volunteers (five titulaires, three suppléants; one left during the year),
a meeting about every quarter over the last year and the next one planned, attendance, expenses, and proposals in
every status; and the users seated in the Département's EPL with their attendance at its last meetings. Everything
goes through the services; idempotent (nothing is added where the Département has bodies already)."""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.scoping import Actor
from jalon.organisations.models import Membership
from jalon.participation import services
from jalon.participation.models import Body
from jalon.people.models import Person


AGENDAS = [
    "Accueil des nouveaux membres\nLe parcours d'orientation : ce qui a marché, ce qui bloque\nQuestions diverses",
    "Retour du Département sur les propositions\nLes courriers de convocation : lisibles ?\nPréparation du "
    "questionnaire de satisfaction",
    "Les rendez-vous avec le référent de parcours\nLa mobilité pour venir aux ateliers\nQuestions diverses",
    "Bilan de l'année du comité\nRetour du Département sur les propositions\nCalendrier de l'an prochain",
]
MINUTES = (
    "Les membres présents ont fait part de leur expérience. Le service prend note des difficultés signalées et "
    "apportera une réponse à la prochaine réunion."
)
PLACES = ["Maison des solidarités, salle du rez-de-chaussée", "Salle du conseil du SDSEI", "Centre social"]
PROPOSALS = [
    (
        "Envoyer les convocations aussi par SMS",
        "realisee",
        "Les rappels SMS partent deux jours avant chaque rendez-vous.",
    ),
    (
        "Un livret d'accueil écrit en FALC",
        "en_cours",
        "Le livret est en cours de relecture par deux membres du comité.",
    ),
    (
        "Ouvrir la cellule d'orientation un soir par mois",
        "refusee",
        "La cellule mobilise France Travail et le Département aux heures d'ouverture.",
    ),
    (
        "Associer un membre du comité aux cellules d'orientation",
        "acceptee",
        "Un membre sera invité dès le trimestre prochain.",
    ),
    ("Prévoir une garde d'enfants pendant les réunions du comité", "etude", ""),
]
REFUSAL = (
    "Les horaires du soir ne sont pas couverts par les agents des deux institutions ; un créneau à 8 h 30 est testé."
)


def _at(day: date, hour: int = 14) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _pilot(departement) -> Actor | None:
    membership = (
        Membership.objects.filter(
            role=Role.PROGRAMME_PILOT, organisation__departement=departement, organisation__kind="cd", is_active=True
        )
        .select_related("organisation", "user")
        .first()
    )
    return Actor(user=membership.user, membership=membership, memberships=(membership,)) if membership else None


def _volunteers(ctx, organisation, exclude: set, count: int) -> list:
    """RSA beneficiaries living on the SDSEI's territory (the whole Département if it has none)."""
    people = Person.objects.filter(
        departement=ctx.departement, merged_into=None, anonymised_on=None, household_links__isnull=False
    ).exclude(pk__in=exclude)
    spec = next((s for s in ctx.config.organisations if ctx.organisations.get(s.key) == organisation), None)
    territory = ctx.territories.get(spec.territory) if spec and spec.territory else None
    if territory is not None:
        local = people.filter(commune__in=territory.communes.values("code"))
        if local.count() >= count:
            people = local
    return list(people.distinct().order_by("pk")[:count])


def _seat(actor, body, people, today, rng) -> list:
    starts_on = today - timedelta(days=360)
    members = []
    for index, person in enumerate(people):
        members.append(
            services.member_add(
                actor=actor,
                body=body,
                person=person,
                seat="titulaire" if index < (len(people) * 5) // 8 else "suppleant",
                consent_on=starts_on - timedelta(days=rng.randint(3, 20)),
                consent_channel=rng.choice(["ecrit", "ecrit", "entretien", "courriel"]),
                starts_on=starts_on,
                ends_on=starts_on + timedelta(days=2 * 365),
                today=today,
            )
        )
    return members


def _committee(ctx, actor, organisation, taken: set, today, now, rng) -> None:
    body = services.body_create(
        actor=actor,
        kind="comite_usagers",
        organisation=organisation,
        name=f"Comité consultatif des usagers — {organisation.name}",
        description="Des personnes accompagnées au titre du RSA donnent leur avis sur leur parcours et font des "
        "propositions au Département.",
    )
    people = _volunteers(ctx, organisation, taken, 8)
    taken.update(p.pk for p in people)
    members = _seat(actor, body, people, today, rng)
    # A meeting about every quarter over the last year, and the next one in six weeks.
    meetings = []
    for index, days_ago in enumerate((330, 240, 150, 60)):
        day = today - timedelta(days=days_ago + rng.randint(0, 6))
        meetings.append(
            services.meeting_save(
                actor=actor,
                body=body,
                held_at=_at(day),
                place=rng.choice(PLACES),
                agenda=AGENDAS[index],
                minutes=MINUTES if index < 3 else "",
                now=now,
            )
        )
    services.meeting_save(
        actor=actor,
        body=body,
        held_at=_at(today + timedelta(days=42)),
        place=PLACES[0],
        agenda=AGENDAS[1],
        now=now,
    )
    # The last suppléant left after the second meeting (found a job).
    services.member_leave(
        actor=actor,
        member=members[-1],
        left_on=meetings[1].day + timedelta(days=10),
        reason="Reprise d'emploi",
        today=today,
    )
    members = list(body.members.order_by("pk"))
    for meeting in meetings:
        statuses = {}
        for member in members:
            if not member.in_office_on(meeting.day):
                continue
            statuses[member.pk] = rng.choices(["present", "excuse", "absent"], weights=[7, 2, 1])[0]
        services.attendance_record(actor=actor, meeting=meeting, statuses=statuses, now=now)
        for member_pk, status in statuses.items():
            if status != "present":
                continue
            member = next(m for m in members if m.pk == member_pk)
            paid_on = min(meeting.day + timedelta(days=21), today)
            services.expense_record(
                actor=actor,
                meeting=meeting,
                member=member,
                nature="indemnite",
                amount="30.00",
                paid_on=paid_on if meeting.day + timedelta(days=21) <= today else None,
                today=today,
            )
            if rng.random() < 0.6:
                services.expense_record(
                    actor=actor,
                    meeting=meeting,
                    member=member,
                    nature="transport",
                    amount=f"{rng.randint(4, 28)}.{rng.choice(['00', '40', '80'])}",
                    paid_on=paid_on,
                    today=today,
                )
            if rng.random() < 0.15:
                services.expense_record(
                    actor=actor,
                    meeting=meeting,
                    member=member,
                    nature="garde",
                    amount="24.00",
                    paid_on=paid_on,
                    today=today,
                )
    for index, (title, status, answer) in enumerate(PROPOSALS):
        made_at = meetings[min(index, len(meetings) - 1)] if status != "etude" else meetings[-1]
        made_at = meetings[0] if index < 2 else made_at
        proposal = services.proposal_record(
            actor=actor, body=body, title=title, made_at=made_at, made_on=None, today=today
        )
        if status == "etude":
            continue
        later = [m for m in meetings if m.day > proposal.made_on]
        services.proposal_answer(
            actor=actor,
            proposal=proposal,
            status=status,
            answer=answer,
            refusal_reason=REFUSAL if status == "refusee" else "",
            shown_back_at=later[0] if later and status != "acceptee" else None,
            today=today,
        )


def _epl(ctx, actor, taken: set, today, now, rng) -> None:
    body = services.body_create(
        actor=actor,
        kind="epl",
        organisation=ctx.organisations["cd"],
        name="Usagers membres de l'équipe pluridisciplinaire",
        description="Représentants des bénéficiaires du RSA à l'équipe pluridisciplinaire (CASF L.262-39).",
    )
    people = _volunteers(ctx, ctx.organisations["cd"], taken, 4)
    taken.update(p.pk for p in people)
    members = _seat(actor, body, people, today, rng)
    for epl_meeting in services.epl_meetings(body).filter(held_at__lte=now).order_by("-held_at")[:6]:
        statuses = {m.pk: rng.choices(["present", "excuse", "absent"], weights=[6, 3, 1])[0] for m in members}
        services.epl_attendance_record(actor=actor, body=body, epl_meeting=epl_meeting, statuses=statuses, now=now)


def build(ctx) -> None:
    if Body.objects.filter(departement=ctx.departement).exists():
        ctx.log("  participation des usagers déjà présente")
        return
    actor = _pilot(ctx.departement)
    if actor is None:
        return
    rng = random.Random(int(ctx.config.code) + 18)
    now = timezone.now()
    today = timezone.localdate()
    taken: set = set()
    sdsei = [o for o in ctx.organisations.values() if o.kind == "sdsei"]
    for organisation in sorted(sdsei, key=lambda o: o.name):
        _committee(ctx, actor, organisation, taken, today, now, rng)
    if "cd" in ctx.organisations:
        _epl(ctx, actor, taken, today, now, rng)
    ctx.log(f"  participation des usagers : {len(sdsei)} comités d'usagers et les usagers à l'EPL")
