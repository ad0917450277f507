"""Builds the demo Département, step by step. Each later app appends its own step to DEMO_STEPS.

Every step is idempotent: it looks for what it would create by a stable key and goes through the
domain services only for what is missing, so `make run` can be re-run at will.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction

from jalon.accounts.models import User
from jalon.accounts.services import user_create
from jalon.core.enums import Role
from jalon.demo.departements import DEMO_DEPARTEMENTS, DemoDepartement
from jalon.organisations.models import Membership, Organisation
from jalon.organisations.services import membership_create, organisation_create
from jalon.territories.models import Commune, Departement, Territory


DEMO_PASSWORD = "Jalon-demo-2026!"  # Printed by `make run`; demo instances only.


@dataclass
class DemoContext:
    config: DemoDepartement
    departement: Departement
    organisations: dict[str, Organisation] = field(default_factory=dict)
    territories: dict[str, Territory] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    # (email, role label, organisation) of every login worth printing
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    log: Callable[[str], None] = print
    # Households of the demo CAF file; None for the realistic size (tests ask for a small one).
    households: int | None = None


def build_territories(ctx: DemoContext) -> None:
    for name, epci_codes in ctx.config.territories.items():
        territory, created = Territory.objects.get_or_create(
            departement=ctx.departement, kind=ctx.config.territory_kind, name=name
        )
        if created:
            communes = Commune.objects.in_departement(ctx.departement.code).filter(epci_id__in=epci_codes)
            territory.communes.set(communes)
        ctx.territories[name] = territory
    ctx.log(f"  {len(ctx.territories)} territoires")


def build_organisations(ctx: DemoContext) -> None:
    for spec in ctx.config.organisations:
        organisation = Organisation.objects.filter(departement=ctx.departement, name=spec.name).first()
        if organisation is None:
            organisation = organisation_create(
                actor_user=None,
                name=spec.name,
                kind=spec.kind,
                departement=ctx.departement,
                parent=ctx.organisations.get(spec.parent) if spec.parent else None,
                commune=Commune.objects.filter(code=spec.commune).first(),
                email=f"contact.{spec.key.replace('_', '-')}@{ctx.config.email_domain}",
            )
        ctx.organisations[spec.key] = organisation
    ctx.log(f"  {len(ctx.organisations)} structures")


# (local part of the e-mail, first name, last name, [(organisation key, role, territory names)])
DEMO_PEOPLE: list[tuple[str, str, str, list[tuple[str, Role, list[str]]]]] = [
    ("admin", "Hélène", "Administratrice", [("cd", Role.ADMINISTRATOR, [])]),
    ("orientation", "Karim", "Orienteur", [("orientation", Role.ORIENTATION_OFFICER, [])]),
    (
        "referent",
        "Sophie",
        "Référente",
        [("tas_mdm", Role.REFERENT, []), ("orientation", Role.ORIENTATION_OFFICER, [])],
    ),
    ("referent.ft", "Julien", "Conseiller", [("ft_mdm", Role.REFERENT, [])]),
    ("referent.caf", "Nadia", "Référente-Caf", [("caf", Role.REFERENT, [])]),
    ("partenaire", "Thomas", "Encadrant", [("aci", Role.PARTNER, [])]),
    ("manager", "Claire", "Manager", [("tas_dax", Role.TERRITORY_MANAGER, ["__own__"])]),
    ("pilote", "Marc", "Pilote", [("cd", Role.PROGRAMME_PILOT, [])]),
    ("analyste", "Inès", "Analyste", [("cd", Role.ANALYST, [])]),
    ("admin.asso", "Paul", "Responsable", [("aci", Role.ADMINISTRATOR, [])]),
]


def build_users(ctx: DemoContext) -> None:
    specs = {spec.key: spec for spec in ctx.config.organisations}
    for local_part, first_name, last_name, memberships in DEMO_PEOPLE:
        email = f"{local_part}@{ctx.config.email_domain}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(email=email, first_name=first_name, last_name=last_name, password=DEMO_PASSWORD)
        ctx.users[local_part] = user
        for org_key, role, territory_names in memberships:
            organisation = ctx.organisations.get(org_key)
            if organisation is None:
                continue
            if not Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
                names = [specs[org_key].territory if name == "__own__" else name for name in territory_names]
                membership_create(
                    user=user,
                    organisation=organisation,
                    role=role,
                    territories=[ctx.territories[name] for name in names if name in ctx.territories],
                )
            ctx.logins.append((email, Role(role).label, organisation.name))
    ctx.log(f"  {len(ctx.users)} comptes de démonstration")


def build_population(ctx: DemoContext) -> None:
    from jalon.demo.population import build_population as build

    build(ctx)


def build_orientations(ctx: DemoContext) -> None:
    from jalon.demo.orientation import build_orientations as build

    build(ctx)


def build_criteria(ctx: DemoContext) -> None:
    from jalon.orientation.interviews.demo import build

    build(ctx)


def build_sessions(ctx: DemoContext) -> None:
    from jalon.orientation.sessions.demo import build

    build(ctx)


def build_reorientations(ctx: DemoContext) -> None:
    from jalon.orientation.reorientation.demo import build

    build(ctx)


def build_delays(ctx: DemoContext) -> None:
    from jalon.orientation.delays.demo import build

    build(ctx)


def build_notebook_referentials(ctx: DemoContext) -> None:
    from jalon.notebook.followup.demo import build

    build(ctx)


def build_notebooks(ctx: DemoContext) -> None:
    from jalon.notebook.demo import build

    build(ctx)


def build_engagement_contracts(ctx: DemoContext) -> None:
    from jalon.notebook.followup.demo import build_engagement_contracts as build

    build(ctx)


def build_offer(ctx: DemoContext) -> None:
    from jalon.offer.demo import build

    build(ctx)


def build_exits(ctx: DemoContext) -> None:
    from jalon.exits.demo import build

    build(ctx)


def build_duties(ctx: DemoContext) -> None:
    from jalon.duties.demo import build

    build(ctx)


def build_employment(ctx: DemoContext) -> None:
    from jalon.employment.demo import build

    build(ctx)


def build_employers(ctx: DemoContext) -> None:
    from jalon.employers.demo import build

    build(ctx)


def build_conventions(ctx: DemoContext) -> None:
    from jalon.privacy.demo import build

    build(ctx)


def build_observatory(ctx: DemoContext) -> None:
    from jalon.observatory.demo import build

    build(ctx)


def build_observatory_entered(ctx: DemoContext) -> None:
    from jalon.observatory.demo import build_entered

    build_entered(ctx)


def build_programme(ctx: DemoContext) -> None:
    from jalon.programme.demo import build

    build(ctx)


def build_participation(ctx: DemoContext) -> None:
    from jalon.participation.demo import build

    build(ctx)


def build_evaluation(ctx: DemoContext) -> None:
    from jalon.evaluation.demo import build

    build(ctx)


def build_surveys(ctx: DemoContext) -> None:
    from jalon.surveys.demo import build

    build(ctx)


def refresh_statistics(ctx: DemoContext) -> None:
    """Fresh planner statistics, as a Département's database would have them after its nightly maintenance:
    without, PostgreSQL plans the next queries on tables it believes empty (the observatory's took minutes)."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("ANALYZE")
            return
        # The project's tables only: a bare ANALYZE also locks the cluster's shared catalogs, which another
        # database's ANALYZE (a parallel test worker's) may hold.
        tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(table) for table in sorted(tables)))


DEMO_STEPS: list[Callable[[DemoContext], None]] = [
    build_territories,
    build_organisations,
    build_users,
    build_population,
    refresh_statistics,
    build_orientations,
    build_criteria,
    build_sessions,
    build_reorientations,
    build_delays,
    build_notebook_referentials,
    build_notebooks,
    build_engagement_contracts,
    build_offer,
    # The carnets, projects and referrals now exist: the next steps' queries join them, and were once planned
    # on the statistics of empty tables (a 30-second timeout under load).
    refresh_statistics,
    build_exits,
    build_duties,
    build_employers,
    build_employment,
    build_conventions,
    refresh_statistics,
    build_observatory,
    build_observatory_entered,
    build_programme,
    build_participation,
    # The surveys before the evaluation: a fiche's framework names the campaign that answers its question.
    build_surveys,
    build_evaluation,
]


def demo_build(
    *, departement_code: str, log: Callable[[str], None] = print, households: int | None = None
) -> DemoContext:
    config = DEMO_DEPARTEMENTS[departement_code]
    departement = Departement.objects.get(code=departement_code)
    ctx = DemoContext(config=config, departement=departement, log=log, households=households)
    # Each step is atomic on its own: the population step runs imports, each one transaction.
    for step in DEMO_STEPS:
        with transaction.atomic():
            step(ctx)
    refresh_statistics(ctx)
    return ctx
