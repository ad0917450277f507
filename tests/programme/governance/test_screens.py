"""The governance screens as their users meet them, on the small plan (today 15 March 2023): the pilot records a
meeting and its decisions and sees them on the home; a manager reads; the owner organisation marks its decision
done; another Département finds nothing."""

import datetime
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jalon.core.enums import Role
from jalon.organisations.models import Organisation
from jalon.programme.governance import services
from jalon.programme.governance.models import Decision, Meeting, MeetingDocument
from tests.organisations.factories import MembershipFactory
from tests.programme.governance.conftest import actor_of, cd_member
from tests.territories.factories import DepartementFactory


pytestmark = pytest.mark.django_db


def _url(name, plan, **kwargs):
    return reverse(f"programme:{name}", kwargs={"code": plan.code, **kwargs})


def _text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def meeting(plan, pilot):
    return services.meeting_record(
        actor=actor_of(pilot),
        body=plan.bodies.get(code="copil"),
        held_on=datetime.date(2023, 3, 1),
        place="Mont-de-Marsan",
        agenda=[("Recueil DSP", plan.actions.get(code="A.1"))],
    )


def test_the_pilot_records_a_meeting_and_a_decision_and_sees_it_on_the_home(plan, pilot, login_as):
    client = login_as(pilot)
    copil = plan.bodies.get(code="copil")
    caf = Organisation.objects.get(name="CAF des Landes")
    action = plan.actions.get(code="A.1")

    assert "Comité de pilotage élargi" in _text(client.get(_url("governance_bodies", plan)))
    response = client.post(
        _url("governance_meeting_create", plan, body_pk=copil.pk),
        {
            "held_on": "2023-03-10",
            "place": "Mont-de-Marsan",
            "agenda_1_title": "Recueil DSP",
            "agenda_1_action": action.pk,
            f"attendance_{caf.pk}": "excused",
            "minutes": "Point d'étape.",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("governance_meeting", plan, pk=meeting.pk)

    response = client.post(
        _url("governance_decision_create", plan, pk=meeting.pk),
        {"text": "Relancer la CAF sur le recueil", "owner_organisation": caf.pk, "due_on": "2023-03-25"},
    )
    assert response.status_code == 302
    page = _text(client.get(_url("governance_meeting", plan, pk=meeting.pk)))
    assert "Recueil DSP — fiche A.1" in page and "CAF des Landes : excusée" in page
    assert "Relancer la CAF sur le recueil" in page and "25/03/2023" in page

    home = _text(client.get(reverse("workspace:home")))
    assert "Instances et décisions" in home
    assert "1 décision à échéance dans les 30 jours ou en retard" in home and "Relancer la CAF sur le recueil" in home
    # The fiche shows the meeting that put it on its agenda and the decision taken there.
    fiche = _text(client.get(reverse("programme:action", kwargs={"code": plan.code, "pk": action.pk})))
    assert "Comité de pilotage élargi du 10/03/2023 : Recueil DSP" in fiche and "Relancer la CAF" in fiche


def test_a_decision_without_owner_is_refused_on_the_screen(plan, pilot, meeting, login_as):
    page = _text(
        login_as(pilot).post(
            _url("governance_decision_create", plan, pk=meeting.pk), {"text": "Relancer", "due_on": "2023-04-01"}
        )
    )
    assert services.NO_OWNER in page
    assert not Decision.objects.exists()


def test_a_meeting_outside_the_period_is_refused_on_the_screen(plan, pilot, login_as):
    copil = plan.bodies.get(code="copil")
    page = _text(
        login_as(pilot).post(
            _url("governance_meeting_create", plan, body_pk=copil.pk),
            {"held_on": "2026-02-01", "remote": "on", "agenda_1_title": "Bilan"},
        )
    )
    assert "La réunion doit se tenir pendant la période du plan (01/01/2021 – 31/12/2025)." in page
    assert not Meeting.objects.exists()


def test_the_bodies_page_flags_a_late_body(plan, login_as):
    page = _text(login_as(cd_member(Role.TERRITORY_MANAGER)).get(_url("governance_bodies", plan)))
    assert "en retard" in page and "aucune réunion depuis le début du plan (se réunit une fois par an)" in page


def test_a_manager_reads_and_writes_nothing(plan, meeting, login_as):
    client = login_as(cd_member(Role.TERRITORY_MANAGER))
    assert client.get(_url("governance_meeting", plan, pk=meeting.pk)).status_code == 200
    assert "Ajouter une décision" not in _text(client.get(_url("governance_meeting", plan, pk=meeting.pk)))
    assert client.get(_url("governance_meeting_update", plan, pk=meeting.pk)).status_code == 404
    response = client.post(
        _url("governance_decision_create", plan, pk=meeting.pk), {"text": "x", "due_on": "2023-04-01"}
    )
    assert response.status_code == 404 and not Decision.objects.exists()


def test_another_departement_finds_nothing(plan, meeting, login_as):
    other = DepartementFactory(code="64", name="Pyrénées-Atlantiques")
    client = login_as(
        MembershipFactory(role=Role.PROGRAMME_PILOT, organisation__departement=other, organisation__kind="cd")
    )
    for url in (
        _url("governance_bodies", plan),
        _url("governance_meeting", plan, pk=meeting.pk),
        _url("governance_decisions", plan),
        _url("governance_meeting_create", plan, body_pk=meeting.body_id),
    ):
        assert client.get(url).status_code == 404, url


def test_the_owner_organisation_marks_done_from_the_follow_up_list(plan, pilot, meeting, login_as):
    caf = Organisation.objects.get(name="CAF des Landes")
    decision = services.decision_record(
        actor=actor_of(pilot),
        meeting=meeting,
        text="Transmettre les chiffres",
        owner_organisation=caf,
        due_on=datetime.date(2023, 3, 10),
    )
    caf_client = login_as(MembershipFactory(role=Role.REFERENT, organisation=caf))
    listing = _text(caf_client.get(_url("governance_decisions", plan), {"late": "on"}))
    assert "Transmettre les chiffres" in listing and "en retard" in listing and "Marquer réalisée" in listing

    response = caf_client.post(_url("governance_decision_done", plan, pk=decision.pk), {"follow_up": "Fait."})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == "done"
    assert "Transmettre" not in _text(caf_client.get(_url("governance_decisions", plan), {"status": "open"}))


def test_the_decisions_export_as_csv(plan, pilot, meeting, login_as):
    services.decision_record(
        actor=actor_of(pilot),
        meeting=meeting,
        text="Relancer",
        owner_user=pilot.user,
        due_on=datetime.date(2023, 3, 10),
    )
    response = login_as(cd_member(Role.ANALYST)).get(_url("governance_decisions_csv", plan))
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Instance;Réunion du;Décision;Porteur;Échéance;État;En retard")
    assert lines[1].startswith("Comité de pilotage élargi;2023-03-01;Relancer;") and ";à faire;oui;" in lines[1]


def test_a_document_is_uploaded_and_a_disguised_one_refused(plan, pilot, meeting, login_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login_as(pilot)
    url = _url("governance_document_add", plan, pk=meeting.pk)

    refused = client.post(
        url, {"kind": "support", "file": SimpleUploadedFile("support.pdf", b"MZ\x90\x00binary", "application/pdf")}
    )
    assert "Le contenu du fichier ne correspond pas à son extension (.pdf)." in _text(refused)
    assert not MeetingDocument.objects.exists()

    pdf = SimpleUploadedFile("compte-rendu.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    assert client.post(url, {"kind": "compte_rendu", "file": pdf}).status_code == 302
    document = MeetingDocument.objects.get()
    download = client.get(_url("governance_document", plan, pk=document.pk))
    assert b"".join(download.streaming_content).startswith(b"%PDF-1.4")
    assert "compte-rendu.pdf" in download["Content-Disposition"]


def test_a_partner_system_reads_the_decisions_and_their_lateness(plan, pilot, meeting, login_as):
    caf = Organisation.objects.get(name="CAF des Landes")
    services.decision_record(
        actor=actor_of(pilot),
        meeting=meeting,
        text="Généraliser le recueil DSP",
        owner_organisation=caf,
        due_on=datetime.date(2023, 3, 10),
    )
    url = reverse("api:programme_decisions", kwargs={"code": plan.code})

    decisions = login_as(cd_member(Role.TERRITORY_MANAGER)).get(url).json()

    assert [(d["body"], d["owners"], d["due_on"], d["status"], d["late"]) for d in decisions] == [
        ("Comité de pilotage élargi", "CAF des Landes", "2023-03-10", "open", True)
    ]
    outsider = MembershipFactory(role=Role.PROGRAMME_PILOT, organisation__departement=DepartementFactory(code="64"))
    assert login_as(outsider).get(url).status_code == 404
