"""The end of an IAE or PEC contract proposes the exit of the path (a CDI after an insertion contract, a job after a
PEC): the référent records it, prefilled from the measure, or says why the path goes on."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jalon.employment.enums import ExitSuggestion
from jalon.employment.models import MeasureExitDecision
from jalon.employment.services import measure_exit_dismiss, measure_exit_record
from jalon.exits.models import Exit
from jalon.offer.measures.models import Measure
from tests.employment.conftest import SIRET, TODAY


pytestmark = pytest.mark.django_db


def _measure(world, kind="pec", ends_on=datetime.date(2026, 11, 15), **fields):
    values = {"weekly_hours": 26, "employer_name": "Conserverie Lafitte", "employer_siret": SIRET, **fields}
    if kind == "iae":
        values["siae_kind"] = "aci"
    return Measure.objects.create(
        notebook=world.person.notebook,
        person=world.person,
        kind=kind,
        starts_on=datetime.date(2026, 2, 1),
        ends_on=ends_on,
        organisation=world.agency,
        **values,
    )


def test_the_end_of_a_pec_becomes_an_exit_to_its_employer(world):
    measure = _measure(world)
    exit = measure_exit_record(
        actor=world.actor,
        measure=measure,
        exit_type=world.type("cdi"),
        exited_on=datetime.date(2026, 11, 16),
        contract="cdi",
        employer_name="Conserverie Lafitte",
        employer_siret=SIRET,
        today=TODAY,
    )
    decision = MeasureExitDecision.objects.get(measure=measure)
    assert (decision.exit, decision.exit_suggestion) == (exit, ExitSuggestion.ACCEPTED)
    assert exit.person == world.person and exit.is_positive
    with pytest.raises(ValidationError, match="déjà été examinée"):
        measure_exit_dismiss(actor=world.actor, measure=measure, reason="encore", today=TODAY)


def test_the_path_may_go_on_after_an_iae_contract_and_only_ended_iae_or_pec_propose_an_exit(world):
    iae = _measure(world, kind="iae")
    decision = measure_exit_dismiss(
        actor=world.actor, measure=iae, reason="un second contrat d'insertion", today=TODAY
    )
    assert decision.exit_suggestion == ExitSuggestion.DISMISSED and not Exit.objects.exists()
    running = _measure(world, ends_on=datetime.date(2027, 3, 1))
    clause = _measure(world, kind="clause", hours_done=70, weekly_hours=None)
    for measure in (running, clause):
        with pytest.raises(ValidationError, match="terminés proposent une sortie"):
            measure_exit_dismiss(actor=world.actor, measure=measure, reason="x", today=TODAY)
    assert MeasureExitDecision.objects.count() == 1


def test_the_screens_list_the_ended_contract_and_record_the_exit_prefilled(world, client):
    measure = _measure(world, ends_on=datetime.date(2026, 11, 15))
    client.force_login(world.referent.user)
    person_page = client.get(reverse("employment:person", kwargs={"person_pk": world.person.pk})).content.decode()
    url = reverse("employment:measure_exit", kwargs={"pk": measure.pk})
    assert url in person_page and "sortie à examiner" in person_page
    form = client.get(url).content.decode()
    assert "À l&#x27;issue de la mesure parcours emploi compétences (PEC)" in form and 'value="2026-11-15"' in form
    assert not MeasureExitDecision.objects.exists()  # reading writes nothing
    done = client.post(
        url,
        {
            "record": "",
            "exit_type": world.type("cdi").pk,
            "exited_on": "2026-11-15",
            "contract": "cdi",
            "employer_name": "Conserverie Lafitte",
            "employer_siret": SIRET,
        },
    )
    assert done.status_code == 302
    assert MeasureExitDecision.objects.get().exit == Exit.objects.get()
    # Decided: the page is no longer offered, and someone who does not follow the person finds nothing.
    assert client.get(url).status_code == 404
    client.force_login(world.outsider.user)
    assert client.get(url).status_code == 404
