"""One small département in which every screen and endpoint has something to show: a person followed on every path
(orientation, session, EPL, carnet, referral, measure, messages), a second one waiting in the queue and a duplicate.
Every person's last name begins with MARKER, so a page that shows a person can be told from one that does not."""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils import timezone

from jalon.core.enums import Role
from jalon.exits.models import ExitProposal, ExitType
from jalon.exits.services import exit_record, exit_typology_default_create
from jalon.intake.enums import ImportKind
from jalon.intake.models import DuplicateCandidate, ImportRun, RejectedRow, SocioProfessionalData
from jalon.messaging.enums import MessageChannel
from jalon.notebook.enums import ContactKind
from jalon.notebook.followup import services as followup
from jalon.notebook.models import (
    Action,
    Appointment,
    Consent,
    Contact,
    ContractType,
    Notebook,
    Objective,
    ProfessionalProject,
    TeamMember,
)
from jalon.offer.measures.models import Measure, MeasureKind
from jalon.offer.referrals import services as referrals
from jalon.orientation.enums import DelayStep, OrientationType, ReorientationStatus
from jalon.orientation.models import (
    DelayAlert,
    Dispositif,
    EplMeeting,
    Interview,
    Orientation,
    OrientationSession,
    ReferentAssignment,
    ReorientationRequest,
    SessionParticipant,
)
from tests.conftest import actor_for
from tests.messaging.factories import MessageFactory
from tests.offer.factories import ServiceFactory, StructureFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import HouseholdMemberFactory, PersonFactory, RsaRightFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, TerritoryFactory


MARKER = "Zorglub"
PARIS = ZoneInfo("Europe/Paris")
LINK_TOKEN = "jeton-du-lien-securise-de-test"


@dataclass
class World:
    members: dict  # role key -> membership
    person: object  # followed on every path
    waiting: object  # subject to rights and duties, not oriented yet
    other: object  # the duplicate of `person`
    exited: object = None  # left the path for a job: the follow-up in employment is about them
    pks: dict = field(default_factory=dict)  # object key -> pk, for URL arguments


def _subject(departement, commune, right_since=None, **person):
    member = HouseholdMemberFactory(
        person=PersonFactory(departement=departement, commune=commune, **person),
        household__departement=departement,
        household__commune=commune,
        subject_to_rights_and_duties=True,
    )
    since = right_since or datetime.date(2024, 3, 1)
    RsaRightFactory(household=member.household, request_date=since, opening_date=right_since)
    return member


def world_build() -> World:
    landes = DepartementFactory()
    commune = CommuneFactory(code="40192", name="Mont-de-Marsan", departement=landes, postal_codes=["40000"])
    territory = TerritoryFactory(departement=landes, name="Territoire de Mont-de-Marsan")
    territory.communes.set([commune])

    cd = OrganisationFactory(name="Département des Landes", kind="cd", departement=landes)
    agency = OrganisationFactory(name="France Travail — Mont-de-Marsan", kind="france_travail", departement=landes)
    association = OrganisationFactory(name="Mobilité 40", kind="association", departement=landes)
    members = {
        "admin": MembershipFactory(role=Role.ADMINISTRATOR, organisation=cd),
        "officer": MembershipFactory(role=Role.ORIENTATION_OFFICER, organisation=cd),
        "manager": MembershipFactory(role=Role.TERRITORY_MANAGER, organisation=cd),
        "analyst": MembershipFactory(role=Role.ANALYST, organisation=cd),
        "referent": MembershipFactory(role=Role.REFERENT, organisation=agency),
        "partner": MembershipFactory(role=Role.PARTNER, organisation=association),
    }
    officer, referent, partner = members["officer"], members["referent"], members["partner"]
    dispositif = Dispositif.objects.create(
        departement=landes, name="Accompagnement professionnel", orientation_type=OrientationType.PROFESSIONAL
    )
    dispositif.organisations.add(agency)

    followed = _subject(
        landes,
        commune,
        right_since=datetime.date(2018, 6, 1),  # in the RSA for years: on the long-term list
        last_name=MARKER,
        first_name="Ursule",
        nir="2840140192123",
        email="ursule@exemple.test",
        phone="0612345678",
    )
    person = followed.person
    waiting = _subject(landes, commune, last_name=f"{MARKER}-Attente", first_name="Zoé").person
    other = PersonFactory(departement=landes, commune=commune, last_name=MARKER, first_name="Ursula")

    orientation = Orientation.objects.create(
        person=person,
        orientation_type=OrientationType.PROFESSIONAL,
        dispositif=dispositif,
        organisation=agency,
        referent=referent.user,
        decided_on=datetime.date(2026, 1, 5),
    )
    ReferentAssignment.objects.create(
        person=person, referent=referent.user, organisation=agency, started_on=orientation.decided_on
    )
    SocioProfessionalData.objects.create(person=person, project="Devenir cariste.")

    # The carnet and its follow-up.
    notebook = Notebook.objects.create(person=person)
    followup.contract_types_default_create(departement=landes)
    contract = followup.contract_create(
        actor=actor_for(referent),
        notebook=notebook,
        version=None,
        contract_type=ContractType.objects.get(departement=landes, code="cer"),
        starts_on=datetime.date(2026, 9, 1),
        ends_on=None,
        organisation=agency,
    )
    project = ProfessionalProject.objects.create(notebook=notebook)
    objective = Objective.objects.create(notebook=notebook, title="Passer le permis B")
    action = Action.objects.create(objective=objective, title="S'inscrire à l'auto-école")
    now = timezone.now()
    appointment = Appointment.objects.create(
        notebook=notebook,
        starts_at=now + datetime.timedelta(days=3),
        ends_at=now + datetime.timedelta(days=3, hours=1),
        professional=referent.user,
        organisation=agency,
    )
    Contact.objects.create(notebook=notebook, kind=ContactKind.PHONE, summary="Point téléphonique.")
    consent = Consent.objects.create(notebook=notebook, organisation=association, recorded_by=referent.user)
    team_member = TeamMember.objects.create(
        notebook=notebook, user=partner.user, organisation=association, role="accompagnement mobilité"
    )

    # Orientation: a session with the person, an interview, an EPL with a request on its agenda, a delay alert.
    session = OrientationSession.objects.create(
        departement=landes,
        organisation=cd,
        territory=territory,
        starts_at=now + datetime.timedelta(days=7),
        ends_at=now + datetime.timedelta(days=7, hours=2),
        capacity=10,
        place="Maison départementale",
    )
    session.professionals.add(officer.user)
    participant = SessionParticipant.objects.create(session=session, person=person)
    Interview.objects.create(person=person, participant=participant, needs="Mobilité.")
    meeting = EplMeeting.objects.create(departement=landes, organisation=cd, held_at=now + datetime.timedelta(days=9))
    meeting.members.add(officer.user)
    request = ReorientationRequest.objects.create(
        person=person,
        from_orientation=orientation,
        reason="Santé.",
        status=ReorientationStatus.SCHEDULED,
        epl_meeting=meeting,
        scheduled_on=timezone.localdate(),
    )
    alert = DelayAlert.objects.create(
        person=waiting, step=DelayStep.ORIENTATION, due_on=datetime.date(2024, 5, 1), organisation=cd
    )

    # The offer: a referral to a structure with an account, one answered through the secure link, a measure.
    service = ServiceFactory(
        name="Atelier permis de conduire",
        structure=StructureFactory(name="Mobilité 40", organisation=association, email="contact@mobilite40.test"),
        eligibility_zone=["40"],
    )
    referral = referrals.referral_send(
        actor=actor_for(referent), notebook=notebook, version=None, service=service, consent_given=True
    )
    external = ServiceFactory(
        name="Épicerie solidaire",
        structure=StructureFactory(name="Épicerie du Marsan", email="epicerie@exemple.test"),
        eligibility_zone=["40192"],
        email="",
    )
    by_link = referrals.referral_send(
        actor=actor_for(referent), notebook=notebook, version=None, service=external, consent_given=True
    )
    by_link.link_token_hash = referrals.link_token_hash(LINK_TOKEN)
    by_link.save(update_fields=["link_token_hash"])
    Measure.objects.create(
        notebook=notebook,
        person=person,
        kind=MeasureKind.PMSMP,
        starts_on=datetime.date(2026, 9, 15),
        organisation=agency,
    )

    # Exits: another person of the référent's left the path for a job; the CAF closed `person`'s right.
    exit_typology_default_create(departement=landes)
    exited = PersonFactory(departement=landes, commune=commune, last_name=f"{MARKER}-Sortie", first_name="Inès")
    Orientation.objects.create(
        person=exited,
        orientation_type=OrientationType.PROFESSIONAL,
        organisation=agency,
        referent=referent.user,
        decided_on=timezone.localdate() - datetime.timedelta(days=200),
    )
    exit = exit_record(
        actor=actor_for(referent),
        person=exited,
        exit_type=ExitType.objects.get(departement=landes, code="cdi"),
        exited_on=timezone.localdate() - datetime.timedelta(days=10),
        employer_name="Conserverie des Landes",
    )
    proposal = ExitProposal.objects.create(person=person, closure_date=timezone.localdate())
    # Rights and duties: a suspension of `person` after a missed appointment, sent in a CAF/MSA file.
    from jalon.duties.models import CafExport, CafLine, Decision, Failure

    duty_failure = Failure.objects.create(
        person=person,
        departement=landes,
        duty="rendez_vous",
        occurred_on=timezone.localdate() - datetime.timedelta(days=20),
        recorded_by=referent.user,
        organisation=agency,
        evidence_text="Absente au rendez-vous.",
        rank="premier",
        state="suspendue",
        invited_on=timezone.localdate() - datetime.timedelta(days=19),
        answer_due_on=timezone.localdate() - datetime.timedelta(days=9),
    )
    duty_decision = Decision.objects.create(
        failure=duty_failure,
        nature="suspension",
        rate=30,
        months=1,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=30),
        household_size=1,
        reasons="Absence sans motif.",
    )
    caf_export = CafExport.objects.create(departement=landes)
    CafLine.objects.create(decision=duty_decision, nature="SUSPENSION", export=caf_export)

    # Job offers: the person positioned on one, hired on another; her trainings.
    from jalon.notebook.models import RomeAppellation, RomeCode
    from tests.employment.factories import employment_objects

    rome = RomeCode.objects.get_or_create(code="N1103", defaults={"label": "Magasinage et préparation de commandes"})[
        0
    ]
    appellation = RomeAppellation.objects.get_or_create(
        code="11111", defaults={"label": "Cariste", "normalized_label": "cariste", "rome": rome}
    )[0]
    employment = employment_objects(
        publisher=actor_for(members["admin"]),
        referent=actor_for(referent),
        person=person,
        commune=commune,
        appellation=appellation,
    )
    ProfessionalProject.objects.filter(pk=project.pk).update(appellation=appellation)
    # Employers: a directory employer where `person` has an immersion planned (the employer page names her).
    from jalon.employers.services import employer_create, immersion_create

    employer = employer_create(
        actor=actor_for(referent),
        siret="73282932000074",
        name="Conserverie des Landes",
        naf_code="10.39B",
        commune=commune,
    )
    immersion = immersion_create(
        actor=actor_for(referent),
        person=person,
        employer=employer,
        starts_on=timezone.localdate() + datetime.timedelta(days=30),
        ends_on=timezone.localdate() + datetime.timedelta(days=34),
        objectives=["discover"],
        job_title="Agent de conditionnement",
    )

    # A Département référent leaving: the manager of the Département hands her one person over (portfolio transfer).
    members["cd_referent"] = MembershipFactory(role=Role.REFERENT, organisation=cd)
    handed = PersonFactory(departement=landes, commune=commune, last_name=MARKER, first_name="Ulrich")
    ReferentAssignment.objects.create(
        person=handed, referent=members["cd_referent"].user, organisation=cd, started_on=datetime.date(2026, 2, 2)
    )

    # Oriented to the social path under the plein-emploi law: her joint diagnostic with France Travail is due.
    social = PersonFactory(departement=landes, commune=commune, last_name=MARKER, first_name="Sidonie")
    Orientation.objects.create(
        person=social,
        orientation_type=OrientationType.SOCIAL,
        organisation=cd,
        referent=officer.user,
        decided_on=datetime.date(2026, 3, 2),
    )

    letter = MessageFactory(person=person, channel=MessageChannel.LETTER, recipient="12 rue des Arènes")
    duplicate = DuplicateCandidate.objects.create(person=person, other=other, score=90)
    run = ImportRun.objects.create(kind=ImportKind.CAF_FLUX, departement=landes, file_name="flux.xml")
    RejectedRow.objects.create(run=run, line=3, identifier="1234567", reason=f"{MARKER} Ursule : date invalide.")

    participation = _participation_add(landes, actor_for(members["admin"]), person, meeting)

    return World(
        members=members,
        person=person,
        waiting=waiting,
        other=other,
        exited=exited,
        pks={
            "exit": exit.pk,
            **{name: obj.pk for name, obj in employment.items()},
            "proposal": proposal.pk,
            "duty_failure": duty_failure.pk,
            "caf_export": caf_export.pk,
            "employer": employer.pk,
            "immersion": immersion.pk,
            "person": person.pk,
            "social": social.pk,
            "household": followed.household_id,
            "contract": contract.pk,
            "project": project.pk,
            "objective": objective.pk,
            "action": action.pk,
            "appointment": appointment.pk,
            "consent": consent.pk,
            "team_member": team_member.pk,
            "session": session.pk,
            "participant": participant.pk,
            "meeting": meeting.pk,
            "request": request.pk,
            "alert": alert.pk,
            "referral": referral.pk,
            "letter": letter.pk,
            "duplicate": duplicate.pk,
            "run": run.pk,
            "territory": territory.pk,
            "organisation": cd.pk,
            "membership": members["referent"].pk,
            "cd_referent": members["cd_referent"].user_id,
            **participation,
        },
    )


def _participation_add(departement, actor, person, epl_meeting) -> dict:
    """The followed person sits in an SDSEI's comité d'usagers (present at its last meeting) and at the EPL."""
    from jalon.participation import services

    sdsei = OrganisationFactory(name="SDSEI de Mont-de-Marsan", kind="sdsei", departement=departement)
    today, now = timezone.localdate(), timezone.now()
    term = {
        "consent_on": today - datetime.timedelta(days=100),
        "consent_channel": "ecrit",
        "starts_on": today - datetime.timedelta(days=90),
        "ends_on": today + datetime.timedelta(days=300),
        "today": today,
    }
    committee = services.body_create(actor=actor, kind="comite_usagers", organisation=sdsei, name="Comité d'usagers")
    member = services.member_add(actor=actor, body=committee, person=person, seat="titulaire", **term)
    held = services.meeting_save(
        actor=actor,
        body=committee,
        held_at=now - datetime.timedelta(days=30),
        place="SDSEI",
        agenda="Accueil",
        now=now,
    )
    services.attendance_record(actor=actor, meeting=held, statuses={member.pk: "present"}, now=now)
    epl = services.body_create(actor=actor, kind="epl", organisation=actor.organisation, name="EPL")
    services.member_add(actor=actor, body=epl, person=person, seat="titulaire", **term)
    return {
        "committee": committee.pk,
        "committee_member": member.pk,
        "committee_meeting": held.pk,
        "epl_seats": epl.pk,
        "epl_meeting": epl_meeting.pk,
    }


def waiting_add(world: World, count: int) -> list:
    """`count` more people waiting in the queue, requested the same day as `world.waiting` (so after it)."""
    return [
        _subject(
            world.waiting.departement, world.waiting.commune, last_name=f"{MARKER}-File", first_name=f"N{index}"
        ).person
        for index in range(count)
    ]
