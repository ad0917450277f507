import subprocess
import sys

import pytest
from django.core.management import call_command
from django.urls import reverse

from jalon.core.enums import Role
from tests.organisations.factories import MembershipFactory


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "expected", "absent"),
    [
        (Role.ADMINISTRATOR, ["Structures", "Journal d&#x27;audit", "Territoires"], []),
        (Role.REFERENT, ["Mes personnes accompagnées"], ["Journal d&#x27;audit", "Structures"]),
        (Role.ORIENTATION_OFFICER, ["Personnes à orienter"], ["Journal d&#x27;audit"]),
        (Role.PARTNER, ["Orientations reçues"], ["Territoires", "Structures"]),
        (Role.TERRITORY_MANAGER, ["Portefeuilles du territoire", "Territoires"], ["Journal d&#x27;audit"]),
        (Role.PROGRAMME_PILOT, ["Chiffres du Département", "Délais d'orientation"], ["Journal d&#x27;audit"]),
        (Role.ANALYST, ["Chiffres du Département"], ["Structures"]),
    ],
)
def test_each_role_gets_its_home_and_navigation(login_as, role, expected, absent):
    page = login_as(MembershipFactory(role=role)).get("/").content.decode()
    for text in expected:
        assert text in page, text
    # A home shows real figures or says honestly that there are none; it never promises what is to come.
    assert "Ici apparaîtr" not in page
    # « Accueil » is a plain link of the menu, not a group.
    assert '<a class="fr-nav__link" href="/" aria-current="page">Accueil</a>' in page
    for text in absent:
        assert text not in page, text


def test_user_without_membership_is_told_what_to_do(client):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory())
    assert "rattaché à aucune structure" in client.get("/").content.decode()


def test_unknown_url_gives_the_french_404(login_as):
    response = login_as(MembershipFactory()).get("/nexiste/pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_server_error_page_is_french(rf):
    from jalon.core.views import server_error

    request = rf.get("/")
    response = server_error(request)
    assert response.status_code == 500
    assert "Erreur inattendue" in response.content.decode()


def test_security_headers(login_as):
    response = login_as(MembershipFactory()).get("/")
    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_no_missing_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_production_settings_name_the_missing_variables():
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "jalon.settings.prod", "SECRET_KEY": "x"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "Variables d'environnement manquantes pour la production" in result.stderr
    for name in ["DATABASE_URL", "ALLOWED_HOSTS", "EMAIL_URL"]:
        assert name in result.stderr


def test_api_schema_is_served_to_professionals(login_as):
    response = login_as(MembershipFactory()).get(reverse("api:schema"))
    assert response.status_code == 200
    assert b"/api/v1/communes/" in response.content


def test_administrator_home_shows_imports_duplicates_and_the_dsp_rate(login_as):
    from jalon.intake.models import DuplicateCandidate, ImportRun, SocioProfessionalData
    from tests.intake.test_dsp import complete_answers
    from tests.people.factories import HouseholdMemberFactory, PersonFactory

    admin = MembershipFactory(role=Role.ADMINISTRATOR, organisation__kind="cd")
    departement = admin.organisation.departement
    ImportRun.objects.create(kind="caf_flux", status="done", departement=departement, file_name="flux-novembre.xml")
    members = [HouseholdMemberFactory(person=PersonFactory(departement=departement)) for _ in range(4)]
    SocioProfessionalData.objects.create(person=members[0].person, **complete_answers())
    DuplicateCandidate.objects.create(person=members[1].person, other=members[2].person, score=0.9)
    page = login_as(admin).get("/").content.decode()
    assert "flux-novembre.xml" in page
    assert "1 rapprochement à examiner" in page
    assert 'data-testid="dsp-rate">25 %' in page
