"""The administrator's screen of the orientation criteria: list, add, edit, move, deactivate, test."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.orientation.enums import CriterionCondition as C
from jalon.orientation.enums import OrientationType as T
from jalon.orientation.interviews import services
from jalon.orientation.models import Dispositif, OrientationCriterion
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory
from tests.orientation.interviews.conftest import criterion, person_in_household


pytestmark = pytest.mark.django_db

LIST = reverse("orientation:criteria")
CREATE = reverse("orientation:criterion_create")


def _data(**extra):
    return {
        "condition": C.OBSTACLE,
        "value": "mobilite",
        "proposed_type": T.SOCIO_PROFESSIONAL,
        "weight": 2,
        "reason": "la mobilité est à résoudre",
        **extra,
    }


def _order(departement):
    return list(
        OrientationCriterion.objects.filter(departement=departement)
        .order_by("position", "id")
        .values_list("reason", flat=True)
    )


def test_the_list_shows_the_departements_criteria_in_order(login_as, cd_admin, landes, pyrenees):
    criterion(landes, 2, C.AGE_UNDER, "26", T.SOCIO_PROFESSIONAL, reason="moins de 26 ans")
    criterion(landes, 1, C.OBSTACLE, "sante", reason="santé d'abord")
    criterion(landes, 3, C.SINGLE_PARENT, reason="parent seul", is_active=False)
    criterion(pyrenees, 1, C.OBSTACLE, "logement", reason="critère basque")
    page = login_as(cd_admin).get(LIST).content.decode()
    assert page.index("santé d&#x27;abord") < page.index("moins de 26 ans") < page.index("parent seul")
    assert "26 ans" in page and "inactif" in page
    assert "critère basque" not in page


@pytest.mark.parametrize(
    "who",
    ["referent", "officer", "association_admin"],
)
def test_only_the_departements_administrators_reach_the_criteria(login_as, landes, cd_referent, officer, who):
    membership = {
        "referent": cd_referent,
        "officer": officer,
        "association_admin": MembershipFactory(
            role=Role.ADMINISTRATOR, organisation__kind="association", organisation__departement=landes
        ),
    }[who]
    client = login_as(membership)
    item = criterion(landes, 1, C.OBSTACLE, "sante")
    assert client.get(LIST).status_code == 404
    assert client.get(reverse("orientation:criterion_edit", args=[item.pk])).status_code == 404
    assert client.post(CREATE, _data()).status_code == 404
    assert OrientationCriterion.objects.count() == 1


def test_another_departements_criterion_is_not_editable(login_as, cd_admin, pyrenees):
    theirs = criterion(pyrenees, 1, C.OBSTACLE, "sante", reason="à eux")
    client = login_as(cd_admin)
    assert client.get(reverse("orientation:criterion_edit", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("orientation:criterion_edit", args=[theirs.pk]), _data())
    assert response.status_code == 404
    for name in ("orientation:criterion_move", "orientation:criterion_toggle"):
        assert client.post(reverse(name, args=[theirs.pk]), {"direction": "up", "is_active": "0"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.reason == "à eux" and theirs.is_active


def test_adding_a_criterion_puts_it_last_and_is_audited(login_as, cd_admin, landes, social_dispositif):
    criterion(landes, 7, C.OBSTACLE, "sante", reason="santé")
    client = login_as(cd_admin)
    response = client.post(
        CREATE,
        _data(
            condition=C.OBSTACLE,
            value="Logement",  # the label is accepted and stored as its code
            proposed_type=T.SOCIAL,
            proposed_dispositif=social_dispositif.pk,
            reason="le logement d'abord",
        ),
    )
    added = OrientationCriterion.objects.get(reason="le logement d'abord")
    assert response.status_code == 302 and response["Location"] == f"{LIST}#critere-{added.pk}"
    assert (added.value, added.position, added.proposed_dispositif) == ("logement", 8, social_dispositif)
    event = AuditEvent.objects.get(code=AuditCode.CRITERIA_CHANGED, subject_id=str(added.pk))
    assert event.actor == cd_admin.user and event.data["new"]["value"] == "logement"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_data(value="sport"), "« sport » n&#x27;est pas un code connu pour « frein identifié (DSP ou diagnostic) »"),
        (
            _data(condition=C.AGE_UNDER, value="-1"),
            "La valeur doit être un nombre entier positif (ans, au plus 120).",
        ),
        (
            _data(condition=C.MONTHS_IN_RSA_AT_LEAST, value="4 ans"),
            "La valeur doit être un nombre entier positif (mois, au plus 600).",
        ),
        (_data(condition=C.EXPRESSED_NEED, value=" "), "Indiquez le mot-clé à chercher dans les besoins exprimés."),
        (_data(weight=0), "Assurez-vous que cette valeur est supérieure ou égale à 1."),
        (_data(reason=""), "Ce champ est obligatoire."),
    ],
)
def test_bad_criteria_are_refused_in_french_and_nothing_is_saved(login_as, cd_admin, data, message):
    response = login_as(cd_admin).post(CREATE, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not OrientationCriterion.objects.exists()
    assert not AuditEvent.objects.filter(code=AuditCode.CRITERIA_CHANGED).exists()


def test_a_dispositif_must_belong_to_the_departement_and_fit_the_type(login_as, cd_admin, landes, pyrenees):
    basque = Dispositif.objects.create(departement=pyrenees, name="Dispositif basque", orientation_type=T.SOCIAL)
    social = Dispositif.objects.create(departement=landes, name="Social landais", orientation_type=T.SOCIAL)
    actor = actor_for(cd_admin)
    with pytest.raises(ValidationError) as error:
        services.criterion_create(actor=actor, departement=landes, data=_data(proposed_dispositif=basque))
    assert error.value.message_dict == {"proposed_dispositif": ["Ce dispositif n'appartient pas à votre département."]}
    # On the screen, another département's dispositif is not even among the choices.
    response = login_as(cd_admin).post(CREATE, _data(proposed_dispositif=basque.pk))
    assert "Sélectionnez un choix valide" in response.content.decode()
    response = login_as(cd_admin).post(CREATE, _data(proposed_type=T.PROFESSIONAL, proposed_dispositif=social.pk))
    assert (
        "Le dispositif « Social landais » relève d&#x27;une orientation sociale, pas professionnelle."
        in response.content.decode()
    )
    assert not OrientationCriterion.objects.exists()


def test_editing_a_criterion_records_what_changed(login_as, cd_admin, landes):
    item = criterion(landes, 1, C.AGE_UNDER, "26", T.SOCIO_PROFESSIONAL, weight=3, reason="jeunes")
    client = login_as(cd_admin)
    url = reverse("orientation:criterion_edit", args=[item.pk])
    assert 'value="26"' in client.get(url).content.decode()
    client.post(
        url, _data(condition=C.AGE_UNDER, value="25", proposed_type=T.SOCIO_PROFESSIONAL, weight=3, reason="jeunes")
    )
    item.refresh_from_db()
    assert item.value == "25"
    event = AuditEvent.objects.get(code=AuditCode.CRITERIA_CHANGED, subject_id=str(item.pk))
    assert event.data == {"old": {"value": "26"}, "new": {"value": "25"}}
    refused = client.post(url, _data(condition=C.AGE_UNDER, value="vingt"))
    assert "nombre entier positif" in refused.content.decode()
    item.refresh_from_db()
    assert item.value == "25"


def test_moving_criteria_up_and_down(login_as, cd_admin, landes):
    first = criterion(landes, 1, C.OBSTACLE, "sante", reason="A")
    second = criterion(landes, 1, C.OBSTACLE, "logement", reason="B")  # same position: the id decides
    third = criterion(landes, 5, C.OBSTACLE, "mobilite", reason="C")
    client = login_as(cd_admin)
    client.post(reverse("orientation:criterion_move", args=[third.pk]), {"direction": "up"})
    assert _order(landes) == ["A", "C", "B"]
    client.post(reverse("orientation:criterion_move", args=[first.pk]), {"direction": "down"})
    assert _order(landes) == ["C", "A", "B"]
    assert list(OrientationCriterion.objects.order_by("position").values_list("position", flat=True)) == [1, 2, 3]
    response = client.post(reverse("orientation:criterion_move", args=[third.pk]), {"direction": "up"}, follow=True)
    assert "Ce critère est déjà le premier." in response.content.decode()
    assert _order(landes) == ["C", "A", "B"]
    assert second.pk and AuditEvent.objects.filter(code=AuditCode.CRITERIA_CHANGED).count() == 2


def test_a_deactivated_criterion_stays_listed_and_stops_counting(login_as, cd_admin, landes):
    item = criterion(landes, 1, C.OBSTACLE, "sante", reason="santé")
    client = login_as(cd_admin)
    client.post(reverse("orientation:criterion_toggle", args=[item.pk]), {"is_active": "0"})
    item.refresh_from_db()
    assert not item.is_active
    page = client.get(LIST, {"tester": "1", "obstacles": ["sante"]}).content.decode()
    assert "Réactiver" in page and "Pas de proposition" in page
    client.post(reverse("orientation:criterion_toggle", args=[item.pk]), {"is_active": "1"})
    item.refresh_from_db()
    assert item.is_active
    assert AuditEvent.objects.filter(code=AuditCode.CRITERIA_CHANGED, subject_id=str(item.pk)).count() == 2


def test_a_departement_without_criteria_gets_the_default_set(login_as, cd_admin, landes):
    client = login_as(cd_admin)
    assert "Créer les critères par défaut" in client.get(LIST).content.decode()
    client.post(reverse("orientation:criteria_defaults"))
    count = OrientationCriterion.objects.filter(departement=landes).count()
    assert count > 10
    event = AuditEvent.objects.get(code=AuditCode.CRITERIA_CHANGED)
    assert event.actor == cd_admin.user and event.data["default_criteria_created"] == count
    client.post(reverse("orientation:criteria_defaults"))
    assert OrientationCriterion.objects.filter(departement=landes).count() == count


def test_the_tester_shows_the_proposal_for_a_person_or_a_situation(login_as, cd_admin, landes, pyrenees):
    criterion(landes, 1, C.OBSTACLE, "sante", T.SOCIAL, weight=3, reason="santé d'abord")
    criterion(landes, 2, C.AGE_UNDER, "26", T.SOCIO_PROFESSIONAL, weight=1, reason="jeune")
    person = person_in_household(landes, dsp={"declared_obstacles": ["sante"]})
    client = login_as(cd_admin)
    page = client.get(LIST, {"tester": "1", "person": person.pk}).content.decode()
    assert "Orientation sociale" in page
    assert "santé d&#x27;abord (frein « santé » déclaré dans les DSP et retenu au diagnostic)" in page
    assert AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED, person_id=person.pk).exists()

    page = client.get(LIST, {"tester": "1", "age": "22"}).content.decode()
    assert "Orientation socio-professionnelle" in page and "jeune (22 ans)" in page

    elsewhere = person_in_household(pyrenees)
    for pk in (elsewhere.pk, 999999):
        page = client.get(LIST, {"tester": "1", "person": pk}).content.decode()
        assert f"Aucune personne n° {pk} dans votre périmètre." in page
        assert "Proposé car" not in page


def test_the_criteria_list_uses_a_constant_number_of_queries(login_as, cd_admin, landes, social_dispositif):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login_as(cd_admin)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST).status_code == 200
        return len(ctx.captured_queries)

    for position in range(3):
        criterion(landes, position, C.OBSTACLE, "sante", proposed_dispositif=social_dispositif)
    few = count()
    for position in range(30):
        criterion(landes, position, C.OBSTACLE, "logement", proposed_dispositif=social_dispositif)
    assert count() == few


def test_the_criteria_api_lists_the_departements_criteria(landes, pyrenees, officer, social_dispositif):
    from rest_framework.test import APIRequestFactory, force_authenticate

    from jalon.orientation.interviews.api import CriteriaApi

    criterion(landes, 2, C.OBSTACLE, "logement", reason="logement", proposed_dispositif=social_dispositif)
    criterion(landes, 1, C.OBSTACLE, "sante", reason="santé")
    criterion(pyrenees, 1, C.OBSTACLE, "sante", reason="ailleurs")
    request = APIRequestFactory().get("/api/v1/orientation/criteres/")
    force_authenticate(request, user=officer.user)
    request.actor = actor_for(officer)
    rows = CriteriaApi.as_view()(request).data["results"]
    assert [row["reason"] for row in rows] == ["santé", "logement"]
    assert rows[1]["proposed_dispositif"] == "Accompagnement social départemental"

    referent = MembershipFactory(role=Role.REFERENT, organisation=officer.organisation)
    request = APIRequestFactory().get("/api/v1/orientation/criteres/")
    force_authenticate(request, user=referent.user)
    request.actor = actor_for(referent)
    assert CriteriaApi.as_view()(request).status_code == 404
