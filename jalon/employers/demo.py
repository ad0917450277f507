"""Demo employers: about 150 establishments per département (40 for a small demo) with real-looking names, valid
SIRETs, NAF rév. 2 codes and communes of the département, through the services; a quarter committed in « Les
entreprises s'engagent », exchanges, two groupements d'employeurs, a chargé(e) de relation entreprises, immersions
in several statuses with their reviews, and the demo's exits to employment linked to employers. Idempotent: a
département whose directory is filled is left as is."""

import datetime
import random

from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.scoping import Actor
from jalon.employers import services
from jalon.employers.models import Employer
from jalon.exits.models import Exit  # the demo composes: its exits get their employer here
from jalon.notebook.models import Notebook
from jalon.organisations.models import Membership
from jalon.orientation.models import Orientation
from jalon.territories.models import Commune, Territory


SECTORS = [
    ("Boulangerie", "10.71C", "Vendeur en boulangerie"),
    ("Conserverie", "10.39B", "Agent de conditionnement"),
    ("Transports", "49.41A", "Chauffeur livreur"),
    ("Restaurant", "56.10A", "Commis de cuisine"),
    ("Hôtel", "55.10Z", "Employé d'étage"),
    ("EHPAD", "87.10A", "Agent de service hospitalier"),
    ("Clinique", "86.10Z", "Agent de service hospitalier"),
    ("Garage", "45.20A", "Mécanicien automobile"),
    ("Menuiserie", "43.32A", "Aide-menuisier"),
    ("Maçonnerie", "43.99C", "Manœuvre en maçonnerie"),
    ("Supermarché", "47.11D", "Employé libre-service"),
    ("Scierie", "16.10A", "Opérateur de scierie"),
    ("Exploitation agricole", "01.11Z", "Ouvrier agricole"),
    ("Camping", "55.30Z", "Agent d'entretien"),
    ("Nettoyage", "81.21Z", "Agent de propreté"),
    ("Aide à domicile", "88.10A", "Aide à domicile"),
    ("Logistique", "52.10B", "Préparateur de commandes"),
    ("Salon de coiffure", "96.02A", "Coiffeur"),
    ("Espaces verts", "81.30Z", "Jardinier paysagiste"),
    ("Plomberie", "43.22A", "Aide-plombier"),
    ("Domaine viticole", "01.21Z", "Ouvrier viticole"),
    ("Pharmacie", "47.73Z", "Préparateur en pharmacie"),
]
SURNAMES = [
    "Dupouy",
    "Lafitte",
    "Labat",
    "Darrigrand",
    "Lalanne",
    "Dufau",
    "Castaing",
    "Etcheverry",
    "Larrieu",
    "Bordes",
    "Duprat",
    "Harriet",
    "Laborde",
    "Sallenave",
    "Destang",
    "Cazaux",
    "Lacoste",
    "Iriart",
    "Etchegaray",
    "Lamarque",
    "Pémartin",
    "Bergeras",
    "Mouret",
    "Lescoul",
]
FORMS = ["", "", " SARL", " SAS", " et Fils", " & Associés"]
SIZES = ["01", "02", "03", "11", "12", "21", "22"]


def _luhn_key(digits: str) -> str:
    """The digit that makes `digits + key` pass the Luhn check (INSEE's SIREN and SIRET keys)."""
    for key in "0123456789":
        total = 0
        for index, char in enumerate(reversed(digits + key)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return key
    raise AssertionError("unreachable")


def siret_for(rng: random.Random) -> str:
    siren = f"{rng.randrange(10_000_000, 99_999_999)}"
    siren += _luhn_key(siren)
    nic = f"{siren}{rng.randrange(1, 99):04d}"
    return nic + _luhn_key(nic)


def _actor(membership) -> Actor:
    return Actor(user=membership.user, membership=membership, memberships=(membership,))


def build(ctx) -> None:
    departement = ctx.departement
    if Employer.objects.filter(departement=departement).exists():
        ctx.log("  entreprises déjà présentes")
        return
    rng = random.Random(int(departement.code) * 53)
    today = timezone.localdate()
    memberships = (
        Membership.objects.active()
        .filter(organisation__departement=departement)
        .select_related("organisation", "user")
    )
    admin = memberships.filter(role=Role.ADMINISTRATOR, organisation__kind="cd").first()
    if admin is None:
        return
    cd = _actor(admin)
    size = 40 if ctx.households is not None else 150
    communes = list(Commune.objects.filter(departement=departement).order_by("-population", "code")[:60])
    employers: list[Employer] = []
    sirets: set[str] = set()
    while len(employers) < size:
        kind, naf, _ = rng.choice(SECTORS)
        siret = siret_for(rng)
        if siret in sirets:
            continue
        sirets.add(siret)
        employers.append(
            services.employer_create(
                actor=cd,
                siret=siret,
                name=f"{kind} {rng.choice(SURNAMES)}{rng.choice(FORMS)}",
                naf_code=naf,
                commune=communes[min(int(rng.expovariate(0.08)), len(communes) - 1)],
                size_band=rng.choice(SIZES),
            )
        )
    for employer in employers[: size // 8]:
        services.employer_contact_add(
            actor=cd,
            employer=employer,
            name=f"{rng.choice(['Sophie', 'Jean', 'Maïté', 'Laurent', 'Amaia'])} {rng.choice(SURNAMES)}",
            job_title=rng.choice(["gérant(e)", "responsable des ressources humaines", "chef d'équipe"]),
            phone=f"05 58 {rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)}",
        )
    engaged = rng.sample(employers, size // 4)
    for employer in engaged:
        for year in (today.year - 1, today.year):
            offered = rng.randint(1, 6)
            services.commitment_record(
                actor=cd,
                employer=employer,
                year=year,
                immersions_offered=offered,
                hires=rng.randint(0, 3),
                sponsorships=rng.randint(0, 2),
                job_datings=rng.randint(0, 1),
                immersions_done=rng.randint(0, offered) if year < today.year else 0,
                hires_done=rng.randint(0, 2) if year < today.year else 0,
                today=today,
            )
    for employer in rng.sample(employers, size * 3 // 5):
        for _ in range(rng.randint(1, 3)):
            services.interaction_record(
                actor=cd,
                employer=employer,
                occurred_on=today - datetime.timedelta(days=rng.randrange(540)),
                kind=rng.choice(["visite", "appel", "courriel", "reunion", "job_dating", "forum"]),
                note=rng.choice(
                    ["besoins de recrutement saisonniers", "présentation du dispositif", "suivi d'une embauche", ""]
                ),
                today=today,
            )
    main_commune = communes[0]
    services.employer_group_create(
        actor=cd,
        name=f"Groupement d'employeurs agricoles ({departement.name})",
        commune=main_commune,
        sector="agriculture (ANEFA)",
        created_on=today - datetime.timedelta(days=900),
        members=[e for e in employers if e.naf_code in ("01.11Z", "01.21Z", "10.39B")][:8],
        today=today,
    )
    services.employer_group_create(
        actor=cd,
        name=f"Groupement saisonnier tourisme ({departement.name})",
        commune=communes[1] if len(communes) > 1 else main_commune,
        sector="hôtellerie, restauration, campings",
        created_on=today - datetime.timedelta(days=400),
        members=[e for e in employers if e.naf_code in ("55.10Z", "55.30Z", "56.10A")][:8],
        today=today,
    )
    territories = list(Territory.objects.filter(departement=departement))
    if territories:
        services.relations_officer_assign(actor=cd, user=admin.user, territories=territories, started_on=today)
    immersions = _immersions(ctx, rng, employers, cd, today, memberships)
    linked = _link_exits(rng, departement, employers)
    ctx.log(
        f"  entreprises : {len(employers)} employeurs, {len(engaged)} engagés, {immersions} immersions, "
        f"{linked} sorties reliées à un employeur"
    )


def _immersions(ctx, rng, employers, cd, today, memberships) -> int:
    by_key = {(m.user_id, m.organisation_id): m for m in memberships}
    closed = Notebook.objects.exclude(closed_on=None).values("person_id")
    orientations = list(
        Orientation.objects.current()
        .filter(person__departement=ctx.departement)
        .exclude(person__in=closed)
        .order_by("person_id")[:400]
    )
    chosen = rng.sample(orientations, min(len(orientations), 12 if ctx.households is not None else 60))
    plans = ["draft", "ready", "review", "validated", "done_job", "done", "partial", "not_done", "cancelled"]
    count = 0
    for index, orientation in enumerate(chosen):
        membership = by_key.get((orientation.referent_id, orientation.organisation_id))
        if membership is None:
            continue
        referent = _actor(membership)
        plan = plans[index % len(plans)]
        employer = rng.choice(employers)
        job = next(title for kind, naf, title in SECTORS if naf == employer.naf_code)
        past = plan in ("done_job", "done", "partial", "not_done")
        starts = (
            today - datetime.timedelta(days=rng.randint(20, 200))
            if past
            else today + datetime.timedelta(days=rng.randint(7, 40))
        )
        immersion = services.immersion_create(
            actor=referent,
            person=orientation.person,
            employer=employer,
            starts_on=starts,
            ends_on=starts + datetime.timedelta(days=rng.choice([4, 9, 13, 20])),
            objectives=rng.sample(["confirm", "discover", "recruit"], rng.randint(1, 2)),
            job_title=job,
            tutor_name=f"{rng.choice(['M.', 'Mme'])} {rng.choice(SURNAMES)}",
        )
        count += 1
        steps = {"draft": [], "ready": ["submit"], "review": ["submit", "sign_person", "sign_employer"]}.get(
            plan, ["submit", "sign_person", "sign_employer", "pre_validate"]
        )
        for action in steps:
            immersion = services.immersion_transition(
                actor=referent, immersion=immersion, action=action, signed_on=min(today, starts), today=today
            )
        if plan in ("draft", "ready", "review"):
            continue
        # The Département validates as prescriber (its administrator sees every person of the département).
        immersion = services.immersion_transition(actor=cd, immersion=immersion, action="validate", today=today)
        if plan == "cancelled":
            services.immersion_transition(
                actor=referent, immersion=immersion, action="cancel", reason="l'entreprise a reporté", today=today
            )
        elif past:
            job_found = plan == "done_job"
            services.immersion_review(
                actor=referent,
                immersion=immersion,
                outcome={"partial": "partial", "not_done": "not_done"}.get(plan, "completed"),
                last_day_present=starts + datetime.timedelta(days=2) if plan == "partial" else None,
                led_to_job=job_found,
                hire_contract=rng.choice(["cdi", "cdd_6_plus", "cdd_less_6"]) if job_found else "",
                hire_starts_on=immersion.ends_on + datetime.timedelta(days=7) if job_found else None,
                employer_feedback="ponctuel et motivé" if plan != "not_done" else "",
                today=today,
            )
    return count


def _link_exits(rng, departement, employers) -> int:
    """The demo's exits to employment were recorded with a plain employer name: link them to the directory."""
    linked = 0
    for exit in Exit.objects.for_departement(departement.code).to_employment().filter(employer=None):
        employer = rng.choice(employers)
        exit.employer, exit.employer_name, exit.employer_siret = employer, employer.name, employer.siret
        exit.save(update_fields=["employer", "employer_name", "employer_siret", "updated_at"])
        linked += 1
    return linked
