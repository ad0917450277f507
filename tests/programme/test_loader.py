from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.observatory.models import IndicatorTarget
from jalon.organisations.models import Organisation
from jalon.programme.loader import programme_load
from jalon.programme.models import ActionSheet, PlannedAmount, Programme, Signatory
from tests.programme.factories import load_small_plan, plan_prerequisites, small_plan


pytestmark = pytest.mark.django_db


def test_the_plan_is_loaded_with_its_tree_partners_money_and_sources():
    result = load_small_plan()

    programme = result.programme
    assert result.created and result.counts == {"actions": 2, "steps": 2, "indicators": 2, "amounts": 2}
    assert [axis.code for axis in programme.axes.all()] == ["A", "C"]
    action = programme.actions.get(code="A.1")
    assert action.objective.code == "A-O1" and action.source == "Fiche action A.1"
    assert sorted(p.organisation.name for p in action.partners.filter(role="pilot")) == [
        "CAF des Landes",
        "Conseil départemental des Landes",
    ]
    assert [p.organisation.name for p in action.partners.filter(role="contributor")] == [
        "Association des maires des Landes"
    ]
    assert sum(a.amount_eur for a in PlannedAmount.objects.filter(action__programme=programme)) == Decimal("240000")
    assert [step.title for step in action.steps.all()] == ["Recueil par la CAF", "Bilan"]
    assert programme.actions.get(code="C.2").notes == ["numéro déduit de l'ordre des tableaux"]
    body = programme.bodies.get()
    assert sorted(o.name for o in body.chairs.all()) == ["Conseil départemental des Landes", "Préfecture des Landes"]
    assert AuditEvent.objects.filter(subject_id=str(programme.pk), code=1601).count() == 1


def test_the_plans_organisations_are_the_departements_own_when_jalon_knows_them():
    result = load_small_plan()

    keys = dict(Signatory.objects.filter(programme=result.programme).values_list("key", "organisation__name"))
    # « CAF » is the département's CAF and « Département des Landes » its Conseil départemental: no duplicates.
    assert keys["caf"] == "CAF des Landes" and keys["cd40"] == "Conseil départemental des Landes"
    assert Organisation.objects.filter(kind="caf").count() == 1
    prefecture = Organisation.objects.get(name="Préfecture des Landes")
    assert prefecture.kind == "etat"
    # Created through the organisations' service, with its audit event, as every organisation is.
    assert AuditEvent.objects.filter(code=AuditCode.ORGANISATION_CREATED, subject_id=str(prefecture.pk)).exists()
    assert Signatory.objects.get(programme=result.programme, key="aml").signed is False


def test_a_target_written_as_a_percentage_becomes_the_observatorys_target_as_a_share():
    load_small_plan()

    # L03 is a rate: 80 % is the share 0.8. L01 counts DSP: « 100 % » stays the plan's wording only.
    target = IndicatorTarget.objects.get()
    assert (target.indicator.code, target.year, target.value, target.territory) == ("L03", 2022, 0.8, None)
    written = ActionSheet.objects.get(code="A.1").indicators.get(indicator__code="L01").written_targets
    assert written[0]["text"] == "100 % des nouveaux entrants"


def test_loading_twice_leaves_the_living_plan_as_it_is():
    first = load_small_plan()
    ActionSheet.objects.filter(code="A.1").update(title="Titre modifié par le pilote")

    second = programme_load(data=small_plan())

    assert second.created is False and second.programme == first.programme
    assert ActionSheet.objects.get(code="A.1").title == "Titre modifié par le pilote"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["actions"][0].update(pilots=[]), "Action « A.1 » : aucun pilote."),
        (lambda d: d["actions"][0].update(pilots=["inconnu"]), "Action « A.1 » : organisation « inconnu » inconnue."),
        (
            lambda d: d["actions"][0]["steps"][0].update(start="2019-01-01"),
            "Action « A.1 » : l'étape « Recueil par la CAF » est hors de la période du programme.",
        ),
        (
            lambda d: d["actions"][0]["indicators"][0].update(code="ZZ9"),
            "Action « A.1 » : indicateur « ZZ9 » absent du catalogue.",
        ),
        (
            lambda d: d["actions"][1].update(objective="A-O1"),
            "Action « C.2 » : l'objectif « A-O1 » n'est pas un objectif de son axe.",
        ),
        (lambda d: d["actions"][1].update(code="A.1"), "Code en double parmi les actions : « A.1 »."),
        (lambda d: d["bodies"][0].update(frequency="weekly"), "Instance « copil » : fréquence « weekly » inconnue."),
    ],
)
def test_a_file_with_an_error_loads_nothing_and_says_why_in_french(change, message):
    plan_prerequisites()
    data = small_plan()
    change(data)

    with pytest.raises(ValidationError) as error:
        programme_load(data=data)

    assert message in error.value.messages
    assert not Programme.objects.exists() and not ActionSheet.objects.exists()


def test_a_direction_of_the_conseil_departemental_is_its_own_organisation_under_it():
    plan_prerequisites()
    data = small_plan()
    data["organisations"].append(
        {"key": "dsi", "name": "Direction des systèmes d'information", "kind": "cd", "signatory": False}
    )
    data["actions"][1]["contributors"] = ["dsi"]

    programme = programme_load(data=data).programme

    head = Organisation.objects.get(name="Conseil départemental des Landes")
    dsi = Signatory.objects.get(programme=programme, key="dsi").organisation
    assert dsi.name == "Direction des systèmes d'information" and dsi.parent == head
    assert Signatory.objects.get(programme=programme, key="cd40").organisation == head
