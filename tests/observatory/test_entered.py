"""Entered indicators: entering, the rules that refuse bad input (nothing half-saved), validation and publication
beside the computed values, the owners' setup."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.inbox.models import Notification
from jalon.observatory import selectors as observatory_selectors
from jalon.observatory.entered import selectors, services
from jalon.observatory.entered.enums import EntryAction, EntryStatus
from jalon.observatory.entered.models import EnteredValue, EntryEvent, EntrySetup
from jalon.observatory.enums import Dimension, PeriodKind, Source, TerritoryLevel, Unit
from jalon.observatory.models import Indicator, IndicatorValue
from jalon.observatory.periods import Period
from tests.observatory.entered_fixtures import TODAY, pdf


pytestmark = pytest.mark.django_db

T1_2026 = Period(PeriodKind.QUARTER, datetime.date(2026, 1, 1))
T4_2025 = Period(PeriodKind.QUARTER, datetime.date(2025, 10, 1))
YEAR_2025 = Period(PeriodKind.YEAR, datetime.date(2025, 1, 1))


def enter(actor, indicator, period=T1_2026, value=5200, *, submit=True, evidence="pdf", **options):
    options.setdefault("territory_level", TerritoryLevel.DEPARTEMENT)
    options.setdefault("territory_code", "40")
    return services.entered_value_save(
        actor=actor,
        indicator=indicator,
        period=period,
        value=value,
        evidence=pdf() if evidence == "pdf" else evidence,
        submit=submit,
        today=TODAY,
        **options,
    )


def nothing_written():
    entered = list(AuditEvent.objects.filter(code__in=[1302, 1303]))
    return EnteredValue.objects.count() == 0 and EntryEvent.objects.count() == 0 and not entered


def refused(call, field_message: str):
    with pytest.raises(ValidationError) as caught:
        call()
    assert any(field_message in message for message in caught.value.messages), caught.value.messages
    return caught.value


# -- entering and validating ---------------------------------------------------------------------------------------


def test_an_owner_enters_a_pilot_validates_and_the_value_is_published_beside_the_computed_ones(people, hours):
    entry = enter(people.actor("partner"), hours.indicator, comment="Extranet IAE")
    assert entry.status == EntryStatus.SUBMITTED
    assert entry.evidence.name.endswith(".pdf") and entry.evidence_name == "bilan.pdf"
    assert entry.entered_by == people.partner.user and entry.organisation == people.aci
    assert AuditEvent.objects.filter(code=AuditCode.ENTERED_VALUE_SUBMITTED, subject_id=str(entry.pk)).exists()
    assert not IndicatorValue.objects.filter(indicator=hours.indicator).exists()  # not before validation

    services.entered_value_validate(actor=people.actor("pilot"), entry=entry)

    entry.refresh_from_db()
    assert entry.status == EntryStatus.VALIDATED and entry.reviewed_by == people.pilot.user
    published = IndicatorValue.objects.get(indicator=hours.indicator)
    assert (published.territory_level, published.territory_code, published.period_start) == (
        TerritoryLevel.DEPARTEMENT,
        "40",
        T1_2026.start,
    )
    assert published.value == 5200 and published.run is None
    assert [e.action for e in entry.events.order_by("at", "pk")] == [EntryAction.SUBMITTED, EntryAction.VALIDATED]
    # The indicator's page reads it, through the same selector as the computed values.
    values = observatory_selectors.indicator_values(
        actor=people.actor("pilot"), indicator=hours.indicator, today=TODAY
    )
    assert [(row.label, row.value) for row in values.by_period] == [("T1 2026", "5200")]


def test_a_rate_is_entered_in_percent_and_published_as_a_share(people, landes, territories):
    ase = Indicator.objects.get(code="L48")
    assert ase.unit == Unit.RATE  # from the catalogue
    EntrySetup.objects.create(
        indicator=ase, departement=landes, period_kind=PeriodKind.YEAR, starts_on=datetime.date(2025, 1, 1)
    )
    analyst = people.actor("analyst")
    for territory, value in ((None, 62.5), (territories["dax"], 55)):
        entry = enter(
            analyst,
            ase,
            YEAR_2025,
            value,
            territory_level=TerritoryLevel.TERRITORY if territory else TerritoryLevel.DEPARTEMENT,
            territory_code=str(territory.pk) if territory else "40",
        )
        services.entered_value_validate(actor=people.actor("pilot"), entry=entry)
    whole = IndicatorValue.objects.get(indicator=ase, territory_level=TerritoryLevel.DEPARTEMENT)
    assert whole.value == pytest.approx(0.625) and whole.numerator == 62.5 and whole.denominator == 100
    values = observatory_selectors.indicator_values(actor=people.actor("pilot"), indicator=ase, today=TODAY)
    assert [(row.label, row.value) for row in values.by_period] == [("2025", "62,5 %")]
    assert [(row.label, row.value) for row in values.by_territory] == [("Territoire de Dax", "55,0 %")]


def test_a_draft_needs_no_evidence_and_is_completed_later(people, hours):
    draft = enter(people.actor("partner"), hours.indicator, submit=False, evidence=None)
    assert draft.status == EntryStatus.DRAFT and draft.submitted_at is None
    entry = enter(people.actor("aci_admin"), hours.indicator, value=5300, evidence_url="https://exemple.fr/bilan")
    assert entry.pk == draft.pk and entry.status == EntryStatus.SUBMITTED and entry.value == 5300
    assert entry.entered_by == people.aci_admin.user


def test_sent_back_with_its_reason_then_corrected(people, hours):
    entry = enter(people.actor("partner"), hours.indicator)
    refused(
        lambda: services.entered_value_send_back(actor=people.actor("pilot"), entry=entry, reason="  "),
        "motif du renvoi est obligatoire",
    )
    assert EnteredValue.objects.get().status == EntryStatus.SUBMITTED
    services.entered_value_send_back(actor=people.actor("pilot"), entry=entry, reason="Le T1 compte 3 mois, pas 2.")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SENT_BACK and entry.sent_back_reason == "Le T1 compte 3 mois, pas 2."
    notification = Notification.objects.get(recipient=people.partner.user)
    assert notification.organisation == people.aci and "L36" in notification.title
    corrected = enter(people.actor("partner"), hours.indicator, value=5900, evidence=None)
    assert corrected.pk == entry.pk and corrected.status == EntryStatus.SUBMITTED  # the first file still counts


def test_the_validator_is_a_pilot_who_did_not_enter_the_value(people, hours):
    own = enter(people.actor("pilot"), hours.indicator)
    refused(lambda: services.entered_value_validate(actor=people.actor("pilot"), entry=own), "un autre pilote")
    assert EnteredValue.objects.get().status == EntryStatus.SUBMITTED
    with pytest.raises(Http404):
        services.entered_value_validate(actor=people.actor("analyst"), entry=own)
    with pytest.raises(Http404):
        services.entered_value_validate(actor=people.actor("partner"), entry=own)
    services.entered_value_validate(actor=people.actor("other_pilot"), entry=own)
    assert IndicatorValue.objects.filter(indicator=hours.indicator).count() == 1


# -- bad input: refused in French, nothing half-saved ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "value", "message"),
    [
        (Unit.RATE, 100.5, "entre 0 et 100"),
        (Unit.RATE, -1, "entre 0 et 100"),
        (Unit.COUNT, -3, "ne peut pas être négative"),
        (Unit.COUNT, 12.5, "sans décimale"),
        (Unit.DAYS, -0.5, "ne peut pas être négative"),
        (Unit.HOURS, -2, "ne peut pas être négative"),
    ],
)
def test_a_value_outside_its_units_range_is_refused(people, hours, unit, value, message):
    Indicator.objects.filter(pk=hours.indicator_id).update(unit=unit)
    hours.indicator.refresh_from_db()
    refused(lambda: enter(people.actor("partner"), hours.indicator, value=value), message)
    assert nothing_written()


@pytest.mark.parametrize(("unit", "value"), [(Unit.RATE, 100), (Unit.RATE, 0), (Unit.DAYS, 2.5), (Unit.COUNT, 0)])
def test_values_at_the_edges_of_the_range_are_accepted(people, hours, unit, value):
    Indicator.objects.filter(pk=hours.indicator_id).update(unit=unit)
    hours.indicator.refresh_from_db()
    assert enter(people.actor("partner"), hours.indicator, value=value).value == value


def test_a_validated_period_is_closed(people, hours):
    entry = enter(people.actor("partner"), hours.indicator)
    refused(lambda: enter(people.actor("partner"), hours.indicator, value=1), "attend sa validation")
    services.entered_value_validate(actor=people.actor("pilot"), entry=entry)
    events = EntryEvent.objects.count()
    refused(lambda: enter(people.actor("partner"), hours.indicator, value=1), "cette période est close")
    refused(lambda: enter(people.actor("pilot"), hours.indicator, value=1, submit=False), "cette période est close")
    entry.refresh_from_db()
    assert entry.value == 5200 and EntryEvent.objects.count() == events
    assert IndicatorValue.objects.get(indicator=hours.indicator).value == 5200


def test_a_period_not_over_or_of_another_kind_is_refused(people, hours):
    current = Period(PeriodKind.QUARTER, datetime.date(2026, 4, 1))
    refused(lambda: enter(people.actor("partner"), hours.indicator, current), "n'est pas terminée")
    future = Period(PeriodKind.QUARTER, datetime.date(2027, 1, 1))
    refused(lambda: enter(people.actor("partner"), hours.indicator, future), "n'est pas terminée")
    month = Period(PeriodKind.MONTH, datetime.date(2026, 1, 1))
    refused(lambda: enter(people.actor("partner"), hours.indicator, month), "se saisit par trimestre")
    assert nothing_written()


def test_evidence_is_required_to_submit_when_the_setup_says_so(people, hours):
    refused(lambda: enter(people.actor("partner"), hours.indicator, evidence=None), "demande un justificatif")
    assert nothing_written()
    EntrySetup.objects.filter(pk=hours.pk).update(evidence_required=False)
    assert enter(people.actor("partner"), hours.indicator, evidence=None).status == EntryStatus.SUBMITTED


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bilan.exe", b"MZ\x90\x00", "n'est pas accepté"),
        ("bilan.pdf", b"<html>not a pdf</html>", "ne correspond pas"),
        ("bilan.csv", b"a;b\x00\x01", "ne correspond pas"),
    ],
)
def test_a_file_that_is_not_an_evidence_is_refused(people, hours, name, content, message):
    refused(
        lambda: enter(people.actor("partner"), hours.indicator, evidence=SimpleUploadedFile(name, content)), message
    )
    assert nothing_written()


def test_someone_who_does_not_own_the_indicator_finds_nothing(people, hours, landes):
    for name in ("caf", "admin"):
        with pytest.raises(Http404):
            enter(people.actor(name), hours.indicator)
    assert nothing_written()
    # Without an owner organisation, only the Département's pilots and analysts enter.
    EntrySetup.objects.filter(pk=hours.pk).update(owner=None)
    with pytest.raises(Http404):
        enter(people.actor("partner"), hours.indicator)
    assert enter(people.actor("analyst"), hours.indicator).status == EntryStatus.SUBMITTED


def test_a_territory_outside_the_departement_is_refused(people, hours):
    refused(lambda: enter(people.actor("partner"), hours.indicator, territory_code="64"), "ses territoires")
    refused(
        lambda: enter(
            people.actor("partner"), hours.indicator, territory_level=TerritoryLevel.TERRITORY, territory_code="999999"
        ),
        "ses territoires",
    )
    assert nothing_written()


def test_a_dimension_the_indicator_does_not_allow_is_refused(people, hours):
    refused(
        lambda: enter(people.actor("partner"), hours.indicator, dimension=Dimension.SEX, segment="F"),
        "ne se ventile pas par « sexe »",
    )
    assert nothing_written()
    Indicator.objects.filter(pk=hours.indicator_id).update(dimensions=[Dimension.SEX])
    hours.indicator.refresh_from_db()
    refused(
        lambda: enter(people.actor("partner"), hours.indicator, dimension=Dimension.SEX, segment="martiens"),
        "Choisissez un segment",
    )
    refused(
        lambda: enter(people.actor("partner"), hours.indicator, dimension=Dimension.AGE_BAND, segment="25_29"),
        "ne se ventile pas par « tranche d'âge »",
    )
    assert nothing_written()
    women = enter(people.actor("partner"), hours.indicator, dimension=Dimension.SEX, segment="F", value=2100)
    assert (women.dimension, women.segment) == (Dimension.SEX, "F")


def test_the_departement_setup_names_the_owner(people, hours, landes):
    services.entry_setup_save(
        actor=people.actor("admin"),
        indicator=hours.indicator,
        owner=None,
        period_kind=PeriodKind.QUARTER,
        deadline_days=45,
        reminder_days=10,
        evidence_required=False,
        starts_on=datetime.date(2025, 1, 1),
        today=TODAY,
    )
    hours.refresh_from_db()
    assert hours.owner is None and hours.deadline_days == 45
    assert AuditEvent.objects.filter(code=AuditCode.ENTRY_SETUP_SAVED).exists()
    for name in ("analyst", "partner", "aci_admin", "caf"):
        with pytest.raises(Http404):
            services.entry_setup_save(
                actor=people.actor(name),
                indicator=hours.indicator,
                owner=people.aci,
                period_kind=PeriodKind.QUARTER,
                deadline_days=30,
                reminder_days=7,
                evidence_required=True,
                starts_on=datetime.date(2025, 1, 1),
                today=TODAY,
            )
    hours.refresh_from_db()
    assert hours.owner is None


def test_the_period_kind_no_longer_changes_once_values_exist(people, hours):
    enter(people.actor("partner"), hours.indicator)
    refused(
        lambda: services.entry_setup_save(
            actor=people.actor("pilot"),
            indicator=hours.indicator,
            owner=people.aci,
            period_kind=PeriodKind.YEAR,
            deadline_days=30,
            reminder_days=7,
            evidence_required=True,
            starts_on=datetime.date(2025, 1, 1),
            today=TODAY,
        ),
        "ne peut plus changer",
    )
    hours.refresh_from_db()
    assert hours.period_kind == PeriodKind.QUARTER


def test_an_owner_of_another_departement_is_refused(people, hours):
    from tests.organisations.factories import OrganisationFactory
    from tests.territories.factories import DepartementFactory

    elsewhere = OrganisationFactory(departement=DepartementFactory(code="64", name="Pyrénées-Atlantiques"))
    refused(
        lambda: services.entry_setup_save(
            actor=people.actor("pilot"),
            indicator=hours.indicator,
            owner=elsewhere,
            period_kind=PeriodKind.QUARTER,
            deadline_days=30,
            reminder_days=7,
            evidence_required=True,
            starts_on=datetime.date(2025, 1, 1),
            today=TODAY,
        ),
        "structure active du département",
    )
    hours.refresh_from_db()
    assert hours.owner == people.aci


# -- what is due ---------------------------------------------------------------------------------------------------


def test_the_owners_list_puts_the_late_values_first(people, hours):
    # T4 2025 (deadline 30 January) and T1 2026 (deadline 30 April) are due; T4 is validated, T1 late.
    entry = enter(people.actor("partner"), hours.indicator, T4_2025)
    services.entered_value_validate(actor=people.actor("pilot"), entry=entry)
    rows = selectors.due_rows(actor=people.actor("partner"), today=TODAY)
    assert [(row.indicator.code, row.period.label, row.late, row.status_label) for row in rows] == [
        ("L36", "T1 2026", True, "à saisir"),
        ("L36", "T4 2025", False, "validée"),
    ]
    assert [
        row.period.label for row in selectors.due_rows(actor=people.actor("partner"), today=TODAY, status="validee")
    ] == ["T4 2025"]
    # The Département's pilot sees every entered indicator of the catalogue, the partner only its own.
    pilot_codes = {row.indicator.code for row in selectors.due_rows(actor=people.actor("pilot"), today=TODAY)}
    assert pilot_codes == set(
        Indicator.objects.filter(source__in=[Source.ENTERED, Source.PARTNER]).values_list("code", flat=True)
    )
    with pytest.raises(Http404):
        selectors.due_rows(actor=people.actor("caf"), today=TODAY)
