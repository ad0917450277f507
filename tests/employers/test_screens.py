import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.employers.models import Commitment, Employer, Immersion
from jalon.employers.services import immersion_transition
from tests.employers.conftest import OTHER_SIRET


pytestmark = pytest.mark.django_db


def test_the_directory_lists_searches_and_exports(place, login_as):
    client = login_as(place.world.referent)
    page = client.get(reverse("employers:list"), {"q": "conserv"}).content.decode()
    assert "Conserverie des Landes" in page and "10.39B" in page
    assert "Conserverie" not in client.get(reverse("employers:list"), {"q": "boulang"}).content.decode()
    csv = b"".join(client.get(reverse("employers:list_csv")).streaming_content).decode()
    assert "73282932000074" in csv and "Mont-de-Marsan" in csv


def test_an_invalid_siret_is_refused_on_the_form_and_nothing_is_saved(place, login_as):
    client = login_as(place.world.referent)
    response = client.post(
        reverse("employers:create"),
        {"siret": "44830258200012", "name": "Boulangerie", "naf_code": "10.71C", "commune": place.commune.pk},
    )
    assert response.status_code == 200 and "clé de contrôle" in response.content.decode()
    assert Employer.objects.count() == 1
    done = client.post(
        reverse("employers:create"),
        {"siret": OTHER_SIRET, "name": "Boulangerie", "naf_code": "10.71C", "commune": place.commune.pk},
    )
    assert done.status_code == 302 and Employer.objects.count() == 2


def test_only_the_departement_records_commitments(place, login_as):
    url = reverse("employers:commitment_create", kwargs={"pk": place.employer.pk})
    assert login_as(place.world.referent).get(url).status_code == 404
    client = login_as(place.cd_admin)
    response = client.post(url, {"year": timezone.localdate().year, "immersions_offered": 3, "hires": 1})
    assert response.status_code == 302
    assert Commitment.objects.get().immersions_offered == 3
    page = client.get(reverse("employers:detail", kwargs={"pk": place.employer.pk})).content.decode()
    assert "0 / 3" in page


def test_the_employer_page_names_only_the_people_the_actor_sees_and_traces_them(place, login_as):
    place.immersion()
    client = login_as(place.world.referent)
    page = client.get(reverse("employers:detail", kwargs={"pk": place.employer.pk})).content.decode()
    # The person as the page writes her (a random professional's name could be « Durand » too).
    named = escape(str(place.world.person))
    assert named in page
    event = AuditEvent.objects.filter(code=AuditCode.PERSON_VIEWED, data__screen="page d'un employeur").get()
    assert event.data["persons"] == [place.world.person.pk]
    outsider_page = login_as(place.world.outsider).get(reverse("employers:detail", kwargs={"pk": place.employer.pk}))
    assert named not in outsider_page.content.decode() and "1 immersion" in outsider_page.content.decode()


def test_the_referent_creates_an_immersion_and_records_its_review_which_proposes_an_exit(place, login_as):
    client = login_as(place.world.referent)
    create = reverse("employers:immersion_create", kwargs={"person_pk": place.world.person.pk})
    start = timezone.localdate() - datetime.timedelta(days=20)
    refused = client.post(
        create,
        {
            "employer": place.employer.pk,
            "starts_on": start.isoformat(),
            "ends_on": (start + datetime.timedelta(days=40)).isoformat(),
            "objectives": ["discover"],
            "job_title": "Cariste",
        },
    )
    assert "au plus un mois" in refused.content.decode() and not Immersion.objects.exists()
    done = client.post(
        create,
        {
            "employer": place.employer.pk,
            "starts_on": start.isoformat(),
            "ends_on": (start + datetime.timedelta(days=9)).isoformat(),
            "objectives": ["discover", "recruit"],
            "job_title": "Cariste",
        },
    )
    immersion = Immersion.objects.get()
    assert done.status_code == 302
    for action in ("submit", "sign_person", "sign_employer"):
        immersion = immersion_transition(
            actor=place.referent, immersion=immersion, action=action, signed_on=timezone.localdate()
        )
    immersion_transition(actor=place.admin, immersion=immersion, action="validate")
    review = reverse("employers:immersion_review", kwargs={"pk": immersion.pk})
    client.post(
        review,
        {
            "outcome": "completed",
            "led_to_job": "oui",
            "hire_contract": "cdi",
            "hire_starts_on": timezone.localdate().isoformat(),
        },
    )
    immersion.refresh_from_db()
    assert immersion.led_to_job and immersion.hire_contract == "cdi"
    exits = client.get(reverse("exits:person", kwargs={"person_pk": place.world.person.pk})).content.decode()
    assert "Embauche après une immersion chez Conserverie des Landes" in exits
    form = client.get(
        reverse("exits:create", kwargs={"person_pk": place.world.person.pk}), {"immersion": immersion.pk}
    )
    assert f'value="{place.employer.pk}" selected' in form.content.decode()


def test_a_partner_who_does_not_follow_the_person_gets_404_on_her_immersions(place, login_as):
    immersion = place.immersion()
    client = login_as(place.world.outsider)
    assert client.get(reverse("employers:immersion", kwargs={"pk": immersion.pk})).status_code == 404
    url = reverse("employers:immersion_create", kwargs={"person_pk": place.world.person.pk})
    assert client.get(url).status_code == 404


def test_the_api_creates_employers_and_immersions_with_the_services_rules(place, login_as):
    client = login_as(place.world.referent)
    bad = client.post(
        reverse("api:employers"),
        {"siret": "1234", "name": "X", "naf_code": "10.71C", "commune": place.commune.pk},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "clé de contrôle" in str(bad.json())
    listed = client.get(reverse("api:employers"), {"q": "Conserverie"}).json()
    assert listed["results"][0]["siret"] == "73282932000074"
    url = reverse("api:person_immersions", kwargs={"pk": place.world.person.pk})
    refused = client.post(
        url,
        {
            "employer": None,
            "starts_on": "2026-11-02",
            "ends_on": "2026-11-05",
            "objectives": ["discover"],
            "job_title": "x",
        },
        content_type="application/json",
    )
    assert refused.status_code == 400 and "entreprise d'accueil" in str(refused.json())
    created = client.post(
        url,
        {
            "employer": place.employer.pk,
            "starts_on": "2026-11-02",
            "ends_on": "2026-11-05",
            "objectives": ["discover"],
            "job_title": "Vendeur",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    moved = client.post(
        reverse("api:immersion_transition", kwargs={"pk": created.json()["id"]}),
        {"action": "submit"},
        content_type="application/json",
    )
    assert moved.json()["status"] == "ready_to_sign"


@pytest.mark.parametrize("who", ["referent", "cd_admin"])
def test_the_employer_page_reads_a_constant_number_of_queries(place, login_as, django_assert_max_num_queries, who):
    """Ten times more immersions, hires, exchanges, contacts and commitments: the same queries (the times at Nord
    scale are bench/bench_exits.py's)."""
    from jalon.employers.services import commitment_record, employer_contact_add, interaction_record
    from jalon.exits.services import exit_record
    from tests.exits.conftest import TODAY, oriented_person

    world = place.world

    def add(index):
        person, _ = oriented_person(
            departement=world.departement, agency=world.agency, referent=world.referent, last_name=f"Stagiaire{index}"
        )
        place.immersion(person=person)
        hired, _ = oriented_person(
            departement=world.departement, agency=world.agency, referent=world.referent, last_name=f"Embauche{index}"
        )
        exit_record(
            actor=place.referent,
            person=hired,
            exit_type=world.type("cdi"),
            exited_on=datetime.date(2026, 6, 1),
            today=TODAY,
            employer=place.employer,
            employer_name=place.employer.name,
            employer_siret=place.employer.siret,
        )
        interaction_record(actor=place.referent, employer=place.employer, occurred_on=TODAY, kind="appel", today=TODAY)
        employer_contact_add(
            actor=place.referent, employer=place.employer, name=f"Contact {index}", phone="0102030405"
        )
        commitment_record(actor=place.admin, employer=place.employer, year=2015 + index, hires=1, today=TODAY)

    add(0)
    client = login_as(world.referent if who == "referent" else place.cd_admin)
    url = reverse("employers:detail", kwargs={"pk": place.employer.pk})
    client.get(url)  # warms the session and the caches of the first request
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(1, 11):
        add(index)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "11 immersions" in page and "11 sorties" in page and "Contact 10" in page
