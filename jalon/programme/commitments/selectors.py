"""The commitment matrix, rebuilt from data: per signatory (its actions as pilot or contributor, its commitments and
what it delivered, year by year) and per action (its signatories and their commitments). The plan's readers read it;
the programme is fetched through `programme.selectors.programme_for`, so another Département's is a 404."""

from collections import defaultdict
from decimal import Decimal

from jalon.programme.commitments.models import SignatoryCommitment
from jalon.programme.enums import PartnerRole
from jalon.programme.models import ActionPartner, Programme


def _commitments(programme: Programme, year: int | None = None):
    commitments = SignatoryCommitment.objects.filter(signatory__programme=programme).select_related(
        "signatory__organisation", "action", "account", "account__reported_by"
    )
    return commitments.filter(year=year) if year else commitments


def _roles(programme: Programme) -> dict[tuple[int, int], list[str]]:
    """(organisation, action) -> the roles the plan gives it there (pilot before contributor)."""
    roles: dict[tuple[int, int], list[str]] = defaultdict(list)
    for organisation_id, action_id, role in (
        ActionPartner.objects.filter(action__programme=programme)
        .order_by("role")
        .values_list("organisation_id", "action_id", "role")
    ):
        roles[(organisation_id, action_id)].append(PartnerRole(role).label)
    return roles


def totals(commitments) -> list[dict]:
    """Sums of what was committed and delivered, by year and by kind and unit (ETP are not added to euros)."""
    sums: dict[tuple, dict] = {}
    for item in commitments:
        key = (item.year, item.kind, item.unit)
        line = sums.setdefault(
            key,
            {
                "year": item.year,
                "kind": item.get_kind_display(),
                "unit": item.unit,
                "committed": Decimal(0),
                "delivered": Decimal(0),
                "accounted": 0,
                "count": 0,
            },
        )
        line["committed"] += item.quantity
        line["count"] += 1
        if has_account(item):
            line["delivered"] += item.account.delivered
            line["accounted"] += 1
    return [sums[key] for key in sorted(sums)]


def has_account(commitment) -> bool:
    try:
        return commitment.account is not None
    except SignatoryCommitment.account.RelatedObjectDoesNotExist:
        return False


def _cells(commitments, years) -> list[list]:
    by_year = defaultdict(list)
    for item in commitments:
        item.has_account = has_account(item)
        by_year[item.year].append(item)
    return [by_year.get(year, []) for year in years]


def by_signatory(*, programme: Programme, signatory_id: int | None = None, year: int | None = None) -> list:
    """The signatories, each with `lines` (one per action it pilots, contributes to or commits on: its roles and its
    commitments by year) and `totals`."""
    years = [year] if year else programme.years
    signatories = programme.signatories.filter(signed=True).select_related("organisation")
    if signatory_id:
        signatories = signatories.filter(pk=signatory_id)
    roles = _roles(programme)
    commitments = defaultdict(list)
    for item in _commitments(programme, year):
        commitments[item.signatory_id].append(item)
    actions = {action.pk: action for action in programme.actions.all()}
    result = []
    for signatory in signatories:
        mine = commitments.get(signatory.pk, [])
        action_ids = {a for (o, a) in roles if o == signatory.organisation_id} | {c.action_id for c in mine}
        lines = []
        for action_id in sorted(action_ids, key=lambda pk: actions[pk].number):
            own = [c for c in mine if c.action_id == action_id]
            lines.append(
                {
                    "action": actions[action_id],
                    "roles": roles.get((signatory.organisation_id, action_id), []),
                    "cells": _cells(own, years),
                }
            )
        signatory.lines, signatory.totals = lines, totals(mine)
        signatory.pilot_count = sum(1 for line in lines if PartnerRole.PILOT.label in line["roles"])
        signatory.contributor_count = sum(1 for line in lines if PartnerRole.CONTRIBUTOR.label in line["roles"])
        result.append(signatory)
    return result


def by_action(*, programme: Programme, action_id: int | None = None, axis: str = "", year: int | None = None) -> list:
    """The actions, each with `lines` (one per signatory that pilots it, contributes to it or commits on it) and
    `totals`."""
    years = [year] if year else programme.years
    actions = programme.actions.select_related("axis")
    if action_id:
        actions = actions.filter(pk=action_id)
    if axis:
        actions = actions.filter(axis__code=axis)
    roles = _roles(programme)
    signatories = {
        s.organisation_id: s for s in programme.signatories.filter(signed=True).select_related("organisation")
    }
    commitments = defaultdict(list)
    for item in _commitments(programme, year):
        commitments[item.action_id].append(item)
    result = []
    for action in actions:
        own = commitments.get(action.pk, [])
        organisation_ids = {o for (o, a) in roles if a == action.pk and o in signatories}
        organisation_ids |= {c.signatory.organisation_id for c in own}
        lines = []
        for organisation_id in sorted(organisation_ids, key=lambda o: str(signatories[o].organisation)):
            signatory = signatories[organisation_id]
            lines.append(
                {
                    "signatory": signatory,
                    "roles": roles.get((organisation_id, action.pk), []),
                    "cells": _cells([c for c in own if c.signatory_id == signatory.pk], years),
                }
            )
        action.lines, action.totals = lines, totals(own)
        result.append(action)
    return result


HEADER = [
    "Signataire",
    "Cercle",
    "Action",
    "Intitulé de l'action",
    "Rôle",
    "Année",
    "Nature",
    "Quantité engagée",
    "Unité",
    "Engagement",
    "Quantité réalisée",
    "Commentaire",
    "Compte rendu le",
    "Compte rendu par",
]


def _export_line(signatory, action, roles, commitment):
    account = commitment.account if commitment is not None and has_account(commitment) else None
    return [
        str(signatory.organisation),
        signatory.get_circle_display() or "",
        action.code,
        action.title,
        ", ".join(roles),
        commitment.year if commitment else "",
        commitment.get_kind_display() if commitment else "",
        commitment.quantity if commitment else "",
        commitment.unit if commitment else "",
        commitment.text if commitment else "",
        account.delivered if account else "",
        account.comment if account else "",
        account.reported_on if account else "",
        account.reported_by.get_full_name() if account and account.reported_by else "",
    ]


def export_rows(*, programme: Programme, per: str, year: int | None = None):
    """The matrix as rows, one per commitment (and one per role without commitment), sorted by signatory or by
    action."""
    yield HEADER
    if per == "action":
        for action in by_action(programme=programme, year=year):
            for line in action.lines:
                items = [c for cell in line["cells"] for c in cell] or [None]
                for commitment in items:
                    yield _export_line(line["signatory"], action, line["roles"], commitment)
        return
    for signatory in by_signatory(programme=programme, year=year):
        for line in signatory.lines:
            items = [c for cell in line["cells"] for c in cell] or [None]
            for commitment in items:
                yield _export_line(signatory, line["action"], line["roles"], commitment)


def action_commitments(*, action) -> list:
    """The commitments on one action, for the block of its fiche page."""
    items = list(
        SignatoryCommitment.objects.filter(action=action)
        .select_related("signatory__organisation", "account")
        .order_by("year", "signatory__organisation__name", "kind")
    )
    for item in items:
        item.has_account = has_account(item)
    return items
