"""Demo réorientations: a year of EPL meetings (about two a month), réorientation requests with realistic reasons,
most decided in EPL (≈ 70 % accepted), a few waiting or on the next meeting's agenda, and the new diagnosis of
about 30 % of the long-term beneficiaries with the Landes typology (déçus 30 %, résignés 25 %, mobilisés 35 %,
autres 10 %).

Requests, agendas and decisions go through the services (a few hundred calls: the decisions end orientations and
name référents); the bulk of the long-term reviews is written set-based."""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from jalon.accounts.models import User
from jalon.core.enums import Role
from jalon.core.scoping import Actor
from jalon.organisations.models import Membership
from jalon.orientation.enums import LongTermConsequence as C
from jalon.orientation.enums import LongTermTypology as T
from jalon.orientation.enums import PersonAgreement
from jalon.orientation.models import Dispositif, EplMeeting, Orientation, ReorientationRequest
from jalon.orientation.reorientation import services
from jalon.orientation.reorientation.selectors import long_term_beneficiaries
from jalon.people.models import Person


ACTOR_LABEL = "commande seed_demo"
# The Landes demo (8 500 households) gets about 150 requests; other sizes in proportion.
REQUESTS_PER_HOUSEHOLD = 150 / 8500
MIN_REQUESTS = 12
ACCEPTED_SHARE = 0.7
REVIEWED_SHARE = 0.3
TYPOLOGY_WEIGHTS = {T.DISAPPOINTED: 30, T.RESIGNED: 25, T.MOBILISED: 35, T.OTHER: 10}
# What follows a review that does not ask for a réorientation, by typology.
OTHER_CONSEQUENCES = {
    T.DISAPPOINTED: {C.COLLECTIVE_ACTION: 45, C.CONTINUE: 55},
    T.RESIGNED: {C.COLLECTIVE_ACTION: 60, C.CONTINUE: 40},
    T.MOBILISED: {C.COLLECTIVE_ACTION: 30, C.CONTINUE: 70},
    T.OTHER: {C.COLLECTIVE_ACTION: 20, C.CONTINUE: 80},
}
REVIEW_COMMENTS = {
    T.DISAPPOINTED: "Plusieurs accompagnements sans résultat ; attend une aide concrète vers l'emploi.",
    T.RESIGNED: "Ne croit plus à une reprise d'activité ; isolement et fatigue.",
    T.MOBILISED: "En recherche active, freins principalement liés à la mobilité.",
    T.OTHER: "Situation particulière (aidant familial).",
}

# (reason, fragment of the name of the dispositif asked for)
REASONS = [
    (
        "Freins levés (permis obtenu, mode de garde trouvé) : la personne est prête pour un accompagnement vers "
        "l'emploi.",
        "Accompagnement professionnel",
    ),
    (
        "Reprise d'une formation qualifiante ; la personne souhaite être suivie par France Travail.",
        "Accompagnement professionnel",
    ),
    (
        "Problèmes de santé importants (arrêts répétés, dossier MDPH en cours) : l'accompagnement vers l'emploi "
        "n'est plus adapté pour l'instant.",
        "Accompagnement social départemental",
    ),
    (
        "Perte du logement et dettes locatives : la priorité est l'accompagnement social.",
        "Accompagnement social départemental",
    ),
    (
        "Cumul de difficultés (santé, logement, isolement) sans évolution depuis deux ans : référence « cas "
        "complexes » demandée.",
        "cas complexes",
    ),
    (
        "Séparation récente, seule avec trois enfants de moins de six ans : accompagnement CAF monoparents proposé.",
        "CAF monoparents",
    ),
    ("Installation comme exploitant agricole : relève désormais de l'accompagnement MSA.", "MSA"),
    (
        "Projet de création d'une activité de services à la personne : demande d'accompagnement par la BGE.",
        "BGE",
    ),
    (
        "Freins à la fois professionnels et sociaux (mobilité, garde d'enfants) : un accompagnement global est "
        "demandé.",
        "Accompagnement global",
    ),
    (
        "Aucun contact avec le référent depuis six mois malgré les relances ; la personne demande un "
        "accompagnement social de proximité.",
        "Accompagnement social départemental",
    ),
]
ACCEPT_REASONS = [
    "Accord de l'équipe : la nouvelle orientation répond mieux à la situation décrite.",
    "Accord : réorientation validée, premier rendez-vous à fixer sous quinze jours avec le nouveau référent.",
    "Accord unanime ; la personne, présente, a donné son accord.",
]
REFUSE_REASONS = [
    "Maintien de l'orientation : les démarches engagées avec le référent actuel sont récentes et doivent être "
    "poursuivies.",
    "Maintien : les freins décrits relèvent de l'accompagnement en cours ; point d'étape dans trois mois.",
    "Refus : le projet n'est pas assez avancé ; atelier d'émergence proposé avant un nouvel examen.",
    "Maintien : la situation de santé est en cours de stabilisation ; réexamen à une prochaine EPL si besoin.",
]
PLACES = [
    "Maison départementale de la solidarité, Mont-de-Marsan",
    "Centre médico-social, Dax",
    "Visioconférence",
]
OTHER_MEMBERS = "Représentant des bénéficiaires du RSA ; psychologue du travail ; conseillère en insertion (CAF)"
MEMBER_KEYS = ["orientation", "referent", "referent.ft", "referent.caf", "manager", "admin"]


def _at(day: date, hour: int = 14):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _target_dispositif(dispositifs: list[Dispositif], fragment: str) -> Dispositif | None:
    return next((d for d in dispositifs if fragment.lower() in d.name.lower()), None)


def build(ctx) -> None:
    if EplMeeting.objects.filter(departement=ctx.departement).exists():
        ctx.log("  réorientations et EPL déjà présentes")
        return
    rng = random.Random(int(ctx.config.code) + 4)
    today = timezone.localdate()
    officer = Membership.objects.filter(
        user=ctx.users["orientation"], organisation=ctx.organisations["orientation"], role=Role.ORIENTATION_OFFICER
    ).first()
    admin = Membership.objects.filter(user=ctx.users["admin"], organisation=ctx.organisations["cd"]).first()
    # No signed-in user: the audit log names the seeding command (see `acting_as`), the organisation is the
    # orientation platform's.
    actor = Actor(user=None, membership=officer)
    members = [ctx.users[key] for key in MEMBER_KEYS if key in ctx.users]

    # A meeting every other Tuesday over the last year, and the next one on the Tuesday after next.
    last_tuesday = today - timedelta(days=(today.weekday() - 1) % 7 or 7)
    past_days = [last_tuesday - timedelta(days=14 * index) for index in range(26)]
    next_day = last_tuesday + timedelta(days=14)
    meetings = {
        day: services.epl_meeting_create(
            actor=actor,
            held_at=_at(day),
            place=rng.choice(PLACES),
            members=rng.sample(members, min(len(members), 4)),
            other_members=OTHER_MEMBERS,
        )
        for day in sorted(past_days)
    }
    upcoming = services.epl_meeting_create(
        actor=actor,
        held_at=_at(next_day),
        place=PLACES[0],
        members=members,
        other_members=OTHER_MEMBERS,
    )

    dispositifs = list(
        Dispositif.objects.filter(departement=ctx.departement, is_active=True).prefetch_related("organisations")
    )
    referents: dict[int, list[int]] = {}
    for organisation_id, user_id in (
        Membership.objects.active()
        .filter(organisation__departement=ctx.departement, role=Role.REFERENT)
        .order_by("pk")
        .values_list("organisation_id", "user_id")
    ):
        referents.setdefault(organisation_id, []).append(user_id)
    users = User.objects.in_bulk([user_id for ids in referents.values() for user_id in ids])
    carriers = {d.pk: [o for o in d.organisations.all() if referents.get(o.pk)] for d in dispositifs}

    long_term = set(
        long_term_beneficiaries(actor=Actor(user=None, membership=admin), today=today).values_list("pk", flat=True)
    )
    candidates = list(
        Orientation.objects.current()
        .filter(person__departement=ctx.departement, decided_on__lte=today - timedelta(days=45))
        .order_by("pk")
        .values_list("person_id", "decided_on", "dispositif_id")
    )
    households = ctx.households or (8500 if ctx.config.code == "40" else 3000)
    target = min(len(candidates), max(MIN_REQUESTS, round(households * REQUESTS_PER_HOUSEHOLD)))
    chosen = rng.sample(candidates, target)
    persons = Person.objects.in_bulk([person_id for person_id, _, _ in chosen])
    waiting = max(2, target // 25)
    on_next_agenda = max(3, target // 20)
    from_reviews = max(1, target // 12)
    past = sorted(meetings)

    linked_reviews: list[dict] = []
    requested_persons: set[int] = set()
    decided = accepted = 0
    for index, (person_id, oriented_on, current_dispositif) in enumerate(chosen):
        person = persons[person_id]
        options = [
            (reason, target_dispositif)
            for reason, fragment in REASONS
            if (target_dispositif := _target_dispositif(dispositifs, fragment)) is not None
            and target_dispositif.pk != current_dispositif
            and carriers[target_dispositif.pk]
        ]
        if not options:
            continue
        reason, dispositif = rng.choice(options)
        if index < waiting + on_next_agenda:
            requested_on = today - timedelta(days=rng.randint(2, 30))
        else:
            start = max(oriented_on + timedelta(days=20), today - timedelta(days=340))
            requested_on = _between(rng, start, today - timedelta(days=20))
        request = services.reorientation_request(
            actor=actor,
            person=person,
            reason=reason,
            requested_type=dispositif.orientation_type,
            requested_dispositif=dispositif,
            requested_by_person=rng.random() < 0.15,
            requested_on=requested_on,
        )
        requested_persons.add(person_id)
        if index < waiting:
            continue
        if index < waiting + on_next_agenda:
            services.reorientation_schedule(actor=actor, request=request, meeting=upcoming, scheduled_on=today)
            continue
        meeting_day = next((day for day in past if day >= requested_on + timedelta(days=5)), None)
        if meeting_day is None:
            continue  # asked too recently: waits for the next meeting
        services.reorientation_schedule(
            actor=actor,
            request=request,
            meeting=meetings[meeting_day],
            scheduled_on=_between(rng, requested_on + timedelta(days=1), meeting_day - timedelta(days=2)),
        )
        decided += 1
        if rng.random() < ACCEPTED_SHARE:
            accepted += 1
            organisation = rng.choice(carriers[dispositif.pk])
            services.reorientation_decide(
                actor=actor,
                request=request,
                accepted=True,
                decision_reason=rng.choice(ACCEPT_REASONS),
                orientation_type=dispositif.orientation_type,
                dispositif=dispositif,
                organisation=organisation,
                referent=users[rng.choice(referents[organisation.pk])],
                person_chose_referent=rng.random() < 0.2,
                person_agreement=rng.choices(
                    [PersonAgreement.AGREED, PersonAgreement.NOT_ASKED, PersonAgreement.DISAGREED], [85, 10, 5]
                )[0],
            )
        else:
            services.reorientation_decide(
                actor=actor, request=request, accepted=False, decision_reason=rng.choice(REFUSE_REASONS)
            )
        # Many requests for long-term beneficiaries came out of their new diagnosis.
        if person_id in long_term and rng.random() < 0.5:
            typology = rng.choices(list(TYPOLOGY_WEIGHTS), list(TYPOLOGY_WEIGHTS.values()))[0]
            linked_reviews.append(
                {
                    "person_id": person_id,
                    "reviewed_on": requested_on,
                    "typology": typology,
                    "consequence": C.COMPLEX_CASES if "cas complexes" in dispositif.name else C.REORIENTATION,
                    "comment": reason,
                    "reorientation_request_id": request.pk,
                }
            )

    for day, meeting in meetings.items():
        count = meeting.agenda.count()
        services.epl_meeting_close(
            actor=actor,
            meeting=meeting,
            minutes=f"{count} situation{'s' if count > 1 else ''} examinée{'s' if count > 1 else ''}. "
            "Décisions et motifs consignés pour chaque demande."
            if count
            else "Pas de demande à examiner ; point sur les orientations du territoire.",
            closed_at=_at(day, 17),
        )

    # The new diagnosis of about 30 % of the long-term beneficiaries: a few through the service (a réorientation
    # asked today), the others set-based.
    reviewed = {review["person_id"] for review in linked_reviews}
    pool = sorted(long_term - reviewed - requested_persons)
    sample = rng.sample(pool, min(len(pool), max(0, round(len(long_term) * REVIEWED_SHARE) - len(reviewed))))
    oriented = set(Orientation.objects.current().filter(person_id__in=sample).values_list("person_id", flat=True))
    through_service = [person_id for person_id in sample if person_id in oriented][:from_reviews]
    review_persons = Person.objects.in_bulk(through_service)
    for person_id in through_service:
        typology = rng.choice([T.DISAPPOINTED, T.RESIGNED])
        services.long_term_review_record(
            actor=actor,
            person=review_persons[person_id],
            typology=typology,
            consequence=C.REORIENTATION,
            comment=REVIEW_COMMENTS[typology] + " Une autre orientation est proposée à l'EPL.",
            reviewed_on=today - timedelta(days=rng.randint(1, 15)),
        )
    bulk = []
    for person_id in sample:
        if person_id in through_service:
            continue
        typology = rng.choices(list(TYPOLOGY_WEIGHTS), list(TYPOLOGY_WEIGHTS.values()))[0]
        consequences = OTHER_CONSEQUENCES[typology]
        bulk.append(
            {
                "person_id": person_id,
                "reviewed_on": today - timedelta(days=rng.randint(15, 365)),
                "typology": typology,
                "consequence": rng.choices(list(consequences), list(consequences.values()))[0],
                "comment": REVIEW_COMMENTS[typology],
            }
        )
    services.long_term_review_bulk_record(actor_label=ACTOR_LABEL, reviews=linked_reviews + bulk)
    requests = ReorientationRequest.objects.filter(person__departement=ctx.departement).count()
    ctx.log(
        f"  {len(meetings) + 1} EPL, {requests} demandes de réorientation ({decided} décidées, dont {accepted} "
        f"acceptées), {len(linked_reviews) + len(bulk) + len(through_service)} diagnostics longue durée sur "
        f"{len(long_term)} bénéficiaires de plus de 4 ans"
    )
