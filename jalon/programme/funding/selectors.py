"""Reads of the plan's money, and its execution: every figure is a sum of « parts » — an envelope of a split line,
or a whole line that is not split — so that a total by SDSEI, action, source or year, and the Département's
consolidated total, add up the same parts, and each lists the lines behind it."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Sum
from django.http import Http404

from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor, get_visible_or_404
from jalon.programme.funding import access
from jalon.programme.funding.enums import ALERT_RATE
from jalon.programme.funding.models import BudgetLine, Commitment, Contract, Envelope, Payment


ZERO = Decimal("0.00")
UNSPLIT = "Département (non réparti)"


@dataclass
class Figures:
    voted: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO

    def add(self, other: "Figures") -> None:
        self.voted += other.voted
        self.committed += other.committed
        self.paid += other.paid

    @staticmethod
    def _rate(part: Decimal, whole: Decimal) -> int | None:
        # Floored: a line is shown at 100 % only when it is fully committed or paid.
        return int(part * 100 // whole) if whole else None

    @property
    def committed_rate(self) -> int | None:
        return self._rate(self.committed, self.voted)

    @property
    def paid_rate(self) -> int | None:
        return self._rate(self.paid, self.voted)

    @property
    def to_commit(self) -> Decimal:
        return self.voted - self.committed

    @property
    def to_pay(self) -> Decimal:
        return self.committed - self.paid

    @property
    def alert(self) -> bool:
        return bool(self.voted) and self.committed * 100 >= self.voted * ALERT_RATE


@dataclass
class Part:
    line: BudgetLine
    envelope: Envelope | None
    figures: Figures

    @property
    def territory(self):
        return self.envelope.territory if self.envelope else None


@dataclass
class Group:
    key: object
    label: str
    figures: Figures = field(default_factory=Figures)
    lines: list = field(default_factory=list)

    def add(self, part: Part) -> None:
        self.figures.add(part.figures)
        if part.line not in self.lines:
            self.lines.append(part.line)


# --- scope ------------------------------------------------------------------------------------------------------


def programme_for(*, actor: Actor, code: str):
    from jalon.programme.selectors import programmes_for

    programme = get_visible_or_404(programmes_for(actor=actor), code=code)
    if not access.may_read_funding(actor, programme):
        raise Http404(NOT_FOUND_MESSAGE)
    return programme


def lines_of(programme):
    return (
        BudgetLine.objects.of_programme(programme)
        .select_related("action", "funding_source", "programme")
        .prefetch_related(Prefetch("envelopes", queryset=Envelope.objects.select_related("territory")))
    )


def line_for(*, programme, pk) -> BudgetLine:
    return get_visible_or_404(lines_of(programme), pk=pk)


def commitment_for(*, programme, pk) -> Commitment:
    return get_visible_or_404(
        Commitment.objects.filter(line__programme=programme).select_related(
            "line__programme", "line__action", "line__funding_source", "envelope__territory", "operator"
        ),
        pk=pk,
    )


def contract_for(*, programme, pk) -> Contract:
    return get_visible_or_404(programme.contracts.all(), pk=pk)


# --- figures ----------------------------------------------------------------------------------------------------


def _sums(queryset, key: str) -> dict:
    return {row[key]: row["total"] for row in queryset.values(key).annotate(total=Sum("amount_eur")).order_by()}


def parts_of(lines, *, territory_id: int | None = None) -> list[Part]:
    """The parts of the lines with their voted, committed and paid amounts; with `territory_id`, that territory's
    envelopes only."""
    lines = list(lines)
    ids = [line.pk for line in lines]
    commitments = Commitment.objects.filter(line_id__in=ids)
    payments = Payment.objects.filter(commitment__line_id__in=ids)
    by_line = (_sums(commitments, "line_id"), _sums(payments, "commitment__line_id"))
    by_envelope = (_sums(commitments, "envelope_id"), _sums(payments, "commitment__envelope_id"))
    parts = []
    for line in lines:
        envelopes = list(line.envelopes.all())
        if not envelopes:
            if territory_id is None:
                figures = Figures(line.amount_eur, by_line[0].get(line.pk, ZERO), by_line[1].get(line.pk, ZERO))
                parts.append(Part(line, None, figures))
            continue
        for envelope in envelopes:
            if territory_id is not None and envelope.territory_id != territory_id:
                continue
            figures = Figures(
                envelope.amount_eur, by_envelope[0].get(envelope.pk, ZERO), by_envelope[1].get(envelope.pk, ZERO)
            )
            parts.append(Part(line, envelope, figures))
    return parts


def _group(parts: list[Part], key, label) -> list[Group]:
    groups: dict = {}
    for part in parts:
        k = key(part)
        if k not in groups:
            groups[k] = Group(k, label(part))
        groups[k].add(part)
    return list(groups.values())


def line_rows(parts: list[Part]) -> list[Group]:
    """One row per line (its parts summed), in the lines' order."""
    return _group(parts, lambda p: p.line.pk, lambda p: str(p.line))


def execution(*, parts: list[Part]) -> dict:
    total = Group("departement", "Département (consolidé)")
    for part in parts:
        total.add(part)
    territories = sorted(
        _group(
            parts,
            lambda p: p.envelope.territory_id if p.envelope else None,
            lambda p: p.territory.name if p.envelope else UNSPLIT,
        ),
        key=lambda g: (g.key is None, g.label),
    )
    return {
        "total": total,
        "total_list": [total],
        "by_territory": territories,
        "by_action": sorted(
            _group(parts, lambda p: p.line.action_id, lambda p: f"{p.line.action.code} — {p.line.action.title}"),
            key=lambda g: g.lines[0].action.number,
        ),
        "by_source": sorted(
            _group(parts, lambda p: p.line.funding_source_id, lambda p: p.line.funding_source.name),
            key=lambda g: g.label,
        ),
        "by_year": sorted(_group(parts, lambda p: p.line.year, lambda p: str(p.line.year)), key=lambda g: g.key),
    }


def filtered_lines(*, programme, year=None, funding_source=None, territory=None):
    lines = lines_of(programme)
    if year:
        lines = lines.filter(year=year)
    if funding_source:
        lines = lines.filter(funding_source=funding_source)
    if territory:
        lines = lines.filter(envelopes__territory=territory).distinct()
    return lines


def line_page(*, actor: Actor, line: BudgetLine) -> dict:
    """The line with its envelopes and their figures, its commitments with what was paid on each, its payments.
    An SDSEI manager reads every envelope's totals but the commitments of their own territories only."""
    parts = parts_of([line])
    figures = Figures()
    for part in parts:
        figures.add(part.figures)
    commitments = line.commitments.select_related("operator", "envelope__territory", "lot").prefetch_related(
        "payments"
    )
    manager_only = not access.may_edit_lines(actor, line.programme) and access.is_territory_manager(
        actor, line.programme
    )
    if manager_only and actor.territory_ids:
        commitments = commitments.filter(envelope__territory_id__in=actor.territory_ids)
    commitments = list(commitments)
    for commitment in commitments:
        commitment.paid = sum((p.amount_eur for p in commitment.payments.all()), ZERO)
        commitment.to_pay = commitment.amount_eur - commitment.paid
        commitment.may_pay = not line.is_closed and access.may_record_on(actor, line, commitment.envelope)
    envelopes = [part for part in parts if part.envelope]
    for part in envelopes:
        part.may_commit = not line.is_closed and access.may_record_on(actor, line, part.envelope)
    return {
        "figures": figures,
        "envelopes": envelopes,
        "commitments": commitments,
        "payments": [p for c in commitments for p in c.payments.all()],
        "may_edit": access.may_edit_lines(actor, line.programme) and not line.is_closed,
        "may_commit_line": not line.is_closed and not envelopes and access.may_edit_lines(actor, line.programme),
    }


def envelopes_managed(*, actor: Actor, programme) -> list[Part]:
    """The open envelopes of the manager's territories, with their figures (the manager's home)."""
    lines = lines_of(programme).open()
    parts = [
        p
        for p in parts_of(lines)
        if p.envelope and access.manages_territory(actor, programme, p.envelope.territory_id)
    ]
    return parts


def contracts_of(programme):
    return programme.contracts.annotate(lots_total=Sum("lots__amount_eur")).order_by("-starts_on", "title")


def contract_page(*, contract: Contract) -> dict:
    lots = list(
        contract.lots.select_related("territory", "holder").prefetch_related("co_contractors", "plateaux", "services")
    )
    committed = _sums(Commitment.objects.filter(lot__contract=contract), "lot_id")
    paid = _sums(Payment.objects.filter(commitment__lot__contract=contract), "commitment__lot_id")
    for lot in lots:
        lot.figures = Figures(lot.amount_eur, committed.get(lot.pk, ZERO), paid.get(lot.pk, ZERO))
        lot.commitments_list = list(lot.commitments.select_related("line__action", "envelope__territory"))
    return {"lots": lots}


def budget_export_rows(parts: list[Part]):
    yield [
        "Action",
        "Année",
        "Source",
        "Territoire",
        "Voté (€)",
        "Engagé (€)",
        "Mandaté (€)",
        "Taux d'engagement (%)",
        "Taux de mandatement (%)",
        "Clôturée",
    ]
    for part in parts:
        f = part.figures
        yield [
            part.line.action.code,
            part.line.year,
            part.line.funding_source.code,
            part.territory.name if part.envelope else UNSPLIT,
            f.voted,
            f.committed,
            f.paid,
            f.committed_rate,
            f.paid_rate,
            "oui" if part.line.is_closed else "non",
        ]
