"""Each role's home, composed from the panels the domain apps contribute (their `home.py`). This layer sits above
the domain apps: it imports them, they never import it, and the base apps import neither."""

from jalon.core.enums import Role
from jalon.core.scoping import Actor
from jalon.employers import home as employers_home
from jalon.evaluation import home as evaluation_home
from jalon.exits import home as exits_home
from jalon.intake import home as intake_home
from jalon.observatory import home as observatory_home
from jalon.offer import home as offer_home
from jalon.orientation import home as orientation_home
from jalon.participation import home as participation_home
from jalon.programme import home as programme_home
from jalon.programme.funding import home as funding_home
from jalon.programme.governance import home as governance_home
from jalon.surveys import home as surveys_home


CONTRIBUTORS = (
    intake_home,
    offer_home,
    orientation_home,
    exits_home,
    employers_home,
    observatory_home,
    programme_home,
    funding_home,
    governance_home,
    participation_home,
    evaluation_home,
    surveys_home,
)

# One template per role; each contributor fills its panels there.
HOME_TEMPLATES: dict[str, str] = {
    Role.ADMINISTRATOR: "workspace/home/administrator.html",
    Role.ORIENTATION_OFFICER: "workspace/home/orientation_officer.html",
    Role.REFERENT: "workspace/home/referent.html",
    Role.PARTNER: "workspace/home/partner.html",
    Role.TERRITORY_MANAGER: "workspace/home/territory_manager.html",
    Role.PROGRAMME_PILOT: "workspace/home/programme_pilot.html",
    Role.ANALYST: "workspace/home/analyst.html",
}


def home_template(actor: Actor) -> str:
    if actor.has_role(Role.ADMINISTRATOR) and not actor.is_departement_staff:
        return "workspace/home/partner_administrator.html"  # administers its organisation, not the Département
    return HOME_TEMPLATES.get(actor.role or "", "workspace/home/no_membership.html")


def home_summary(*, actor: Actor) -> dict:
    summary: dict = {"memberships": actor.memberships}
    for contributor in CONTRIBUTORS:
        summary.update(contributor.home_panels(actor=actor))
    return summary
