"""Job offers and measures point to the employers' directory: chosen in it, found by their SIRET, or linked when the
establishment is added later; the employer page shows them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jalon.employers.models import Employer
from jalon.employers.services import employer_create
from jalon.employment.models import JobOffer
from jalon.exits.models import Exit
from jalon.exits.services import exit_record
from jalon.offer.measures.models import Measure
from jalon.offer.measures.services import measure_record
from tests.conftest import actor_for
from tests.employment.conftest import SIRET, TODAY
from tests.people.factories import PersonFactory
from tests.territories.factories import CommuneFactory, DepartementFactory


pytestmark = pytest.mark.django_db
OTHER_SIRET = "44830258200011"


def _establishment(world, *, siret=SIRET, name="Conserverie Lafitte (annuaire)", commune=None):
    return employer_create(
        actor=actor_for(world.cd_admin), siret=siret, name=name, naf_code="10.39B", commune=commune or world.aire
    )


def _pec(world, **fields):
    notebook = world.person.notebook
    values = {"kind": "pec", "starts_on": datetime.date(2026, 10, 1), "weekly_hours": 26, **fields}
    return measure_record(actor=world.actor, notebook=notebook, version=notebook.version, **values)


def test_an_offer_for_a_directory_employer_takes_its_name_siret_and_commune(world):
    employer = _establishment(world)
    offer = world.offer(employer=employer, employer_name="", employer_siret="", employer_commune=None)
    assert offer.employer == employer
    assert (offer.employer_name, offer.employer_siret, offer.employer_commune) == (
        "Conserverie Lafitte (annuaire)",
        SIRET,
        world.aire,
    )


def test_an_offer_typed_with_the_siret_of_a_directory_employer_is_linked_to_it(world):
    employer = _establishment(world)
    offer = world.offer(employer_siret=SIRET[:3] + " " + SIRET[3:])
    assert offer.employer == employer and offer.employer_name == "Conserverie Lafitte"


def test_an_employer_of_another_departement_is_refused_and_nothing_is_saved(world):
    gironde = DepartementFactory(code="33")
    bordeaux = CommuneFactory(code="33063", name="Bordeaux", departement=gironde)
    foreign = Employer.objects.create(
        departement=gironde, siret=OTHER_SIRET, name="Chai bordelais", naf_code="11.02B", commune=bordeaux
    )
    with pytest.raises(ValidationError) as error:
        world.offer(employer=foreign)
    assert "annuaire du département" in error.value.message_dict["employer"][0]
    assert not JobOffer.objects.exists()
    with pytest.raises(ValidationError):
        _pec(world, employer=foreign)
    assert not Measure.objects.exists()


def test_a_measure_for_a_directory_employer_copies_it_and_a_wrong_siret_key_is_refused(world):
    employer = _establishment(world)
    measure = _pec(world, employer=employer)
    assert (measure.employer, measure.employer_name, measure.employer_siret) == (employer, employer.name, SIRET)
    with pytest.raises(ValidationError) as error:
        _pec(world, employer_name="EHPAD", employer_siret="44830258200012")
    assert "clé de contrôle" in error.value.message_dict["employer_siret"][0]
    assert Measure.objects.count() == 1


def test_an_establishment_added_later_gets_the_offers_measures_and_exits_typed_with_its_siret(world):
    offer = world.offer()
    measure = _pec(world, employer_name="Conserverie Lafitte", employer_siret=SIRET)
    exit = exit_record(
        actor=world.actor,
        person=world.person,
        exit_type=world.type("cdi"),
        exited_on=datetime.date(2026, 11, 20),
        contract="cdi",
        employer_name="Conserverie Lafitte",
        employer_siret=SIRET,
        today=TODAY,
    )
    # The same SIRET in another département's records stays as it was.
    gironde = DepartementFactory(code="33")
    stranger = PersonFactory(departement=gironde)
    elsewhere = Measure.objects.create(
        notebook=world.person.notebook,
        person=stranger,
        kind="clause",
        starts_on=datetime.date(2026, 10, 1),
        hours_done=35,
        employer_siret=SIRET,
        organisation=world.agency,
    )
    assert offer.employer is None and measure.employer is None and exit.employer is None

    employer = _establishment(world)

    offer.refresh_from_db(), measure.refresh_from_db(), elsewhere.refresh_from_db()
    assert offer.employer == employer and measure.employer == employer
    assert Exit.objects.get(pk=exit.pk).employer == employer
    assert elsewhere.employer is None
    # What was typed at the time is kept.
    assert offer.employer_name == "Conserverie Lafitte"


def test_the_employer_page_lists_its_offers_and_the_measures_of_the_people_the_actor_sees(world, client):
    employer = _establishment(world)
    offer = world.offer(employer=employer, title="Cariste en conserverie")
    _pec(world, employer=employer)
    url = reverse("employers:detail", kwargs={"pk": employer.pk})

    client.force_login(world.referent.user)
    page = client.get(url).content.decode()
    assert reverse("employment:offer", kwargs={"pk": offer.pk}) in page
    assert f"{reverse('employment:offer_create')}?employeur={employer.pk}" in page
    assert "1 mesure chez cet employeur" in page and "DURAND" in page.upper()

    client.force_login(world.outsider.user)
    page = client.get(url).content.decode()
    assert "Cariste en conserverie" in page and "1 mesure chez cet employeur" in page
    assert "DURAND" not in page.upper()


def test_publish_an_offer_from_the_employer_page_comes_with_the_employer_chosen(world, client):
    employer = _establishment(world)
    client.force_login(world.cd_admin.user)
    page = client.get(reverse("employment:offer_create"), {"employeur": employer.pk}).content.decode()
    assert f'<option value="{employer.pk}" selected>' in page
    assert client.get(reverse("employment:offer_create"), {"employeur": "x"}).status_code == 200


def test_a_hire_on_a_directory_offer_becomes_an_exit_to_that_employer(world):
    from jalon.employment import selectors
    from jalon.employment.services import positioning_exit_record
    from tests.employment.test_services import _hire

    employer = _establishment(world)
    positioning = _hire(world, offer=world.offer(employer=employer))
    initial = selectors.hire_exit_initial(positioning)
    assert initial["employer"] == employer and initial["employer_name"] == ""
    exit = positioning_exit_record(actor=world.actor, positioning=positioning, today=TODAY, **initial)
    assert (exit.employer, exit.employer_name, exit.employer_siret) == (employer, employer.name, SIRET)


def test_the_directory_and_the_offers_sort_by_their_columns(world, client):
    _establishment(world, name="Zinguerie de l'Adour", commune=world.aire)
    _establishment(world, siret="44830258200011", name="Atelier du bois", commune=world.mdm)
    world.offer(title="Cariste", employer_name="Zinguerie de l'Adour")
    world.offer(title="Magasinier", employer_name="Atelier du bois")
    client.force_login(world.referent.user)

    def order(url, names, **query):
        page = client.get(url, query).content.decode()
        return sorted(names, key=page.index)

    directory = reverse("employers:list")
    assert order(directory, ["Atelier du bois", "Zinguerie"]) == ["Atelier du bois", "Zinguerie"]
    # Aire-sur-l'Adour before Mont-de-Marsan.
    assert order(directory, ["Atelier du bois", "Zinguerie"], tri="commune") == ["Zinguerie", "Atelier du bois"]
    offers = reverse("employment:offers")
    assert order(offers, ["Atelier du bois", "Zinguerie"], tri="employeur") == ["Atelier du bois", "Zinguerie"]
    assert order(offers, ["Atelier du bois", "Zinguerie"], tri="-employeur") == ["Zinguerie", "Atelier du bois"]
