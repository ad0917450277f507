"""The demo's money: budget lines voted on a few fiches, split between the Département's territories, committed to
its operators and partly paid, and a marché d'insertion bought in lots by territory. Built through the services;
nothing is created twice."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.scoping import Actor
from jalon.organisations.models import Membership
from jalon.programme.funding import services
from jalon.programme.funding.enums import Instrument, LotStep, Procedure
from jalon.programme.funding.models import BudgetLine


def _pilot(ctx) -> Actor:
    membership = Membership.objects.select_related("organisation", "user").get(
        user=ctx.users["pilote"], organisation=ctx.organisations["cd"], role=Role.PROGRAMME_PILOT
    )
    return Actor(user=membership.user, membership=membership, memberships=(membership,))


def _day(year: int, month: int, day: int) -> date:
    return min(date(year, month, day), timezone.localdate())


def _line(actor, programme, number, year, source, amount, label, split=None):
    action = programme.actions.get(number=number)
    line = services.budget_line_create(
        actor=actor,
        programme=programme,
        action=action,
        year=year,
        funding_source=programme.funding_sources.get(code=source),
        amount_eur=Decimal(amount),
        label=label,
    )
    if split:
        services.budget_line_split(actor=actor, line=line, amounts={t: Decimal(v) for t, v in split.items()})
    return line


def _commit(actor, line, territory, operator, instrument, reference, amount, on, paid=(), lot=None):
    envelope = line.envelopes.get(territory=territory) if territory else None
    commitment = services.commitment_record(
        actor=actor,
        line=line,
        envelope=envelope,
        operator=operator,
        instrument=instrument,
        reference=reference,
        amount_eur=Decimal(amount),
        committed_on=on,
        lot=lot,
    )
    for number, (value, when) in enumerate(paid, start=1):
        services.payment_record(
            actor=actor,
            commitment=commitment,
            amount_eur=Decimal(value),
            paid_on=max(when, on),
            reference=f"{reference}-M{number}",
        )
    return commitment


def build(ctx, programme) -> None:
    if BudgetLine.objects.filter(programme=programme).exists():
        return
    actor = _pilot(ctx)
    if programme.departement_id == "64":
        _build_pa(ctx, actor, programme)
    elif programme.departement_id == "40":
        _build_landes(ctx, actor, programme)
    ctx.log(f"  Financement : {BudgetLine.objects.filter(programme=programme).count()} lignes budgétaires")


def _build_landes(ctx, actor, programme) -> None:
    """The 2024 lines the Landes plan writes amounts for: A.2's external provider of the orientation platforms
    (50 000 € a year, SPIE) and A.3's « cas complexes » référents (190 000 € a year; the plan names CALPAE and FSE+
    without sharing: the demo puts it on CALPAE)."""
    t = [ctx.territories[name] for name in ctx.config.territories]  # Mont-de-Marsan, Dax, Sud, Nord, Chalosse
    orgs = ctx.organisations
    a2 = _line(
        actor,
        programme,
        2,
        2024,
        "SPIE",
        50000,
        "Prestataire externe des plateformes d'orientation",
        dict(zip(t, [10000] * 5, strict=True)),
    )
    a3 = _line(
        actor,
        programme,
        3,
        2024,
        "CALPAE",
        190000,
        "Référents de parcours « cas complexes » (6 ETP)",
        dict(zip(t, [50000, 40000, 35000, 35000, 30000], strict=True)),
    )
    for index, territory in enumerate(t[:4]):
        _commit(
            actor,
            a2,
            territory,
            orgs["operateur"],
            Instrument.CONTRACT,
            f"MAPA-2024-0{index + 1}",
            9000,
            _day(2024, 3, 1),
            paid=[(4500, _day(2024, 7, 1)), (4500, _day(2024, 12, 10))],
        )
    _commit(
        actor,
        a3,
        t[0],
        orgs["ccas_mdm"],
        Instrument.AGREEMENT,
        "CONV-2024-CC-MDM",
        48000,
        _day(2024, 2, 15),
        paid=[(24000, _day(2024, 6, 30)), (24000, _day(2024, 12, 15))],
    )
    # Dax: half paid, the rest for its manager to pay.
    _commit(
        actor,
        a3,
        t[1],
        orgs["ccas_dax"],
        Instrument.AGREEMENT,
        "CONV-2024-CC-DAX",
        36000,
        _day(2024, 2, 15),
        paid=[(18000, _day(2024, 6, 30))],
    )
    _commit(
        actor,
        a3,
        t[2],
        orgs["bge"],
        Instrument.GRANT,
        "SUB-2024-CC-SUD",
        20000,
        _day(2024, 4, 2),
        paid=[(10000, _day(2024, 9, 1))],
    )


def _build_pa(ctx, actor, programme) -> None:
    """2025 and 2026 on fiches 1 (accueil et orientation), 4 (the offer bought by marchés per SDSEI) and 6, with
    envelopes for the five SDSEI; the marché d'insertion of fiche 4, one lot per SDSEI on its plateau technique."""
    from jalon.offer.models import PlateauTechnique, Service

    t = [ctx.territories[name] for name in ctx.config.territories]
    orgs = ctx.organisations
    operator = orgs["operateur"]
    contract = services.contract_create(
        actor=actor,
        programme=programme,
        title="Marché d'insertion — plateaux techniques de partenaires",
        reference="AC-2025-PDI-04",
        procedure=Procedure.PURCHASE_ORDERS,
        starts_on=date(2025, 1, 1),
        ends_on=date(2028, 12, 31),
        amount_eur=Decimal(2000000),
        amount_is_max=True,
    )
    lots = {}
    for number, territory in enumerate(t, start=1):
        plateaux = list(PlateauTechnique.objects.filter(departement_id="64", territory=territory))
        holder = next((p.lead_structure.organisation for p in plateaux if p.lead_structure.organisation_id), operator)
        co = {s.organisation for p in plateaux for s in p.co_contractors.all() if s.organisation_id} - {holder}
        lots[territory] = services.lot_create(
            actor=actor,
            contract=contract,
            number=number,
            title=f"Accompagnement socioprofessionnel — {territory.name}",
            territory=territory,
            path_step=LotStep.SUPPORT,
            amount_eur=Decimal(400000),
            holder=holder,
            co_contractors=sorted(co, key=lambda o: o.pk),
            plateaux=plateaux,
            services=list(Service.objects.filter(plateau__in=plateaux)),
        )
    shares = [150000, 150000, 100000, 100000, 100000]
    for year in (2025, 2026):
        f1 = _line(actor, programme, 1, year, "CDI", 120000, "Cellules d'orientation renouvelées")
        _commit(
            actor,
            f1,
            None,
            orgs["ft_mdm"],
            Instrument.AGREEMENT,
            f"CONV-{year}-F1-FT",
            60000,
            _day(year, 2, 1),
            paid=[(30000, _day(year, 6, 1))] + ([(30000, _day(year, 11, 15))] if year == 2025 else []),
        )
        f4 = _line(
            actor,
            programme,
            4,
            year,
            "CDI",
            600000,
            "Offre d'accompagnement achetée par marché (bons de commande)",
            dict(zip(t, shares, strict=True)),
        )
        for territory, share in zip(t, shares, strict=True):
            lot = lots[territory]
            ordered = share * (9 if year == 2025 else 6) // 10
            _commit(
                actor,
                f4,
                territory,
                lot.holder,
                Instrument.CONTRACT,
                f"BC-{year}-L{lot.number}",
                ordered,
                _day(year, 3, 1),
                paid=[(ordered // 2, _day(year, 9, 1))],
                lot=lot,
            )
        _line(actor, programme, 4, year, "FSE", 200000, "Cofinancement FSE+ des parcours renforcés")
        f6 = _line(
            actor,
            programme,
            6,
            year,
            "CDI",
            80000,
            "Formations pré-qualifiantes et levée des freins à la formation",
            dict(zip(t, [20000, 20000, 15000, 15000, 10000], strict=True)),
        )
        # 2025: the line is nearly spent (95 % committed), the alert shows on the pilot's home.
        committed = [19000, 19000, 14000, 14000, 10000] if year == 2025 else [8000, 6000, 0, 0, 0]
        for index, (territory, amount) in enumerate(zip(t, committed, strict=True)):
            if amount:
                _commit(
                    actor,
                    f6,
                    territory,
                    orgs["aci"],
                    Instrument.GRANT,
                    f"SUB-{year}-F6-{index + 1}",
                    amount,
                    _day(year, 4, 1),
                    paid=[(amount // 2, _day(year, 10, 1))],
                )
