"""The demo Département's insertion offer: the structures of the kinds the programmes name (épiceries solidaires,
auto-écoles sociales, garages solidaires, crèches AVIP, chantiers d'insertion, centres de santé, points numériques,
points conseil budget…) in every territory, a few hundred services across all thématiques, funding labels, one
plateau technique per territory with its modules; then referrals of the people followed in every status (with
their history) and measures (IAE, PMSMP, PEC, AVIP, clauses, service civique).

The demo organisations of the kinds association, SIAE, operator, CCAS and Mission locale get their structure with
their Jalon account, so their members answer the referrals; the other structures have no account and answer
through the secure link. Idempotent: nothing is done when the Département already has its offer."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from jalon.core.periods import add_months
from jalon.core.text import normalise_name
from jalon.notebook.models import Notebook
from jalon.offer.directory.text import search_values
from jalon.offer.enums import OfferStatus
from jalon.offer.models import (
    FundingLabel,
    Measure,
    MeasureKind,
    PathStep,
    PlateauTechnique,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Service,
    SiaeKind,
    Structure,
)
from jalon.organisations.enums import OrganisationKind
from jalon.orientation.models import ReferentAssignment
from jalon.people.enums import Sex


SOURCE = "jalon-demo"
FUNDING_LABELS = (
    ("departement", "Financé par le Département"),
    ("fse-plus", "Cofinancé par le FSE+"),
    ("calpae", "Convention d'appui à la lutte contre la pauvreté et d'accès à l'emploi (CALPAE)"),
)
ALL = ["tous-publics"]
RSA = ["beneficiaires-des-minimas-sociaux", "demandeurs-emploi"]

# kind of structure -> (name pattern, services: (name, description, thématiques, type, publics, fee))
STRUCTURE_KINDS: dict[str, tuple[str, list[tuple[str, str, list[str], str, list[str], str]]]] = {
    "epicerie": (
        "Épicerie solidaire de {commune} (démo)",
        [
            (
                "Épicerie solidaire",
                "Des produits alimentaires et d'hygiène à petit prix, sur orientation d'un travailleur social.",
                ["equipement-et-alimentation--alimentation"],
                "aide-materielle",
                RSA,
                "payant",
            ),
            (
                "Atelier cuisine et budget",
                "Cuisiner avec peu, préparer ses courses et tenir son budget, en petit groupe.",
                ["difficultes-financieres--ameliorer-sa-gestion-budgetaire", "remobilisation--lien-social"],
                "atelier",
                ALL,
                "gratuit",
            ),
        ],
    ),
    "auto_ecole": (
        "Auto-école sociale {territory} (démo)",
        [
            (
                "Préparation au permis B",
                "Code et conduite à un rythme adapté, avec un moniteur formé à l'accompagnement social.",
                ["mobilite--preparer-un-permis"],
                "formation",
                RSA,
                "payant",
            ),
            (
                "Code de la route en petit groupe",
                "Apprendre le code en groupe de huit, avec un soutien à la lecture si besoin.",
                ["mobilite--preparer-un-permis", "lecture-ecriture-calcul--maitriser-le-francais"],
                "atelier",
                RSA,
                "gratuit",
            ),
        ],
    ),
    "garage": (
        "Garage solidaire {territory} (démo)",
        [
            (
                "Réparation de véhicule à prix solidaire",
                "Entretien et réparation du véhicule des personnes en insertion, pièces à prix coûtant.",
                ["mobilite--entretenir-reparer-son-vehicule"],
                "aide-materielle",
                RSA,
                "payant",
            ),
            (
                "Location de véhicule et de scooter",
                "Une voiture ou un scooter loué à petit prix pour aller au travail ou en formation.",
                ["mobilite--acceder-a-un-vehicule"],
                "aide-materielle",
                RSA,
                "payant",
            ),
        ],
    ),
    "mobilite": (
        "Plateforme mobilité {territory} (démo)",
        [
            (
                "Conseil en mobilité",
                "Un bilan de mobilité et un plan pour aller au travail : transports, aides, permis, covoiturage.",
                ["mobilite--etre-accompagne-dans-son-parcours-mobilite", "mobilite--financer-ma-mobilite"],
                "accompagnement",
                RSA,
                "gratuit",
            ),
            (
                "Transport solidaire à la demande",
                "Des trajets vers un emploi, une formation ou un rendez-vous médical.",
                ["mobilite--mobilite-douce-partagee-collective"],
                "aide-materielle",
                ALL,
                "payant",
            ),
        ],
    ),
    "creche": (
        "Crèche à vocation d'insertion professionnelle de {commune} (démo)",
        [
            (
                "Place en crèche AVIP",
                "Une place d'accueil pour l'enfant le temps de la recherche d'emploi ou de la formation.",
                ["famille--garde-denfants"],
                "aide-materielle",
                ["familles", "beneficiaires-des-minimas-sociaux"],
                "payant",
            ),
        ],
    ),
    "sante": (
        "Centre de santé de {commune} (démo)",
        [
            (
                "Bilan de santé et accès aux soins",
                "Un bilan de santé gratuit et l'aide pour trouver un médecin traitant.",
                ["sante--acces-aux-soins"],
                "accompagnement",
                ALL,
                "gratuit",
            ),
            (
                "Permanence santé mentale",
                "Écoute et orientation par un psychologue, sans avance de frais.",
                ["sante--sante-mentale", "remobilisation--bien-etre-confiance-en-soi"],
                "accompagnement",
                ALL,
                "gratuit",
            ),
            (
                "Aide au dossier MDPH",
                "Constituer le dossier de reconnaissance du handicap avec une assistante sociale.",
                ["sante--constituer-un-dossier-mdph-invalidite"],
                "accompagnement",
                ALL,
                "gratuit",
            ),
        ],
    ),
    "numerique": (
        "Point numérique de {commune} (démo)",
        [
            (
                "Ateliers numériques débutants",
                "Allumer un ordinateur, créer une adresse e-mail, naviguer sur internet en sécurité.",
                ["numerique--maitriser-les-fondamentaux-du-numerique"],
                "atelier",
                ALL,
                "gratuit",
            ),
            (
                "Aide aux démarches en ligne",
                "Un conseiller numérique aide à faire ses démarches CAF, impôts, France Travail.",
                [
                    "numerique--acceder-a-des-services-en-ligne",
                    "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
                ],
                "accompagnement",
                ALL,
                "gratuit",
            ),
            (
                "Ordinateur reconditionné à petit prix",
                "Un ordinateur reconditionné et une connexion à tarif solidaire.",
                ["numerique--acquerir-un-equipement", "numerique--acceder-a-une-connexion-internet"],
                "aide-materielle",
                RSA,
                "payant",
            ),
        ],
    ),
    "budget": (
        "Point conseil budget {territory} (démo)",
        [
            (
                "Accompagnement budgétaire",
                "Faire le point sur son budget, ses dettes et ses droits, et prévenir le surendettement.",
                [
                    "difficultes-financieres--prevenir-une-degradation-de-la-situation-financiere",
                    "difficultes-financieres--situation-dendettement-surendettement",
                ],
                "accompagnement",
                ALL,
                "gratuit",
            ),
        ],
    ),
    "logement": (
        "Association pour le logement {territory} (démo)",
        [
            (
                "Accompagnement vers le logement",
                "Trouver un logement, monter le dossier, s'y installer et s'y maintenir.",
                ["logement-hebergement--louer-un-logement", "logement-hebergement--se-maintenir-dans-le-logement"],
                "accompagnement",
                RSA,
                "gratuit",
            ),
            (
                "Hébergement temporaire",
                "Un hébergement de quelques mois avec un accompagnement social.",
                ["logement-hebergement--rechercher-une-solution-dhebergement-temporaire"],
                "aide-materielle",
                ["personnes-en-situation-durgence"],
                "payant",
            ),
        ],
    ),
    "centre_social": (
        "Centre social de {commune} (démo)",
        [
            (
                "Cours de français (FLE)",
                "Apprendre ou réapprendre le français à l'oral et à l'écrit, deux matinées par semaine.",
                ["lecture-ecriture-calcul--maitriser-le-francais"],
                "formation",
                ["personnes-exilees"],
                "gratuit",
            ),
            (
                "Soutien à la parentalité",
                "Des rencontres entre parents et des ateliers parents-enfants.",
                ["famille--soutien-a-la-parentalite-et-a-leducation"],
                "atelier",
                ["familles"],
                "gratuit",
            ),
            (
                "Activités sportives et culturelles",
                "Sorties, sport et ateliers créatifs pour reprendre confiance et rencontrer.",
                ["remobilisation--activites-sportives-et-culturelles", "remobilisation--lien-social"],
                "atelier",
                ALL,
                "gratuit",
            ),
        ],
    ),
    "emploi": (
        "Espace emploi {territory} (démo)",
        [
            (
                "Atelier CV et lettre de motivation",
                "Construire son CV et sa lettre, avec un conseiller, en deux séances.",
                ["preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"],
                "atelier",
                RSA,
                "gratuit",
            ),
            (
                "Préparer ses entretiens d'embauche",
                "Simulations d'entretien filmées et conseils d'un recruteur.",
                ["trouver-un-emploi--convaincre-un-recruteur-en-entretien"],
                "atelier",
                RSA,
                "gratuit",
            ),
            (
                "Découverte des métiers qui recrutent",
                "Visites d'entreprises et rencontres avec des professionnels du territoire.",
                [
                    "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite",
                    "choisir-un-metier--connaitre-les-opportunites-demploi",
                ],
                "information",
                RSA,
                "gratuit",
            ),
        ],
    ),
    "formation": (
        "Organisme de formation {territory} (démo)",
        [
            (
                "Remise à niveau savoirs de base",
                "Français, calcul et numérique pour entrer en formation qualifiante.",
                ["lecture-ecriture-calcul--maitriser-le-calcul", "lecture-ecriture-calcul--maitriser-le-francais"],
                "formation",
                RSA,
                "gratuit",
            ),
            (
                "Trouver sa formation",
                "Un conseiller aide à choisir une formation et à monter son financement.",
                ["se-former--trouver-sa-formation", "se-former--monter-son-dossier-de-formation"],
                "accompagnement",
                RSA,
                "gratuit",
            ),
        ],
    ),
}
# Structures with a Jalon account: the demo organisations of these kinds, with what they offer.
ACCOUNT_KINDS: dict[str, list[tuple[str, str, list[str], str, list[str], str]]] = {
    OrganisationKind.SIAE: [
        (
            "Contrat en chantier d'insertion",
            "Un contrat de 26 heures par semaine avec un accompagnement socio-professionnel.",
            [
                "trouver-un-emploi--maintien-dans-lemploi",
                "choisir-un-metier--identifier-ses-points-forts-et-ses-competences",
            ],
            "accompagnement",
            RSA,
            "gratuit",
        ),
        (
            "Immersion en entreprise (PMSMP)",
            "Découvrir un métier en situation réelle pendant une à deux semaines.",
            ["choisir-un-metier--confirmer-son-choix-de-metier"],
            "accompagnement",
            RSA,
            "gratuit",
        ),
    ],
    OrganisationKind.ASSOCIATION: [
        (
            "Accompagnement renforcé",
            "Un accompagnement global, social et professionnel, avec un référent dédié.",
            ["remobilisation--bien-etre-confiance-en-soi", "preparer-sa-candidature--valoriser-ses-competences"],
            "accompagnement",
            RSA,
            "gratuit",
        ),
    ],
    OrganisationKind.OPERATOR: [
        (
            "Remobilisation collective",
            "Six semaines d'ateliers pour reprendre un rythme, confiance et un projet.",
            ["remobilisation--bien-etre-confiance-en-soi", "remobilisation--lien-social"],
            "atelier",
            RSA,
            "gratuit",
        ),
        (
            "Bilan de compétences et projet",
            "Identifier ses compétences et valider un projet professionnel réaliste.",
            [
                "choisir-un-metier--identifier-ses-points-forts-et-ses-competences",
                "choisir-un-metier--confirmer-son-choix-de-metier",
            ],
            "accompagnement",
            RSA,
            "gratuit",
        ),
    ],
    OrganisationKind.CCAS: [
        (
            "Aide alimentaire d'urgence",
            "Des colis alimentaires et un accompagnement vers les droits.",
            [
                "equipement-et-alimentation--alimentation",
                "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
            ],
            "aide-materielle",
            ["personnes-en-situation-durgence"],
            "gratuit",
        ),
    ],
    OrganisationKind.MISSION_LOCALE: [
        (
            "Contrat d'engagement jeune",
            "Un accompagnement intensif de 15 à 20 heures par semaine pour les 16-25 ans.",
            ["trouver-un-emploi--repondre-a-des-offres-demploi", "se-former--trouver-sa-formation"],
            "accompagnement",
            ["jeunes"],
            "gratuit",
        ),
    ],
}
DRAFT_SHARE, ARCHIVED_SHARE, STALE_SHARE = 0.04, 0.03, 0.12
PLATEAU_PARTNER_KINDS = {"mobilite", "garage", "sante", "numerique"}
IN_EVERY_TOWN = {"epicerie", "centre_social", "numerique", "sante", "emploi"}
REFERRAL_SHARE = 0.18  # of the people followed
MEASURE_SHARE = 0.08
# status -> weight, for the referrals' demo distribution
STATUS_WEIGHTS = {
    ReferralStatus.SENT: 14,
    ReferralStatus.ACCEPTED: 12,
    ReferralStatus.REFUSED: 8,
    ReferralStatus.STARTED: 22,
    ReferralStatus.COMPLETED: 26,
    ReferralStatus.ABANDONED: 12,
    ReferralStatus.WITHDRAWN: 6,
}
PATHS = {
    ReferralStatus.SENT: [ReferralStatus.SENT],
    ReferralStatus.ACCEPTED: [ReferralStatus.SENT, ReferralStatus.ACCEPTED],
    ReferralStatus.REFUSED: [ReferralStatus.SENT, ReferralStatus.REFUSED],
    ReferralStatus.STARTED: [ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.STARTED],
    ReferralStatus.COMPLETED: [
        ReferralStatus.SENT,
        ReferralStatus.ACCEPTED,
        ReferralStatus.STARTED,
        ReferralStatus.COMPLETED,
    ],
    ReferralStatus.ABANDONED: [
        ReferralStatus.SENT,
        ReferralStatus.ACCEPTED,
        ReferralStatus.STARTED,
        ReferralStatus.ABANDONED,
    ],
    ReferralStatus.WITHDRAWN: [ReferralStatus.SENT, ReferralStatus.WITHDRAWN],
}
REASONS = {
    ReferralStatus.REFUSED: ["pas_de_place", "ne_correspond_pas", "injoignable"],
    ReferralStatus.ABANDONED: ["non_venue", "autre_solution", "sante"],
}
MESSAGES = [
    "Madame souhaite reprendre une activité rapidement ; elle est disponible en matinée.",
    "Monsieur a besoin d'un appui pour ce point avant d'entrer en formation.",
    "Personne motivée, sans véhicule : merci de proposer un créneau accessible en bus.",
    "Suite à notre entretien, la personne est d'accord pour être contactée par votre structure.",
]


def _moment(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@transaction.atomic
def build(ctx) -> None:
    departement = ctx.departement
    if Structure.objects.filter(source=SOURCE, departement=departement).exists():
        ctx.log("  offre d'insertion déjà en place")
        return
    rng = random.Random(f"offer-{departement.code}")  # noqa: S311 (demo data)
    today = timezone.localdate()
    labels = {
        code: FundingLabel.objects.get_or_create(departement=departement, code=code, defaults={"label": label})[0]
        for code, label in FUNDING_LABELS
    }
    # (structure, its services' specs, its zone, (territory id, kind))
    structures: list[tuple[Structure, list, list[str], tuple]] = []
    for spec in ctx.config.organisations:
        services = ACCOUNT_KINDS.get(spec.kind)
        organisation = ctx.organisations.get(spec.key)
        if not services or organisation is None:
            continue
        territory = ctx.territories.get(spec.territory or "")
        zone = _zone(territory) if territory else [departement.code]
        structure = _structure(ctx, spec.key, organisation.name, spec.commune, organisation)
        structures.append((structure, services, zone, (None, spec.kind)))
    for territory in ctx.territories.values():
        communes = list(territory.communes.order_by("-population").values_list("code", "name")[:3])
        if not communes:
            continue
        short = (
            territory.name.removeprefix("Territoire de la ")
            .removeprefix("Territoire du ")
            .removeprefix("Territoire de ")
        )
        for kind, (pattern, services) in STRUCTURE_KINDS.items():
            # Neighbourhood structures are in each main town; the others serve the whole territory from one.
            places = communes if kind in IN_EVERY_TOWN else [communes[rng.randrange(len(communes))]]
            for code, name in places:
                structure = _structure(
                    ctx, f"{territory.pk}-{kind}-{code}", pattern.format(commune=name, territory=short), code, None
                )
                structures.append((structure, services, _zone(territory), (territory.pk, kind)))
    offered: list[Service] = []
    for structure, specs, zone, _ in structures:
        for name, description, thematiques, kind, publics, fee in specs:
            roll = rng.random()
            status = (
                OfferStatus.DRAFT
                if roll < DRAFT_SHARE
                else OfferStatus.ARCHIVED
                if roll < DRAFT_SHARE + ARCHIVED_SHARE
                else OfferStatus.PUBLISHED
            )
            confirmed = today - timedelta(
                days=rng.randrange(200, 400) if rng.random() < STALE_SHARE else rng.randrange(90)
            )
            offered.append(
                Service(
                    source=SOURCE,
                    source_id=f"{structure.source_id}--{normalise_name(name).replace(' ', '-')}",
                    structure=structure,
                    departement=departement,
                    name=name,
                    description=description,
                    updated_on=confirmed,
                    last_confirmed_on=confirmed,
                    kind=kind,
                    thematiques=thematiques,
                    fee=fee,
                    publics=publics,
                    reception_modes=["en-presentiel"],
                    mobilisation_modes=["telephoner", "envoyer-un-courriel"],
                    mobilisable_by=["professionnels"],
                    eligibility_zone=zone,
                    insee_code=structure.insee_code,
                    commune_name=structure.commune_name,
                    email=structure.email,
                    phone=structure.phone,
                    status=status,
                    capacity=(capacity := rng.choice([None, 8, 12, 20])),
                    places_available=rng.randint(0, capacity) if capacity else None,
                    **search_values(name=name, description=description, structure_name=structure.name),
                )
            )
    Service.objects.bulk_create(offered)
    Service.funding_labels.through.objects.bulk_create(
        Service.funding_labels.through(service_id=service.pk, fundinglabel_id=label.pk)
        for service in offered
        for label in rng.sample(list(labels.values()), k=rng.randint(0, 2))
    )
    plateaux = _plateaux(ctx, structures, rng)
    ctx.log(
        f"  offre d'insertion : {len(structures)} structures, {len(offered)} services, {plateaux} plateaux techniques"
    )
    _referrals_and_measures(ctx, [s for s in offered if s.status == OfferStatus.PUBLISHED], rng, today)


def _zone(territory) -> list[str]:
    """A territory's services serve its EPCI (the demo territories group whole EPCI)."""
    return sorted(set(territory.communes.exclude(epci=None).values_list("epci_id", flat=True))) or [
        territory.departement_id
    ]


def _structure(ctx, key: str, name: str, commune_code: str, organisation) -> Structure:
    from jalon.territories.models import Commune

    commune = Commune.objects.filter(code=commune_code).first()
    # A plausible address under example.org: reserved for examples (RFC 2606), so it is nobody's mailbox, yet valid
    # for data·inclusion's schema, which refuses the special-use `.test` domain.
    slug = "-".join(normalise_name(name).split()[:4])[:50].strip("-")
    return Structure.objects.create(
        source=SOURCE,
        source_id=f"{ctx.departement.code}-{key}",
        departement=ctx.departement,
        organisation=organisation,
        name=name[:150],
        updated_on=timezone.localdate(),
        insee_code=commune_code,
        postal_code=(commune.postal_codes or [""])[0] if commune else "",
        commune_name=commune.name if commune else "",
        email=f"contact@{slug}.example.org",
        phone="05 58 00 00 00" if ctx.departement.code == "40" else "05 59 00 00 00",
    )


def _plateaux(ctx, structures, rng) -> int:
    """One plateau technique per territory (levée des freins et remobilisation): the operator leads the
    groupement; the territory's mobility, health and digital structures are its co-traitants and offer its
    modules."""
    lead = next((s for s, _, _, (_, kind) in structures if kind == OrganisationKind.OPERATOR), None)
    if lead is None:
        return 0
    count = 0
    for territory in ctx.territories.values():
        partners = [s for s, _, _, (pk, kind) in structures if pk == territory.pk and kind in PLATEAU_PARTNER_KINDS]
        if not partners:
            continue
        plateau = PlateauTechnique.objects.create(
            departement=ctx.departement,
            name=f"Plateau technique {territory.name.removeprefix('Territoire ').strip()}",
            territory=territory,
            path_step=PathStep.BARRIERS,
            contract_lot=f"Marché d'insertion {timezone.localdate().year - 1}, lot {count + 1}",
            lead_structure=lead,
            starts_on=add_months(timezone.localdate(), -14).replace(day=1),
            target_participants=rng.choice([60, 80, 120]),
            professionals=rng.choice([4, 5, 6]),
        )
        plateau.co_contractors.set(partners)
        Service.objects.filter(structure__in=partners, status=OfferStatus.PUBLISHED).update(plateau=plateau)
        count += 1
    return count


def _referrals_and_measures(ctx, services: list[Service], rng, today: date) -> None:
    """Referrals of some of the people followed to services eligible for them, in every status with their
    history; measures for others."""
    by_zone: dict[str, list[Service]] = {}
    for service in services:
        for code in service.eligibility_zone:
            by_zone.setdefault(code, []).append(service)
    followed = list(
        ReferentAssignment.objects.current()
        .filter(person__departement=ctx.departement, person__notebook__isnull=False)
        .select_related("person__commune", "referent", "organisation")
        .order_by("person_id")
    )
    notebooks = dict(Notebook.objects.filter(person__departement=ctx.departement).values_list("person_id", "pk"))
    referrals, paths, measures = [], [], []
    for assignment in followed:
        person = assignment.person
        commune = person.commune
        eligible = [
            *by_zone.get(getattr(commune, "epci_id", None) or "", []),
            *by_zone.get(ctx.departement.code, []),
        ]
        notebook_id = notebooks.get(person.pk)
        if notebook_id is None:
            continue
        if eligible and rng.random() < REFERRAL_SHARE:
            for service in rng.sample(eligible, k=min(len(eligible), rng.choice([1, 1, 2]))):
                status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
                sent = today - timedelta(
                    days=rng.randrange(3, 240) if status != ReferralStatus.SENT else rng.randrange(1, 20)
                )
                steps = PATHS[status]
                days = [sent]
                for _ in steps[1:]:
                    days.append(min(today, days[-1] + timedelta(days=rng.randrange(2, 30))))
                reason = rng.choice(REASONS[status]) if status in REASONS else ""
                referral = Referral(
                    person=person,
                    notebook_id=notebook_id,
                    service=service,
                    structure=service.structure,
                    sent_by=assignment.referent,
                    sender_organisation=assignment.organisation,
                    message=rng.choice(MESSAGES),
                    shared_information="Situation familiale et disponibilités, avec l'accord de la personne.",
                    consent_given=True,
                    consent_recorded_at=_moment(sent, 9),
                    consent_recorded_by=assignment.referent,
                    status=status,
                    reason=reason,
                    sent_at=_moment(sent, 9),
                    answered_at=_moment(days[1], 11)
                    if len(steps) > 1 and status != ReferralStatus.WITHDRAWN
                    else None,
                    started_at=_moment(days[2], 9) if ReferralStatus.STARTED in steps else None,
                    ended_at=_moment(days[-1], 16) if status in ReferralStatus.closed_values() else None,
                )
                referrals.append(referral)
                paths.append((referral, steps, days, assignment))
        elif rng.random() < MEASURE_SHARE / (1 - REFERRAL_SHARE):
            measures.append(_measure(person, notebook_id, assignment, rng, today))
    Referral.objects.bulk_create(referrals)
    events = []
    for referral, steps, days, assignment in paths:
        previous = ""
        for step, day in zip(steps, days, strict=True):
            by_sender = step in (ReferralStatus.SENT, ReferralStatus.WITHDRAWN)
            structure_org = referral.structure.organisation
            events.append(
                ReferralEvent(
                    referral=referral,
                    from_status=previous,
                    to_status=step,
                    reason=referral.reason if step in REASONS else "",
                    by_user=assignment.referent if by_sender else None,
                    by_organisation=assignment.organisation if by_sender else structure_org,
                    by_label="" if by_sender or structure_org else f"lien sécurisé ({referral.structure})",
                    occurred_at=_moment(day, 9 if step == ReferralStatus.SENT else 11),
                )
            )
            previous = step
    ReferralEvent.objects.bulk_create(events)
    # Measures that came from a referral: IAE contracts from the chantiers, immersions from the SIAE services.
    for referral, steps, days, assignment in paths:
        kind = referral.structure.organisation.kind if referral.structure.organisation else ""
        if kind == OrganisationKind.SIAE and ReferralStatus.STARTED in steps:
            measure = _measure(
                referral.person, referral.notebook_id, assignment, rng, today, kind=MeasureKind.IAE, starts=days[2]
            )
            measure.referral, measure.structure = referral, referral.structure
            measures.append(measure)
    Measure.objects.bulk_create(measures)
    ctx.log(f"  orientations vers l'offre : {len(referrals)} ; mesures : {len(measures)}")


def _measure(
    person, notebook_id, assignment, rng, today: date, kind: str | None = None, starts: date | None = None
) -> Measure:
    """A measure plausible for the person: AVIP for some young mothers, service civique for the young, otherwise
    IAE, PMSMP, PEC or insertion clause hours."""
    age = (today - person.birth_date).days // 365
    if kind is None:
        if person.sex == Sex.FEMALE and age < 45 and rng.random() < 0.3:
            kind = MeasureKind.AVIP
        elif age < 26:
            kind = rng.choice([MeasureKind.CIVIC_SERVICE, MeasureKind.PMSMP])
        else:
            kind = rng.choice(
                [
                    MeasureKind.IAE,
                    MeasureKind.PMSMP,
                    MeasureKind.PMSMP,
                    MeasureKind.PEC,
                    MeasureKind.CLAUSE,
                    MeasureKind.AVIP,
                ]
            )
    starts = starts or today - timedelta(days=rng.randrange(5, 330))
    measure = Measure(
        notebook_id=notebook_id,
        person=person,
        kind=kind,
        starts_on=starts,
        recorded_by=assignment.referent,
        organisation=assignment.organisation,
    )
    if kind == MeasureKind.IAE:
        measure.siae_kind = rng.choice([SiaeKind.ACI, SiaeKind.ACI, SiaeKind.EI, SiaeKind.AI, SiaeKind.ETTI])
        measure.weekly_hours = Decimal(rng.choice([20, 24, 26, 35]))
        measure.ends_on = add_months(starts, rng.choice([4, 6, 12]))
        measure.employer_name = "Chantier d'insertion (démo)"
    elif kind == MeasureKind.PMSMP:
        measure.ends_on = starts + timedelta(days=rng.choice([5, 10, 14]))
        measure.employer_name = rng.choice(
            ["Boulangerie du marché (démo)", "EHPAD Les Pins (démo)", "Jardinerie du Sud (démo)"]
        )
    elif kind == MeasureKind.PEC:
        measure.weekly_hours = Decimal(rng.choice([20, 26, 30]))
        measure.ends_on = add_months(starts, 9)
        measure.employer_name = rng.choice(
            ["EHPAD Les Pins (démo)", "Commune (démo)", "Association d'aide à domicile (démo)"]
        )
    elif kind == MeasureKind.CLAUSE:
        measure.hours_done = Decimal(rng.choice([35, 70, 140, 210]))
        measure.ends_on = starts + timedelta(days=rng.choice([30, 60, 90]))
        measure.employer_name = rng.choice(["BTP Adour (démo)", "Espaces verts du Sud-Ouest (démo)"])
    elif kind == MeasureKind.AVIP:
        measure.ends_on = add_months(starts, 6)
        measure.employer_name = "Crèche AVIP (démo)"
    elif kind == MeasureKind.CIVIC_SERVICE:
        measure.ends_on = add_months(starts, 8)
        measure.employer_name = rng.choice(["Association sportive (démo)", "Banque alimentaire (démo)"])
    return measure
