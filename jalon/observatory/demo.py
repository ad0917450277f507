"""The demo's snapshots. The periods still running (the nightly refresh's share) are computed during the seed, so
every screen has figures at once; the twelve months before them, for the trends, are computed by the background
worker that `make run` starts (`observatory_history_task`), a few minutes later. A real Département runs
`observatory_compute --complet` once (three years), then the nightly refresh."""

from django.utils import timezone

from jalon.core.periods import add_months
from jalon.observatory.enums import PeriodKind
from jalon.observatory.models import SnapshotRun
from jalon.observatory.periods import period_of
from jalon.observatory.services import catalogue_load, snapshot_compute


def build(ctx) -> None:
    from jalon.observatory.tasks import observatory_history_task

    catalogue_load()
    today = timezone.localdate()
    if SnapshotRun.objects.filter(departement=ctx.departement, as_of=today).exclude(finished_at=None).exists():
        return  # a second seed the same day finds the figures computed (the nightly task refreshes them)
    run = snapshot_compute(departement_id=ctx.departement.code, today=today)
    ctx.log(f"Observatoire : {run.values_written} valeurs calculées pour les périodes en cours")
    if ctx.households is None:
        first_day = add_months(period_of(PeriodKind.MONTH, today).start, -12)
        observatory_history_task.enqueue(ctx.departement.code, first_day.isoformat())
        ctx.log("  l'historique des douze derniers mois se calcule en tâche de fond (quelques minutes)")


def build_entered(ctx) -> None:
    """A few entered indicators of the Landes, through the services: the insertion hours of the chantier
    d'insertion (quarterly, validated, the last quarter waiting for validation, the first one late), the
    candidates of France Travail's platform (quarterly, partly late), two yearly figures entered by the analyst
    and validated by the pilot (one of them a rate, by territory too)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jalon.core.enums import Role
    from jalon.core.scoping import Actor
    from jalon.observatory.entered.models import EntrySetup
    from jalon.observatory.entered.selectors import expected_periods
    from jalon.observatory.entered.services import entered_value_save, entered_value_validate, entry_setup_save
    from jalon.observatory.enums import TerritoryLevel
    from jalon.observatory.models import Indicator
    from jalon.organisations.models import Membership

    departement = ctx.departement.code
    if departement != "40" or EntrySetup.objects.filter(departement_id=departement).exists():
        return

    def actor(local_part: str, organisation_key: str, role: str) -> Actor:
        membership = Membership.objects.select_related("organisation").get(
            user=ctx.users[local_part], organisation=ctx.organisations[organisation_key], role=role
        )
        return Actor(user=membership.user, membership=membership, memberships=(membership,))

    pilot = actor("pilote", "cd", Role.PROGRAMME_PILOT)
    analyst = actor("analyste", "cd", Role.ANALYST)
    partner = actor("partenaire", "aci", Role.PARTNER)
    adviser = actor("referent.ft", "ft_mdm", Role.REFERENT)
    today = timezone.localdate()
    starts_on = today.replace(year=today.year - 1, month=1, day=1)

    def setup(code, owner_key, period_kind, deadline_days=30):
        return entry_setup_save(
            actor=pilot,
            indicator=Indicator.objects.get(code=code),
            owner=ctx.organisations[owner_key] if owner_key else None,
            period_kind=period_kind,
            deadline_days=deadline_days,
            reminder_days=7,
            evidence_required=True,
            starts_on=starts_on,
            today=today,
        )

    def enter(who, setup, period, value, *, validate=True, territory=None, comment=""):
        entry = entered_value_save(
            actor=who,
            indicator=setup.indicator,
            period=period,
            territory_level=TerritoryLevel.TERRITORY if territory else TerritoryLevel.DEPARTEMENT,
            territory_code=str(territory.pk) if territory else departement,
            value=value,
            comment=comment,
            evidence=SimpleUploadedFile(
                f"bilan-{setup.indicator.code}-{period.key}.pdf", b"%PDF-1.4 bilan de la periode (demo)"
            ),
            submit=True,
            today=today,
        )
        if validate:
            entered_value_validate(actor=pilot, entry=entry)
        return entry

    hours = setup("L36", "aci", PeriodKind.QUARTER)
    quarters = expected_periods(hours, today)
    for index, period in enumerate(quarters[1:], start=1):
        last = index == len(quarters) - 1
        enter(partner, hours, period, 5200 + 150 * index, validate=not last, comment="Extraction de l'extranet IAE")
    platform = setup("L60", "ft_mdm", PeriodKind.QUARTER)
    for index, period in enumerate(expected_periods(platform, today)[:-2]):
        enter(adviser, platform, period, 1800 + 90 * index)
    feedback = setup("L29", None, PeriodKind.YEAR, deadline_days=60)
    for period in expected_periods(feedback, today):
        enter(analyst, feedback, period, 14, comment="Comptage des consultations de la page dédiée")
    ase = setup("L48", None, PeriodKind.YEAR, deadline_days=90)
    for period in expected_periods(ase, today):
        enter(analyst, ase, period, 62.5, comment="Bilan annuel de l'aide sociale à l'enfance")
        for shift, territory in enumerate(list(ctx.territories.values())[:3]):
            enter(analyst, ase, period, 55 + 5 * shift, territory=territory)
    ctx.log("Observatoire : valeurs saisies de L36, L60, L29 et L48")
