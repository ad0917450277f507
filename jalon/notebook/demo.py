"""Demo carnets de bord: one per person followed (a current référent), consistent with their profile.

Freins come from the DSP's declared obstacles, plus the shape of the Landes study: mobility and health for about
half of the long-term beneficiaries (right requested more than 4 years ago), childcare for single mothers. Then a
project with a ROME job for most, objectives and actions, a signed contract for most people oriented more than two
months ago (some to renew), contacts (about one in ten "perdus de vue"), upcoming appointments, notes, and a
partner association in the team of a handful (with the person's consent).

Idempotent (nothing is done when the Département already has carnets) and set-based: a few bulk statements per
table whatever the population."""

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from jalon.core.bulk import bulk_insert, bulk_insert_rows
from jalon.intake.models import SocioProfessionalData
from jalon.notebook.enums import ContactKind, FreinNature, FreinStatus, NoteVisibility, WorkingTime, WorkStatus
from jalon.notebook.followup.services import contract_types_default_create
from jalon.notebook.models import (
    Action,
    Appointment,
    Consent,
    Contact,
    Contract,
    ContractType,
    FreinCategory,
    Note,
    Notebook,
    NotebookFrein,
    Objective,
    ProfessionalProject,
    RomeAppellation,
    RomeCode,
    TeamMember,
)
from jalon.notebook.referentials import DSP_OBSTACLE_TO_FREIN, freins_default_create
from jalon.notebook.services import rome_load
from jalon.organisations.enums import OrganisationKind
from jalon.organisations.models import Organisation
from jalon.orientation.enums import Attendance, SessionMode
from jalon.orientation.models import Orientation, ReferentAssignment
from jalon.people.enums import HouseholdRole, Sex
from jalon.people.models import HouseholdMember, Person, RsaRight


LONG_TERM_YEARS = 4
LONG_TERM_FREIN_SHARE = 0.5  # mobility and health, each, for about half of the long-term beneficiaries
PROJECT_SHARE = 0.6
CONTRACT_SHARE = 0.7  # of the people oriented more than CONTRACT_AFTER_DAYS ago
CONTRACT_AFTER_DAYS = 60
RENEW_SHARE = 0.15  # of the contracts: ending within 30 days
LOST_SHARE = 0.1  # no contact for more than 10 weeks
UPCOMING_SHARE = 0.08
DEMO_REFERENT_UPCOMING = 6  # per demo référent, within the next 14 days
TEAM_COUNT = 8
PRIVATE_NOTE_SHARE = 0.1
SHARED_NOTE_SHARE = 0.15

# Plausible jobs for the demo population, by the start of their ROME label (first match wins).
JOBS = [
    "Aide à domicile",
    "Agent / Agente d'entretien des collectivités",
    "Agent / Agente de propreté de locaux",
    "Vendeur / Vendeuse en alimentation générale",
    "Vendeur / Vendeuse en prêt-à-porter",
    "Cariste",
    "Aide-soignant / Aide-soignante",
    "Serveur / Serveuse de restaurant",
    "Ouvrier agricole polyvalent / Ouvrière agricole polyvalente",
    "Assistant maternel / Assistante maternelle",
    "Préparateur / Préparatrice de commandes",
    "Employé / Employée de libre-service",
]
OBJECTIVES_BY_FREIN = {
    "mobilite": ("Passer le permis B", ["S'inscrire à l'auto-école sociale", "Demander l'aide au permis"]),
    "contraintes_familiales": (
        "Trouver un mode de garde",
        ["Contacter le relais petite enfance", "Déposer une demande en crèche"],
    ),
    "sante": ("Faire le point sur sa santé", ["Prendre rendez-vous au bilan de santé CPAM"]),
    "langue": ("Améliorer le français écrit", ["S'inscrire à l'atelier sociolinguistique"]),
    "logement": ("Accéder à un logement stable", ["Déposer une demande de logement social"]),
    "difficultes_financieres": ("Stabiliser son budget", ["Rencontrer la conseillère en économie sociale"]),
    "difficultes_administratives": ("Mettre à jour ses droits", ["Rendez-vous à l'espace France services"]),
    "numerique": ("Gagner en autonomie numérique", ["Atelier numérique à la médiathèque"]),
}
PROJECT_OBJECTIVE = ("Accéder à l'emploi visé", ["Mettre à jour son CV", "Faire une immersion (PMSMP)"])
CONTACT_SUMMARIES = {
    ContactKind.OFFICE: "Point d'étape sur les démarches en cours.",
    ContactKind.PHONE: "Appel pour confirmer le prochain rendez-vous.",
    ContactKind.EMAIL: "Envoi de la liste des offres repérées.",
    ContactKind.HOME_VISIT: "Visite à domicile : point sur la situation familiale.",
    ContactKind.WORKSHOP: "Participation à l'atelier collectif CV.",
    ContactKind.VIDEO: "Entretien en visioconférence.",
}
SHARED_NOTES = [
    "Très investie dans ses démarches, prochaine étape : l'immersion.",
    "Le permis avance : code obtenu, conduite en cours.",
    "Solution de garde trouvée pour les mercredis.",
]
PRIVATE_NOTES = [
    "Situation familiale délicate, à aborder avec tact au prochain entretien.",
    "Fragilité psychologique évoquée : proposer l'orientation vers le CMP.",
]


def _aware(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _appellations() -> list[RomeAppellation]:
    if not RomeCode.objects.exists():
        rome_load()
    query = Q()
    for label in JOBS:
        query |= Q(label__startswith=label)
    found = {a.label: a for a in RomeAppellation.objects.filter(query)}
    chosen = [next((a for name, a in sorted(found.items()) if name.startswith(label)), None) for label in JOBS]
    return [a for a in chosen if a is not None]


def _profiles(departement, today: date) -> tuple[set[int], set[int]]:
    """(long-term beneficiaries, single mothers) of the Département, from the current household members."""
    members = HouseholdMember.objects.filter(household__departement=departement, left_on=None).values_list(
        "household_id", "person_id", "role"
    )
    roles: defaultdict[int, set[str]] = defaultdict(set)
    applicants: dict[int, int] = {}
    for household_id, person_id, role in members:
        roles[household_id].add(role)
        if role == HouseholdRole.APPLICANT:
            applicants[person_id] = household_id
    cutoff = today.replace(year=today.year - LONG_TERM_YEARS)
    old_households = set(
        RsaRight.objects.filter(household__departement=departement, request_date__lt=cutoff).values_list(
            "household_id", flat=True
        )
    )
    long_term = set(
        HouseholdMember.objects.filter(household_id__in=old_households, left_on=None).values_list(
            "person_id", flat=True
        )
    )
    women = set(Person.objects.filter(departement=departement, sex=Sex.FEMALE).values_list("pk", flat=True))
    with_children = {HouseholdRole.CHILD, HouseholdRole.OTHER_CHILD}
    single_mothers = {
        person_id
        for person_id, household_id in applicants.items()
        if person_id in women
        and roles[household_id] & with_children
        and HouseholdRole.PARTNER not in roles[household_id]
    }
    return long_term, single_mothers


CEJ_SINCE = date(2022, 3, 1)  # the contrat d'engagement jeune replaced the Garantie jeunes on 1 March 2022


def _contract_code(with_france_travail: bool, birth_date: date, signed_on: date) -> str:
    """The contract a person signs: the PPAE with France Travail, the CEJ under 26 since 2022, else the CER."""
    if with_france_travail:
        return "ppae"
    age = signed_on.year - birth_date.year - ((signed_on.month, signed_on.day) < (birth_date.month, birth_date.day))
    return "cej" if age < 26 and signed_on >= CEJ_SINCE else "cer"


def build(ctx) -> None:
    if Notebook.objects.filter(person__departement=ctx.departement).exists():
        ctx.log("  carnets de bord déjà présents")
        return
    rng = random.Random(int(ctx.config.code) * 13)
    today = timezone.localdate()
    now = timezone.now()
    freins_default_create()
    contract_types_default_create(departement=ctx.departement)
    contract_types = {
        t.code: t for t in ContractType.objects.filter(departement=ctx.departement, is_active=True).order_by("code")
    }
    categories = dict(FreinCategory.objects.values_list("code", "pk"))
    appellations = _appellations()

    assignments = list(
        ReferentAssignment.objects.current()
        .filter(person__departement=ctx.departement)
        .order_by("person_id")
        .values_list("person_id", "referent_id", "organisation_id", "started_on")
    )
    if not assignments:
        return
    orientations = {
        o.person_id: o
        for o in Orientation.objects.current()
        .filter(person__departement=ctx.departement)
        .only("pk", "person_id", "decided_on", "first_appointment_on", "contract_signed_on")
    }
    dsp = dict(
        SocioProfessionalData.objects.filter(person__departement=ctx.departement).values_list(
            "person_id", "declared_obstacles"
        )
    )
    long_term, single_mothers = _profiles(ctx.departement, today)

    # --- carnets, with the last contact decided up front -----------------------------------------------------
    people = []  # (person_id, referent_id, organisation_id, since, orientation | None)
    for person_id, referent_id, organisation_id, started_on in assignments:
        orientation = orientations.get(person_id)
        since = orientation.decided_on if orientation else started_on
        people.append((person_id, referent_id, organisation_id, min(since, today), orientation))
    lost_candidates = [p for p in people if (today - p[3]).days > 11 * 7]
    lost = {p[0] for p in rng.sample(lost_candidates, min(len(lost_candidates), round(LOST_SHARE * len(people))))}

    notebooks = []
    for person_id, _, _, since, _ in people:
        if person_id in lost:
            last = today - timedelta(days=rng.randint(11 * 7, min(40 * 7, (today - since).days)))
        else:
            last = max(since, today - timedelta(days=rng.randint(0, 25)))
        notebooks.append(
            Notebook(
                person_id=person_id,
                last_contact_on=last,
                created_at=_aware(since, 10),
                last_activity_at=_aware(last, 17),
            )
        )
    bulk_insert(Notebook, notebooks)

    # --- freins -----------------------------------------------------------------------------------------------
    freins: list[NotebookFrein] = []
    freins_of: defaultdict[int, list[NotebookFrein]] = defaultdict(list)
    for notebook, (person_id, _, _, since, _) in zip(notebooks, people, strict=True):
        codes = {DSP_OBSTACLE_TO_FREIN[c] for c in dsp.get(person_id) or [] if c in DSP_OBSTACLE_TO_FREIN}
        declared = set(codes)
        if person_id in long_term:
            if rng.random() < LONG_TERM_FREIN_SHARE:
                codes.add("mobilite")
            if rng.random() < LONG_TERM_FREIN_SHARE:
                codes.add("sante")
        if person_id in single_mothers:
            codes.add("contraintes_familiales")
        for code in sorted(codes):
            if code not in categories:
                continue
            resolved = rng.random() < 0.15 and (today - since).days > 90
            frein = NotebookFrein(
                notebook=notebook,
                category_id=categories[code],
                status=FreinStatus.SUPPORT if resolved else FreinStatus.NEED,
                nature=FreinNature.SUBJECTIVE if code in declared else FreinNature.OBJECTIVE,
                identified_on=since,
                resolved_on=since + timedelta(days=rng.randint(30, (today - since).days)) if resolved else None,
                comment="déclaré dans les données socio-professionnelles" if code in declared else "",
            )
            freins.append(frein)
            if not resolved:
                freins_of[notebook.pk].append(frein)
    bulk_insert(NotebookFrein, freins)
    code_of = {pk: code for code, pk in categories.items()}

    # --- projects ---------------------------------------------------------------------------------------------
    projects: list[ProfessionalProject] = []
    project_of: dict[int, ProfessionalProject] = {}
    if appellations:
        for notebook in notebooks:
            if rng.random() >= PROJECT_SHARE:
                continue
            appellation = rng.choice(appellations)
            project = ProfessionalProject(
                notebook=notebook,
                appellation=appellation,
                rome_id=appellation.rome_id,
                title=appellation.label,
                contract_types=rng.choice([["cdi"], ["cdi", "cdd"], ["cdd", "interim"], ["iae"]]),
                working_time=rng.choice(list(WorkingTime.values)),
                mobility_km=rng.choice([10, 20, 30, 50]),
                is_main=True,
            )
            projects.append(project)
            project_of[notebook.pk] = project
    bulk_insert(ProfessionalProject, projects)

    # --- objectives and actions ---------------------------------------------------------------------------
    objectives: list[Objective] = []
    objectives_of: defaultdict[int, list[Objective]] = defaultdict(list)
    action_specs: list[tuple[Objective, list[str]]] = []
    for notebook, (_, referent_id, _, since, _) in zip(notebooks, people, strict=True):
        targets: list[tuple[NotebookFrein | None, ProfessionalProject | None, tuple[str, list[str]]]] = [
            (frein, None, OBJECTIVES_BY_FREIN[code_of[frein.category_id]])
            for frein in freins_of[notebook.pk]
            if code_of[frein.category_id] in OBJECTIVES_BY_FREIN
        ]
        if notebook.pk in project_of:
            targets.append((None, project_of[notebook.pk], PROJECT_OBJECTIVE))
        rng.shuffle(targets)
        for target_frein, target_project, (title, actions) in targets[: rng.randint(1, 3)]:
            starts_on = since + timedelta(days=rng.randint(0, 30))
            status = rng.choices(
                [WorkStatus.IN_PROGRESS, WorkStatus.PLANNED, WorkStatus.DONE, WorkStatus.STANDBY],
                weights=[50, 20, 20, 10],
            )[0]
            due_on = starts_on + timedelta(days=rng.randint(30, 180))  # in the past for some: overdue
            objective = Objective(
                notebook=notebook,
                title=title,
                frein=target_frein,
                project=target_project,
                status=status,
                starts_on=starts_on,
                due_on=due_on,
                done_on=min(today, due_on) if status == WorkStatus.DONE else None,
                carried_by_id=referent_id,
            )
            objectives.append(objective)
            objectives_of[notebook.pk].append(objective)
            action_specs.append((objective, actions[: rng.randint(1, 2)]))
    bulk_insert(Objective, objectives)
    action_rows = []
    for objective, titles in action_specs:
        for index, title in enumerate(titles):
            done = objective.status == WorkStatus.DONE or (index == 0 and rng.random() < 0.4)
            action_rows.append(
                {
                    "objective_id": objective.pk,
                    "title": title,
                    "status": WorkStatus.DONE if done else WorkStatus.IN_PROGRESS,
                    "starts_on": objective.starts_on,
                    "due_on": objective.due_on,
                    "done_on": min(today, objective.due_on or today) if done else None,
                    "carried_by_id": objective.carried_by_id,
                    "carried_by_organisation_id": None,
                    "carried_by_person": index == 1,
                    "created_at": now,
                }
            )
    bulk_insert_rows(Action, action_rows)

    # --- contracts and the path dates of the orientations ---------------------------------------------------
    contracts: list[Contract] = []
    changed: list[Orientation] = []
    # About CONTRACT_SHARE of the people oriented more than two months ago have signed: those the path dates
    # already say so first, then others (or fewer) to reach the share.
    oriented_long_ago = [p for p in people if (today - p[3]).days > CONTRACT_AFTER_DAYS]
    signed = {p[0] for p in oriented_long_ago if p[4] is not None and p[4].contract_signed_on}
    unsigned = sorted(p[0] for p in oriented_long_ago if p[0] not in signed)
    wanted = round(CONTRACT_SHARE * len(oriented_long_ago))
    if wanted > len(signed):
        signed |= set(rng.sample(unsigned, min(len(unsigned), wanted - len(signed))))
    else:
        signed = set(rng.sample(sorted(signed), wanted))
    old_ids = {p[0] for p in oriented_long_ago}
    birth_dates = dict(Person.objects.filter(departement=ctx.departement).values_list("pk", "birth_date"))
    france_travail = set(
        Organisation.objects.filter(kind=OrganisationKind.FRANCE_TRAVAIL).values_list("pk", flat=True)
    )
    for notebook, (person_id, referent_id, organisation_id, since, orientation) in zip(notebooks, people, strict=True):
        if not contract_types:
            break
        signed_on = orientation.contract_signed_on if orientation else None
        if person_id in old_ids:
            if person_id not in signed:
                if signed_on is not None and orientation is not None:
                    orientation.contract_signed_on = None  # no contract in the carnet: none on the path either
                    changed.append(orientation)
                continue
            signed_on = signed_on or since + timedelta(days=rng.randint(15, CONTRACT_AFTER_DAYS))
        if signed_on is None:
            continue
        contract_type = contract_types.get(
            _contract_code(organisation_id in france_travail, birth_dates[person_id], signed_on)
        ) or next(iter(contract_types.values()))
        length = timedelta(days=contract_type.usual_months * 30)
        # The first contract, then (when it has long ended) the renewal in force today: a contract lasts its usual
        # length, it is not stretched over years.
        terms = [(signed_on, signed_on + length)]
        if signed_on + length < today:
            current_start = today - timedelta(days=rng.randint(0, max(0, length.days - 36)))
            terms.append((max(current_start, signed_on + length + timedelta(days=1)), None))
        last_start, _ = terms[-1]
        if rng.random() < RENEW_SHARE:
            last_end = today + timedelta(days=rng.randint(1, 29))  # to renew
        else:
            last_end = max(last_start + length, today + timedelta(days=35))
        terms[-1] = (last_start, last_end)
        for starts_on, ends_on in terms:
            # A renewal is of the type the person's age allows at its start: a CEJ signed at 24 is renewed as a CER
            # once they are 26.
            term_type = (
                contract_types.get(
                    _contract_code(organisation_id in france_travail, birth_dates[person_id], starts_on)
                )
                or contract_type
            )
            contracts.append(
                Contract(
                    notebook=notebook,
                    contract_type=term_type,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    signed_on=starts_on,
                    signed_by_person=True,
                    signed_by_id=referent_id,
                    organisation_id=organisation_id,
                )
            )
        if orientation is not None:
            first = orientation.first_appointment_on
            orientation.first_appointment_on = (
                min(first, signed_on) if first else max(since, signed_on - timedelta(days=7))
            )
            orientation.contract_signed_on = signed_on
            changed.append(orientation)
    bulk_insert(Contract, contracts)
    through = Contract.objectives.through
    bulk_insert_rows(
        through,
        [
            {"contract_id": contract.pk, "objective_id": objective.pk}
            for contract in contracts
            for objective in objectives_of[contract.notebook_id]
        ],
    )
    Orientation.objects.bulk_update(changed, ["first_appointment_on", "contract_signed_on"], batch_size=2000)

    # --- contacts, appointments, notes --------------------------------------------------------------------------
    kinds = list(ContactKind.values)
    contact_rows = []
    for notebook, (_, referent_id, organisation_id, since, _) in zip(notebooks, people, strict=True):
        day = notebook.last_contact_on
        for _ in range(rng.randint(1, 4)):
            if day is None or day < since:
                break
            kind = rng.choice(kinds)
            contact_rows.append(
                {
                    "notebook_id": notebook.pk,
                    "occurred_on": day,
                    "kind": kind,
                    "summary": CONTACT_SUMMARIES[ContactKind(kind)],
                    "professional_id": referent_id,
                    "organisation_id": organisation_id,
                    "appointment_id": None,
                    "created_at": _aware(day, 18),
                }
            )
            day -= timedelta(days=rng.randint(14, 45))
    bulk_insert_rows(Contact, contact_rows)
    # The meetings that happened: every contact at the office, at home or by video was an appointment honoured.
    met = {ContactKind.OFFICE, ContactKind.HOME_VISIT, ContactKind.VIDEO}
    bulk_insert_rows(
        Appointment,
        [
            {
                "notebook_id": row["notebook_id"],
                "starts_at": _aware(row["occurred_on"], 10),
                "ends_at": _aware(row["occurred_on"], 10) + timedelta(minutes=45),
                "mode": SessionMode.IN_PERSON,
                "place": "",
                "professional_id": row["professional_id"],
                "organisation_id": row["organisation_id"],
                "purpose": "Point d'étape",
                "attendance": Attendance.PRESENT,
                "cancelled_at": None,
                "created_at": _aware(row["occurred_on"], 8),
            }
            for row in contact_rows
            if row["kind"] in met
        ],
    )

    demo_referents = {u.pk for key, u in ctx.users.items() if key in ("referent", "referent.ft")}
    per_demo: defaultdict[int, int] = defaultdict(int)
    appointment_rows = []
    for notebook, (person_id, referent_id, organisation_id, _, _) in zip(notebooks, people, strict=True):
        if person_id in lost:
            continue
        is_demo = referent_id in demo_referents and per_demo[referent_id] < DEMO_REFERENT_UPCOMING
        if not is_demo and rng.random() >= UPCOMING_SHARE:
            continue
        per_demo[referent_id] += 1
        starts_at = _aware(today + timedelta(days=rng.randint(1, 13 if is_demo else 30)), rng.choice([9, 10, 14, 15]))
        appointment_rows.append(
            {
                "notebook_id": notebook.pk,
                "starts_at": starts_at,
                "ends_at": starts_at + timedelta(minutes=45),
                "mode": rng.choice([SessionMode.IN_PERSON, SessionMode.IN_PERSON, SessionMode.PHONE]),
                "place": "",
                "professional_id": referent_id,
                "organisation_id": organisation_id,
                "purpose": "Point d'étape",
                "attendance": "",
                "cancelled_at": None,
                "created_at": now,
            }
        )
    bulk_insert_rows(Appointment, appointment_rows)

    note_rows = []
    for notebook, (_, referent_id, organisation_id, _, _) in zip(notebooks, people, strict=True):
        for share, visibility, texts in (
            (SHARED_NOTE_SHARE, NoteVisibility.SHARED, SHARED_NOTES),
            (PRIVATE_NOTE_SHARE, NoteVisibility.PRIVATE, PRIVATE_NOTES),
        ):
            if rng.random() < share:
                note_rows.append(
                    {
                        "notebook_id": notebook.pk,
                        "author_id": referent_id,
                        "organisation_id": organisation_id,
                        "visibility": visibility,
                        "text": rng.choice(texts),
                        "written_by_person": False,
                        "created_at": _aware(notebook.last_contact_on or today, 18),
                    }
                )
    bulk_insert_rows(Note, note_rows)

    # --- a partner association in the team of a handful, with the person's consent -----------------------------
    partner, association = ctx.users.get("partenaire"), ctx.organisations.get("aci")
    team_count = 0
    if partner is not None and association is not None:
        chosen = [
            (notebook, person)
            for notebook, person in zip(notebooks, people, strict=True)
            if person[0] not in lost and person[1] in demo_referents
        ][:TEAM_COUNT]
        for notebook, (_, referent_id, _, since, _) in chosen:
            given_on = max(since, today - timedelta(days=rng.randint(5, 60)))
            Consent.objects.create(
                notebook=notebook, organisation=association, given_on=given_on, recorded_by_id=referent_id
            )
            TeamMember.objects.create(
                notebook=notebook,
                user=partner,
                organisation=association,
                role="encadrant technique (chantier d'insertion)",
                started_on=given_on,
                invited_by_id=referent_id,
            )
            team_count += 1
    ctx.log(
        f"  {len(notebooks)} carnets de bord ({len(freins)} freins, {len(projects)} projets, "
        f"{len(objectives)} objectifs, {len(contracts)} contrats, {len(contact_rows)} contacts, "
        f"{len(appointment_rows)} rendez-vous à venir, {len(note_rows)} notes, {team_count} équipes partagées)"
    )
