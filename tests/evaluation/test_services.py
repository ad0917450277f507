"""The evaluation's writes: what they refuse (in French, nothing written) and what they keep (versions, history,
audit)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.evaluation import services
from jalon.evaluation.enums import EvaluationTime, Register
from jalon.evaluation.models import (
    EvaluationFramework,
    EvaluationReport,
    Finding,
    ScheduledEvaluation,
    SheetEvaluation,
)
from jalon.organisations.models import Organisation
from tests.evaluation.factories import TODAY, actor_of, pa_with_demo
from tests.organisations.factories import MembershipFactory, OrganisationFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def pa(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(TODAY, tick=False):
        programme, pilot, analyst = pa_with_demo()
        yield programme, actor_of(pilot), analyst


def test_the_demo_gives_every_fiche_its_framework_and_uses_the_six_registers(pa):
    programme, _pilot, _analyst = pa
    framework = programme.evaluation_framework

    assert SheetEvaluation.objects.filter(framework=framework).count() == 9
    assert set(framework.questions.values_list("register", flat=True)) == set(Register.values)
    assert all(framework.questions.filter(action__number=n).exists() for n in range(1, 10))


def test_a_report_for_a_fiche_without_a_framework_is_refused_in_french(pa):
    programme, pilot, _analyst = pa
    fiche = programme.actions.get(code="Fiche 3")
    SheetEvaluation.objects.filter(action=fiche).delete()

    with pytest.raises(ValidationError) as refused:
        services.report_generate(
            actor=pilot, framework=programme.evaluation_framework, action=fiche, time=EvaluationTime.IN_ITINERE
        )

    assert "La fiche action « Fiche 3 » n'a pas de cadre d'évaluation" in refused.value.messages[0]
    assert not EvaluationReport.objects.exists()
    assert not AuditEvent.objects.filter(code=AuditCode.EVALUATION_REPORT_GENERATED).exists()


def test_each_generation_is_a_new_version_kept_with_who_and_when(pa):
    programme, pilot, _analyst = pa
    fiche = programme.actions.get(code="Fiche 1")
    framework = programme.evaluation_framework

    first = services.report_generate(actor=pilot, framework=framework, action=fiche, time=EvaluationTime.IN_ITINERE)
    second = services.report_generate(actor=pilot, framework=framework, action=fiche, time=EvaluationTime.IN_ITINERE)
    ex_post = services.report_generate(actor=pilot, framework=framework, action=fiche, time=EvaluationTime.EX_POST)
    plan = services.report_generate(actor=pilot, framework=framework, time=EvaluationTime.IN_ITINERE)

    assert (first.version, second.version, ex_post.version, plan.version) == (1, 2, 1, 1)
    assert first.generated_by == pilot.user and first.pdf.name != second.pdf.name
    with first.pdf.open("rb") as stored:  # the older version stays downloadable
        assert stored.read().startswith(b"%PDF")
    assert AuditEvent.objects.filter(code=AuditCode.EVALUATION_REPORT_GENERATED).count() == 4


def test_an_in_itinere_evaluation_after_the_plan_is_refused(pa):
    programme, pilot, _analyst = pa
    sheet = SheetEvaluation.objects.get(action__code="Fiche 2")
    before = ScheduledEvaluation.objects.count()

    with pytest.raises(ValidationError) as refused:
        services.evaluation_schedule(
            actor=pilot, sheet=sheet, time=EvaluationTime.IN_ITINERE, due_on=date(2029, 1, 15)
        )

    assert "avant la fin du plan (31/12/2028)" in refused.value.messages[0]
    assert ScheduledEvaluation.objects.count() == before


def test_the_fiche_framework_needs_impacts_and_an_organisation_of_the_plan(pa):
    programme, pilot, _analyst = pa
    fiche = programme.actions.get(code="Fiche 5")
    sheet = SheetEvaluation.objects.get(action=fiche)
    stranger = OrganisationFactory(name="Association hors du plan", kind="association", departement_id="64")

    with pytest.raises(ValidationError) as no_impact:
        services.sheet_set(actor=pilot, action=fiche, impacts="\n \n", owner_organisation=sheet.owner_organisation)
    with pytest.raises(ValidationError) as outsider:
        services.sheet_set(actor=pilot, action=fiche, impacts="Un impact", owner_organisation=stranger)

    assert "au moins un impact attendu" in no_impact.value.messages[0]
    assert "organisation nommée par le plan" in outsider.value.messages[0]
    sheet.refresh_from_db()
    assert sheet.version == 1 and sheet.impacts[0].startswith("Les professionnels")


def test_a_person_responsible_must_belong_to_the_responsible_organisation(pa):
    programme, pilot, _analyst = pa
    caf = Organisation.objects.get(name="CAF", departement_id="64")
    fiche = programme.actions.get(code="Fiche 6")

    with pytest.raises(ValidationError) as refused:
        services.sheet_set(
            actor=pilot, action=fiche, impacts="Un impact", owner_organisation=caf, owner_user=pilot.user
        )

    assert "n'est pas membre de CAF" in refused.value.messages[0]


def test_a_framework_edited_meanwhile_is_not_overwritten(pa):
    programme, pilot, _analyst = pa
    fiche = programme.actions.get(code="Fiche 7")
    sheet = SheetEvaluation.objects.get(action=fiche)
    services.sheet_set(
        actor=pilot, action=fiche, impacts="Nouvel impact", owner_organisation=sheet.owner_organisation, version=1
    )

    with pytest.raises(ValidationError) as refused:
        services.sheet_set(
            actor=pilot, action=fiche, impacts="Autre", owner_organisation=sheet.owner_organisation, version=1
        )

    assert "modifié par quelqu'un d'autre" in refused.value.messages[0]
    assert SheetEvaluation.objects.get(action=fiche).impacts == ["Nouvel impact"]


def test_a_finding_keeps_its_history_and_cannot_be_dated_in_the_future(pa):
    programme, pilot, _analyst = pa
    finding = Finding.objects.filter(question__framework__programme=programme).order_by("pk").first()
    old_text = finding.text

    with pytest.raises(ValidationError) as future:
        services.finding_record(
            actor=pilot, question=finding.question, text="Demain", observed_on=TODAY + timedelta(days=1)
        )
    services.finding_update(actor=pilot, finding=finding, text="Constat revu", observed_on=finding.observed_on)

    assert "dans le futur" in future.value.messages[0]
    assert [h.text for h in finding.history.order_by("history_date")] == [old_text, "Constat revu"]
    assert AuditEvent.objects.filter(code=AuditCode.EVALUATION_FINDING_UPDATED).count() == 1


def test_a_partner_organisations_administrator_is_not_the_departement(pa):
    programme, _pilot, _analyst = pa
    caf = Organisation.objects.get(name="CAF", departement_id="64")
    caf_admin = actor_of(MembershipFactory(role=Role.ADMINISTRATOR, organisation=caf))

    with pytest.raises(ValidationError):
        services.question_add(
            actor=caf_admin, framework=programme.evaluation_framework, text="Une question", register="impact"
        )


def test_a_plan_without_referentiel_can_have_one_opened_once(pa):
    programme, pilot, _analyst = pa
    EvaluationFramework.objects.filter(programme=programme).delete()

    framework = services.framework_open(actor=pilot, programme=programme)
    with pytest.raises(ValidationError):
        services.framework_open(actor=pilot, programme=programme)

    assert not framework.from_document and [r["code"] for r in framework.registers] == list(Register.values)
    assert EvaluationFramework.objects.filter(programme=programme).count() == 1


def test_the_demo_writes_nothing_twice(pa):
    from jalon.evaluation import demo
    from jalon.evaluation.models import EvaluationQuestion, WorkItem

    programme, pilot, analyst = pa
    counts = (EvaluationQuestion.objects.count(), WorkItem.objects.count(), Finding.objects.count())

    assert not demo.build_for(programme=programme, actor=pilot, analyst=analyst.user, today=TODAY)
    assert (EvaluationQuestion.objects.count(), WorkItem.objects.count(), Finding.objects.count()) == counts


def test_a_scheduled_evaluation_is_marked_done_once_and_not_in_the_future(pa):
    programme, pilot, _analyst = pa
    entry = ScheduledEvaluation.objects.filter(sheet__action__code="Fiche 1", time=EvaluationTime.IN_ITINERE).get()

    with pytest.raises(ValidationError) as future:
        services.evaluation_done(actor=pilot, entry=entry, done_on=TODAY + timedelta(days=1))
    services.evaluation_done(actor=pilot, entry=entry, done_on=TODAY)
    with pytest.raises(ValidationError) as twice:
        services.evaluation_done(actor=pilot, entry=entry, done_on=TODAY)

    assert (
        "date passée" in future.value.messages[0] and "déjà marquée réalisée le 05/12/2026" in twice.value.messages[0]
    )
    assert AuditEvent.objects.filter(code=AuditCode.EVALUATION_DONE).count() == 1


def test_the_calendar_flags_what_is_late_and_the_home_lists_what_is_to_do(pa):
    from jalon.evaluation import selectors

    programme, _pilot, _analyst = pa
    entries = selectors.calendar_entries(programme=programme, today=TODAY, pending_only=True)

    # The demo dated one work item ten days ago, still in progress: late, listed first.
    assert entries[0].late and entries[0].day == TODAY - timedelta(days=10)
    assert "en retard" in entries[0].state
    assert not any(e.state.startswith("fait") for e in entries)  # done work is not to do
