import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from jalon.core.enums import AuditCode, Role
from jalon.core.models import AuditEvent
from jalon.notebook.access import notebook_access, notes_visible_to
from jalon.notebook.models import Note, TeamMember
from jalon.notebook.team import services
from tests.conftest import actor_for
from tests.organisations.factories import MembershipFactory


pytestmark = pytest.mark.django_db


def test_a_partner_joins_the_team_only_after_the_persons_consent(carnet):
    notebook, referent, partner = carnet
    actor = actor_for(referent)
    with pytest.raises(ValidationError, match="n'a pas donné son accord au partage"):
        services.team_member_add(
            actor=actor, notebook=notebook, user=partner.user, organisation=partner.organisation, role="encadrant ACI"
        )
    assert not TeamMember.objects.exists()
    services.consent_record(actor=actor, notebook=notebook, organisation=partner.organisation)
    services.team_member_add(
        actor=actor, notebook=notebook, user=partner.user, organisation=partner.organisation, role="encadrant ACI"
    )
    assert notebook_access(actor=actor_for(partner), person_pk=notebook.person_id).through_consent
    assert AuditEvent.objects.filter(code=AuditCode.TEAM_MEMBER_ADDED, person_id=notebook.person_id).exists()


def test_a_colleague_of_the_referents_organisation_needs_no_consent(carnet):
    notebook, referent, _ = carnet
    colleague = MembershipFactory(role=Role.REFERENT, organisation=referent.organisation)
    member = services.team_member_add(
        actor=actor_for(referent),
        notebook=notebook,
        user=colleague.user,
        organisation=referent.organisation,
        role="conseillère emploi",
    )
    with pytest.raises(ValidationError, match="fait déjà partie de l'équipe"):
        services.team_member_add(
            actor=actor_for(referent),
            notebook=notebook,
            user=colleague.user,
            organisation=referent.organisation,
            role="x",
        )
    services.team_member_end(actor=actor_for(referent), member=member)
    with pytest.raises(ValidationError, match="ne fait déjà plus partie"):
        services.team_member_end(actor=actor_for(referent), member=member)


def test_someone_outside_the_organisation_named_is_refused(carnet):
    notebook, referent, partner = carnet
    with pytest.raises(ValidationError, match="n'est pas membre de"):
        services.team_member_add(
            actor=actor_for(referent),
            notebook=notebook,
            user=partner.user,
            organisation=referent.organisation,
            role="x",
        )


def test_revoking_the_consent_closes_the_carnet_to_that_organisation(carnet):
    notebook, referent, partner = carnet
    actor = actor_for(referent)
    consent = services.consent_record(actor=actor, notebook=notebook, organisation=partner.organisation)
    with pytest.raises(ValidationError, match="déjà donné son accord"):
        services.consent_record(actor=actor, notebook=notebook, organisation=partner.organisation)
    services.team_member_add(
        actor=actor, notebook=notebook, user=partner.user, organisation=partner.organisation, role="ACI"
    )
    services.consent_revoke(actor=actor, consent=consent)
    with pytest.raises(Http404):
        notebook_access(actor=actor_for(partner), person_pk=notebook.person_id)
    with pytest.raises(ValidationError, match="dans le futur"):
        services.consent_record(
            actor=actor,
            notebook=notebook,
            organisation=partner.organisation,
            given_on=timezone.localdate() + datetime.timedelta(days=2),
        )


def test_a_private_note_is_kept_from_the_partner_and_its_text_from_the_audit(carnet):
    notebook, referent, partner = carnet
    actor = actor_for(referent)
    services.note_add(actor=actor, notebook=notebook, visibility="privee", text="Violences conjugales signalées")
    shared = services.note_add(actor=actor, notebook=notebook, visibility="partagee", text="CV à jour")
    services.consent_record(actor=actor, notebook=notebook, organisation=partner.organisation)
    services.team_member_add(
        actor=actor, notebook=notebook, user=partner.user, organisation=partner.organisation, role="ACI"
    )
    assert list(notes_visible_to(actor=actor_for(partner), notebook=notebook)) == [shared]
    assert "Violences" not in str(list(AuditEvent.objects.values_list("data", flat=True)))
    with pytest.raises(ValidationError, match="La note est vide"):
        services.note_add(actor=actor, notebook=notebook, visibility="partagee", text="  ")
    assert Note.objects.count() == 2


def test_the_team_screen_records_a_consent_then_a_member_and_hides_private_notes_from_the_partner(
    carnet, login_as, django_assert_max_num_queries
):
    from django.urls import reverse

    notebook, referent, partner = carnet
    client = login_as(referent)
    url = reverse("notebook:team", args=[notebook.person_id])
    refused = client.post(
        url,
        {
            "form": "member",
            "member-organisation": partner.organisation.pk,
            "member-user": partner.user.pk,
            "member-role": "ACI",
        },
    )
    assert "n&#x27;a pas donné son accord au partage" in refused.content.decode()
    assert client.post(url, {"form": "consent", "consent-organisation": partner.organisation.pk}).status_code == 302
    assert (
        client.post(
            url,
            {
                "form": "member",
                "member-organisation": partner.organisation.pk,
                "member-user": partner.user.pk,
                "member-role": "ACI",
            },
        ).status_code
        == 302
    )
    client.post(url, {"form": "note", "note-visibility": "privee", "note-text": "Dette de loyer importante"})
    client.post(url, {"form": "note", "note-visibility": "partagee", "note-text": "Inscrite à l'atelier CV"})
    with django_assert_max_num_queries(25):
        page = client.get(url).content.decode()
    assert "Dette de loyer" in page and "privée à" in page
    partner_page = login_as(partner).get(url)
    assert partner_page.status_code == 200
    text = partner_page.content.decode()
    assert "Inscrite à l" in text and "Dette de loyer" not in text
    assert "avec l&#x27;accord de la personne" in text or "avec l'accord de la personne" in text
    # The partner may not manage the team.
    assert (
        login_as(partner).post(url, {"form": "consent", "consent-organisation": partner.organisation.pk}).status_code
        == 404
    )
