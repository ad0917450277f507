"""A small Landes world for the surveys: the Département's pilot, a territory, a cellule d'orientation held last
month with the people present, and a questionnaire of three questions (a satisfaction scale, a conditional
multiple choice, a free text)."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.scoping import Actor
from jalon.orientation.enums import Attendance, SessionKind
from jalon.orientation.models import OrientationSession, SessionParticipant
from jalon.surveys import services
from jalon.surveys.enums import Population, QuestionKind
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.people.factories import PersonFactory
from tests.territories.factories import DepartementFactory, TerritoryFactory


TODAY = datetime.date(2026, 12, 5)
LAST_MONTH = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
SCALE = ["Pas du tout satisfait", "Peu satisfait", "Satisfait", "Très satisfait"]


def actor_of(membership) -> Actor:
    return Actor(user=membership.user, membership=membership, memberships=(membership,))


@dataclass
class SurveyWorld:
    pilot: object
    referent: object
    partner_admin: object
    other_pilot: object
    territory: object
    persons: list = field(default_factory=list)

    @property
    def actor(self) -> Actor:
        return actor_of(self.pilot)


def cell(departement, organisation, territory, persons, *, day=datetime.date(2026, 11, 12), present=True):
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    session = OrientationSession.objects.create(
        departement=departement,
        organisation=organisation,
        territory=territory,
        kind=SessionKind.CELL,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        capacity=max(len(persons), 1),
    )
    for person in persons:
        SessionParticipant.objects.create(
            session=session, person=person, attendance=Attendance.PRESENT if present else Attendance.ABSENT
        )
    return session


def build_world(*, present: int = 6) -> SurveyWorld:
    landes = DepartementFactory(code="40", name="Landes")
    cd = OrganisationFactory(departement=landes, kind="cd", name="Conseil départemental des Landes")
    pilot = MembershipFactory(organisation=cd, role=Role.PROGRAMME_PILOT)
    referent = MembershipFactory(organisation=cd, role=Role.REFERENT)
    partner = OrganisationFactory(departement=landes, kind="association", name="Association partenaire")
    partner_admin = MembershipFactory(organisation=partner, role=Role.ADMINISTRATOR)
    pa = DepartementFactory(code="64", name="Pyrénées-Atlantiques")
    other_cd = OrganisationFactory(departement=pa, kind="cd", name="Conseil départemental 64")
    other_pilot = MembershipFactory(organisation=other_cd, role=Role.PROGRAMME_PILOT)
    territory = TerritoryFactory(departement=landes, name="Mont-de-Marsan")
    persons = [
        PersonFactory(
            departement=landes, phone=f"06120000{index:02d}" if index % 2 else "", email=f"p{index}@exemple.fr"
        )
        for index in range(present)
    ]
    cell(landes, cd, territory, persons)
    return SurveyWorld(pilot, referent, partner_admin, other_pilot, territory, persons)


def build_questionnaire(actor: Actor, title: str = "Votre avis sur la cellule d'orientation"):
    questionnaire = services.questionnaire_create(actor=actor, title=title)
    satisfaction = services.question_save(
        actor=actor,
        questionnaire=questionnaire,
        text="Êtes-vous satisfait de la cellule d'orientation ?",
        kind=QuestionKind.SCALE,
        choices=SCALE,
        required=True,
        is_satisfaction=True,
        satisfied_choices=SCALE[2:],
    )
    services.question_save(
        actor=actor,
        questionnaire=questionnaire,
        text="Qu'est-ce qui n'allait pas ?",
        kind=QuestionKind.MULTIPLE,
        choices=["L'horaire", "Le lieu", "Les explications"],
        condition_question=satisfaction,
        condition_choices=SCALE[:2],
    )
    services.question_save(
        actor=actor, questionnaire=questionnaire, text="Voulez-vous ajouter quelque chose ?", kind=QuestionKind.TEXT
    )
    return questionnaire


def launch(actor: Actor, questionnaire, *, title="Satisfaction des cellules de novembre", today=TODAY, **extra):
    values = {
        "title": title,
        "opens_on": today,
        "closes_on": today + datetime.timedelta(days=21),
        "population": Population.CELL_ATTENDANCE,
        "period_start": LAST_MONTH[0],
        "period_end": LAST_MONTH[1],
        "today": today,
    }
    values.update(extra)
    return services.campaign_launch(actor=actor, questionnaire=questionnaire, **values)
