"""A contract ends early (with its reason), takes an avenant, is renewed: an overlapping old contract no longer
blocks a new CER, and every refusal writes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.notebook.enums import ContractEndReason, WorkStatus
from jalon.notebook.followup import services
from jalon.notebook.models import Contract, ContractAmendment, Objective
from tests.conftest import actor_for
from tests.notebook.followup.test_followup import _contract, _followed, frozen, world  # noqa: F401


pytestmark = pytest.mark.django_db
D = datetime.date


def _actor(built):
    return actor_for(built[2])


def test_ending_early_frees_the_dates_for_a_new_contract(world):  # noqa: F811
    notebook = _followed(world)
    old = _contract(world, notebook, D(2026, 9, 15), D(2027, 3, 14))
    # Today (20/11/2026) a new CER cannot start: the old one runs until March.
    with pytest.raises(ValidationError, match="chevauche"):
        _contract(world, notebook, D(2026, 11, 21))
    ended = services.contract_end(
        actor=_actor(world), contract=old, ended_on=D(2026, 11, 20), reason=ContractEndReason.REORIENTATION
    )
    assert (ended.ends_on, ended.planned_ends_on, ended.end_reason) == (
        D(2026, 11, 20),
        D(2027, 3, 14),
        ContractEndReason.REORIENTATION,
    )
    new = _contract(world, notebook, D(2026, 11, 21))
    assert new.starts_on == D(2026, 11, 21)
    event = AuditEvent.objects.get(code=AuditCode.CONTRACT_ENDED)
    assert event.person_id == notebook.person_id
    # An ended contract is not in the renewal list any more.
    assert not Contract.objects.filter(pk=old.pk).to_renew(D(2026, 11, 20)).exists()


def test_ending_refuses_bad_dates_and_a_second_end_and_writes_nothing(world):  # noqa: F811
    notebook = _followed(world)
    contract = _contract(world, notebook, D(2026, 9, 15), D(2027, 3, 14))
    actor = _actor(world)
    for day, message in (
        (D(2026, 12, 1), "dans le futur"),
        (D(2026, 9, 15), "commence le 15/09/2026"),
        (D(2026, 9, 1), "commence le 15/09/2026"),
    ):
        with pytest.raises(ValidationError, match=message):
            services.contract_end(actor=actor, contract=contract, ended_on=day, reason=ContractEndReason.OTHER)
    with pytest.raises(ValidationError, match="motif"):
        services.contract_end(actor=actor, contract=contract, ended_on=D(2026, 11, 1), reason="")
    contract.refresh_from_db()
    assert (contract.ends_on, contract.end_reason) == (D(2027, 3, 14), "")
    services.contract_end(actor=actor, contract=contract, ended_on=D(2026, 11, 1), reason=ContractEndReason.MOVED)
    with pytest.raises(ValidationError, match="déjà terminé depuis le 01/11/2026"):
        services.contract_end(actor=actor, contract=contract, ended_on=D(2026, 11, 2), reason=ContractEndReason.OTHER)
    assert AuditEvent.objects.filter(code=AuditCode.CONTRACT_ENDED).count() == 1


def test_an_amendment_keeps_the_before_and_after(world):  # noqa: F811
    notebook = _followed(world)
    first = Objective.objects.create(notebook=notebook, title="Permis B", status=WorkStatus.IN_PROGRESS)
    second = Objective.objects.create(notebook=notebook, title="Formation CACES", status=WorkStatus.PLANNED)
    contract = _contract(world, notebook, D(2026, 9, 15), D(2027, 3, 14), objectives=[first])
    actor = _actor(world)
    with pytest.raises(ValidationError, match="ne change ni"):
        services.contract_amend(actor=actor, contract=contract, ends_on=D(2027, 3, 14), objectives=[first], reason="x")
    with pytest.raises(ValidationError, match="objet de l'avenant"):
        services.contract_amend(actor=actor, contract=contract, ends_on=D(2027, 6, 14), objectives=[first], reason=" ")
    assert not ContractAmendment.objects.exists()
    amendment = services.contract_amend(
        actor=actor, contract=contract, ends_on=D(2027, 6, 14), objectives=[first, second], reason="Ajout du CACES"
    )
    contract.refresh_from_db()
    assert contract.ends_on == D(2027, 6, 14)
    assert set(contract.objectives.values_list("title", flat=True)) == {"Permis B", "Formation CACES"}
    assert (amendment.previous_ends_on, amendment.new_ends_on) == (D(2027, 3, 14), D(2027, 6, 14))
    assert (amendment.objectives_before, amendment.objectives_after) == (
        ["Permis B"],
        ["Formation CACES", "Permis B"],
    )


def test_an_amendment_cannot_run_into_the_next_contract(world):  # noqa: F811
    notebook = _followed(world)
    contract = _contract(world, notebook, D(2026, 9, 15), D(2027, 3, 14))
    _contract(world, notebook, D(2027, 3, 15), D(2027, 9, 14))
    with pytest.raises(ValidationError, match="chevaucherait"):
        services.contract_amend(
            actor=_actor(world), contract=contract, ends_on=D(2027, 4, 30), objectives=[], reason="prolongation"
        )
    contract.refresh_from_db()
    assert contract.ends_on == D(2027, 3, 14) and not ContractAmendment.objects.exists()


def test_renewal_starts_the_next_day_with_the_open_objectives_only(world):  # noqa: F811
    notebook = _followed(world)
    open_one = Objective.objects.create(notebook=notebook, title="Permis B", status=WorkStatus.IN_PROGRESS)
    done = Objective.objects.create(notebook=notebook, title="CV à jour", status=WorkStatus.DONE)
    contract = _contract(world, notebook, D(2026, 6, 1), D(2026, 11, 30), objectives=[open_one, done])
    notebook.refresh_from_db()
    renewal = services.contract_renew(actor=_actor(world), contract=contract, version=notebook.version)
    # A CER lasts 6 months: 01/12/2026 → 31/05/2027.
    assert (renewal.starts_on, renewal.ends_on, renewal.renews_id) == (D(2026, 12, 1), D(2027, 5, 31), contract.pk)
    assert list(renewal.objectives.values_list("title", flat=True)) == ["Permis B"]
    assert AuditEvent.objects.filter(code=AuditCode.CONTRACT_RENEWED, person_id=notebook.person_id).count() == 1
    with pytest.raises(ValidationError, match="déjà renouvelé"):
        services.contract_renew(actor=_actor(world), contract=contract)
    assert Contract.objects.count() == 2


def test_the_contracts_screen_ends_a_contract(world, login_as):  # noqa: F811
    notebook = _followed(world)
    contract = _contract(world, notebook, D(2026, 9, 15), D(2027, 3, 14))
    client = login_as(world[2])
    page = client.get(reverse("notebook:contracts", args=[notebook.person_id])).content.decode()
    for name in ("contract_end", "contract_amend", "contract_renew"):
        assert reverse(f"notebook:{name}", args=[notebook.person_id, contract.pk]) in page
    url = reverse("notebook:contract_end", args=[notebook.person_id, contract.pk])
    notebook.refresh_from_db()
    bad = client.post(url, {"version": notebook.version, "ended_on": "2026-11-10", "reason": ""})
    assert bad.status_code == 200 and "Ce champ est obligatoire" in bad.content.decode()
    response = client.post(url, {"version": notebook.version, "ended_on": "2026-11-10", "reason": "emploi"})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.ends_on == D(2026, 11, 10)
    page = client.get(reverse("notebook:contracts", args=[notebook.person_id])).content.decode()
    assert "terminé avant son terme (reprise d&#x27;emploi ou de formation), fin prévue le 14/03/2027" in page


def test_signing_closes_the_contract_delay_alert_in_the_same_transaction(world):  # noqa: F811
    from jalon.orientation.enums import DelayStep
    from jalon.orientation.models import DelayAlert

    notebook = _followed(world)
    contract = _contract(world, notebook, D(2026, 10, 1))
    alert = DelayAlert.objects.create(person=notebook.person, step=DelayStep.CONTRACT, due_on=D(2026, 11, 1))
    other = DelayAlert.objects.create(person=notebook.person, step=DelayStep.FIRST_APPOINTMENT, due_on=D(2026, 11, 1))
    notebook.refresh_from_db()
    services.contract_sign(
        actor=_actor(world), contract=contract, signed_on=D(2026, 11, 20), signed_by_person=True, version=None
    )
    alert.refresh_from_db()
    other.refresh_from_db()
    assert alert.closed_at is not None and alert.close_reason == "étape réalisée"
    # Another step's alert stays open: its step is not done.
    assert other.closed_at is None
