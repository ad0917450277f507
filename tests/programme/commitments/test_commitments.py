"""Commitments of the small plan's signatories (`factories.py`): the Département des Landes, the CAF and the État
signed; the Association des maires did not. Today is 15 March 2023, inside the 2021-2025 period."""

import datetime
import html
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.core.scoping import Actor
from jalon.organisations.models import Organisation
from jalon.programme.commitments import selectors
from jalon.programme.commitments.models import SignatoryCommitment, SignatoryCommitmentAccount
from jalon.programme.commitments.services import commitment_account_record, commitment_save
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.programme.factories import load_small_plan
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2023, 3, 15, 10, tzinfo=datetime.UTC)


@pytest.fixture
def plan():
    with time_machine.travel(NOW, tick=False):
        yield load_small_plan().programme


def _actor(membership):
    return Actor(user=membership.user, membership=membership, memberships=(membership,))


def _member(role, kind="cd", departement="40"):
    organisation = Organisation.objects.filter(kind=kind, departement_id=departement).first()
    return MembershipFactory(role=role, organisation=organisation)


def _org(plan, key):
    return plan.signatories.get(key=key).organisation


def _save(actor, plan, key="caf", code="A.1", year=2022, kind="etp", quantity="2", **extra):
    return commitment_save(
        actor=actor,
        programme=plan,
        organisation=_org(plan, key),
        action=plan.actions.get(code=code),
        year=year,
        kind=kind,
        quantity=Decimal(quantity),
        **extra,
    )


def test_the_pilot_records_a_commitment_and_its_account(plan):
    pilot = _actor(_member(Role.PROGRAMME_PILOT))
    commitment = _save(pilot, plan, kind="places", quantity="60", unit="CUI-PEC", text="60 CUI-PEC supplémentaires")

    account = commitment_account_record(actor=pilot, commitment=commitment, delivered=Decimal("47"), comment="Crise.")

    assert (commitment.unit, account.delivered, account.reported_on) == ("CUI-PEC", 47, datetime.date(2023, 3, 15))
    assert account.reported_by == pilot.user
    assert AuditEvent.objects.filter(code=AuditCode.COMMITMENT_SAVED).count() == 1
    assert AuditEvent.objects.filter(code=AuditCode.COMMITMENT_ACCOUNT_RECORDED).count() == 1
    # A staff commitment is counted in ETP when the signatory writes no unit.
    assert _save(pilot, plan, year=2023).unit == "ETP"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"key": "aml"}, "n'est pas signataire de ce programme"),
        ({"year": 2026}, "L'année doit être comprise entre 2021 et 2025."),
        ({"year": 2020}, "L'année doit être comprise entre 2021 et 2025."),
        ({"quantity": "-1"}, "La quantité engagée ne peut pas être négative."),
        ({"kind": "places"}, "Précisez l'unité"),
    ],
)
def test_a_bad_commitment_is_refused_in_french_and_nothing_is_written(plan, changes, message):
    pilot = _actor(_member(Role.PROGRAMME_PILOT))
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        _save(pilot, plan, **changes)

    assert message in " ".join(refused.value.messages)
    assert not SignatoryCommitment.objects.exists() and AuditEvent.objects.count() == events


def test_a_signatory_writes_its_own_commitments_only(plan):
    caf_admin = _actor(_member(Role.ADMINISTRATOR, kind="caf"))
    caf_referent = _actor(_member(Role.REFERENT, kind="caf"))

    own = _save(caf_admin, plan, key="caf")
    with pytest.raises(ValidationError, match="Vous ne pouvez pas saisir"):
        _save(caf_admin, plan, key="cd40")
    with pytest.raises(ValidationError, match="Vous ne pouvez pas saisir"):
        _save(caf_referent, plan, key="caf", year=2023)
    cd_commitment = _save(_actor(_member(Role.ADMINISTRATOR)), plan, key="cd40")
    with pytest.raises(ValidationError, match="Vous ne pouvez pas saisir"):
        commitment_account_record(actor=caf_admin, commitment=cd_commitment, delivered=Decimal(1))

    assert list(SignatoryCommitment.objects.order_by("pk")) == [own, cd_commitment]
    assert not SignatoryCommitmentAccount.objects.exists()


def test_the_same_commitment_twice_is_refused(plan):
    pilot = _actor(_member(Role.PROGRAMME_PILOT))
    _save(pilot, plan)
    with pytest.raises(ValidationError, match="a déjà un engagement de cette nature sur l'action A.1 en 2022"):
        _save(pilot, plan, quantity="3")
    assert SignatoryCommitment.objects.get().quantity == 2


@pytest.mark.parametrize(
    ("year", "delivered", "reported_on", "message"),
    [
        (2022, "-3", None, "La quantité réalisée ne peut pas être négative."),
        (2024, "3", None, "L'année 2024 n'a pas commencé"),
        (2022, "3", datetime.date(2023, 4, 1), "Le compte rendu ne peut pas être daté dans le futur."),
        (2022, "3", datetime.date(2021, 12, 31), "se date de 2022 ou après"),
    ],
)
def test_a_bad_account_is_refused_and_nothing_is_written(plan, year, delivered, reported_on, message):
    pilot = _actor(_member(Role.PROGRAMME_PILOT))
    commitment = _save(pilot, plan, year=year)
    with pytest.raises(ValidationError) as refused:
        commitment_account_record(
            actor=pilot, commitment=commitment, delivered=Decimal(delivered), reported_on=reported_on
        )
    assert message in " ".join(refused.value.messages)
    assert not SignatoryCommitmentAccount.objects.exists()


def test_the_matrix_adds_up_per_signatory_and_per_action(plan):
    """A hand-built case: the Département commits 2 ETP on A.1 and 1,5 ETP on C.2 in 2022, 50 000 € on A.1 in 2022;
    the CAF 10 places on A.1 in 2022; the État, named nowhere as partner, 3 ETP on C.2 in 2023."""
    pilot = _actor(_member(Role.PROGRAMME_PILOT))
    a1 = _save(pilot, plan, key="cd40", code="A.1", quantity="2")
    c2 = _save(pilot, plan, key="cd40", code="C.2", quantity="1.5")
    _save(pilot, plan, key="cd40", code="A.1", kind="euros", quantity="50000")
    _save(pilot, plan, key="caf", code="A.1", kind="places", quantity="10", unit="berceaux")
    _save(pilot, plan, key="etat", code="C.2", year=2023, quantity="3")
    commitment_account_record(actor=pilot, commitment=a1, delivered=Decimal("1.5"))
    commitment_account_record(actor=pilot, commitment=c2, delivered=Decimal("1"))

    cd = selectors.by_signatory(programme=plan, signatory_id=plan.signatories.get(key="cd40").pk)[0]
    totals = {(t["year"], t["unit"]): (t["committed"], t["delivered"], t["accounted"]) for t in cd.totals}
    assert totals == {
        (2022, "ETP"): (Decimal("3.5"), Decimal("2.5"), 2),
        (2022, "€"): (Decimal("50000"), Decimal("0"), 0),
    }
    assert [(line["action"].code, line["roles"]) for line in cd.lines] == [("A.1", ["pilote"]), ("C.2", ["pilote"])]
    assert (cd.pilot_count, cd.contributor_count) == (2, 0)
    # 2021..2025: the 2022 column of A.1 holds the ETP and the euros.
    assert [len(cell) for cell in cd.lines[0]["cells"]] == [0, 2, 0, 0, 0]

    c2_action = selectors.by_action(programme=plan, action_id=plan.actions.get(code="C.2").pk)[0]
    assert [(str(line["signatory"]), line["roles"]) for line in c2_action.lines] == [
        ("Conseil départemental des Landes", ["pilote"]),
        ("Préfecture des Landes", []),
    ]
    assert {(t["year"], t["unit"]): t["committed"] for t in c2_action.totals} == {
        (2022, "ETP"): Decimal("1.5"),
        (2023, "ETP"): Decimal("3"),
    }
    a1_action = selectors.by_action(programme=plan, action_id=plan.actions.get(code="A.1").pk)[0]
    # The Association des maires contributes to A.1 but did not sign: not a line of the matrix.
    assert [str(line["signatory"]) for line in a1_action.lines] == [
        "CAF des Landes",
        "Conseil départemental des Landes",
    ]
    # Filtered on 2023, only the État's commitment is left.
    assert [t["committed"] for t in selectors.by_action(programme=plan, year=2023)[1].totals] == [Decimal("3")]


def test_the_matrix_screens_and_exports(plan, login_as):
    pilot_membership = _member(Role.PROGRAMME_PILOT)
    _save(
        _actor(pilot_membership), plan, kind="places", quantity="60", unit="CUI-PEC", text="60 CUI-PEC supplémentaires"
    )
    reader = login_as(_member(Role.REFERENT, kind="caf"))

    with time_machine.travel(NOW, tick=False):
        page = reader.get(reverse("programme:commitments_by_signatory", args=[plan.code])).content.decode()
        per_action = reader.get(reverse("programme:commitments_by_action", args=[plan.code])).content.decode()
        export = reader.get(reverse("programme:commitments_by_action_csv", args=[plan.code])).getvalue().decode()
        fiche = reader.get(reverse("programme:action", args=[plan.code, plan.actions.get(code="A.1").pk]))

    assert "60 CUI-PEC" in page and "60 CUI-PEC supplémentaires" in html.unescape(page)
    assert "réalisé non renseigné" in page and "Saisir un engagement" not in page
    assert "Signataires et engagements de l'action A.1" in html.unescape(per_action)
    assert "CAF des Landes;1er cercle;A.1" in export and ";60.00;CUI-PEC;" in export
    assert "60 CUI-PEC supplémentaires" in html.unescape(fiche.content.decode())
    # A reader who is not an editor does not open the form.
    assert reader.get(reverse("programme:commitment_create", args=[plan.code])).status_code == 404


def test_the_caf_administrator_records_its_commitment_on_the_screen(plan, login_as):
    client = login_as(_member(Role.ADMINISTRATOR, kind="caf"))
    url = reverse("programme:commitment_create", args=[plan.code])
    caf, cd = _org(plan, "caf"), _org(plan, "cd40")
    action = plan.actions.get(code="A.1")

    with time_machine.travel(NOW, tick=False):
        form = client.get(url).content.decode()
        refused = client.post(
            url, {"organisation": cd.pk, "action": action.pk, "year": 2022, "kind": "etp", "quantity": "1"}
        )
        response = client.post(
            url, {"organisation": caf.pk, "action": action.pk, "year": 2022, "kind": "etp", "quantity": "1,5"}
        )

    # Its own organisation only is offered, and another one is refused.
    assert f'value="{caf.pk}"' in form and f'value="{cd.pk}"' not in form
    assert refused.status_code == 200 and not SignatoryCommitment.objects.filter(signatory__organisation=cd).exists()
    assert response.status_code == 302
    assert SignatoryCommitment.objects.get().quantity == Decimal("1.5")


def test_another_departement_finds_nothing(plan, login_as):
    other = OrganisationFactory(kind="cd", departement=DepartementFactory(code="64"))
    client = login_as(MembershipFactory(role=Role.PROGRAMME_PILOT, organisation=other))
    for name in ("commitments_by_signatory", "commitments_by_action", "commitment_create"):
        assert client.get(reverse(f"programme:{name}", args=[plan.code])).status_code == 404
