"""Geocoding against a local server that speaks BAN's batch protocol (POST /search/csv/, addok-csv)."""

import csv
import io
import socket
import threading
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.people.models import Household, Person
from jalon.territories.geocoding import (
    BanGeocoder,
    GeocodingError,
    address_text,
    addresses_geocode,
    geocoded_point,
)
from tests.people.factories import HouseholdFactory, PersonFactory
from tests.territories.factories import CommuneFactory


pytestmark = pytest.mark.django_db

DAX, MONT_DE_MARSAN = "40088", "40192"

# What BAN answers for a few real Landes addresses (query text → result columns); anything else is not found.
BAN_ANSWERS = {
    "10 Rue Victor Hugo 40100 Dax": {
        "latitude": "43.710249",
        "longitude": "-1.053712",
        "result_label": "10 Rue Victor Hugo 40100 Dax",
        "result_score": "0.97",
        "result_type": "housenumber",
        "result_id": "40088_1320_00010",
        "result_postcode": "40100",
        "result_city": "Dax",
        "result_citycode": DAX,
    },
    "2 Place du Général Leclerc 40000 Mont-de-Marsan": {
        "latitude": "43.893496",
        "longitude": "-0.499871",
        "result_label": "2 Place du Général Leclerc 40000 Mont-de-Marsan",
        "result_score": "0.95",
        "result_type": "housenumber",
        "result_id": "40192_0410_00002",
        "result_postcode": "40000",
        "result_city": "Mont-de-Marsan",
        "result_citycode": MONT_DE_MARSAN,
    },
    # A vague address BAN matches poorly.
    "3 Impasse des Bruyeres 40100 Dax": {
        "latitude": "43.704521",
        "longitude": "-1.061233",
        "result_label": "Impasse des Bruyères 40100 Dax",
        "result_score": "0.42",
        "result_type": "street",
        "result_id": "40088_0205",
        "result_postcode": "40100",
        "result_city": "Dax",
        "result_citycode": DAX,
    },
    # Only the town hall: says nothing about where the person lives.
    "Quartier Inconnu 40100 Dax": {
        "latitude": "43.708608",
        "longitude": "-1.051945",
        "result_label": "Dax",
        "result_score": "0.88",
        "result_type": "municipality",
        "result_id": DAX,
        "result_postcode": "40100",
        "result_city": "Dax",
        "result_citycode": DAX,
    },
}
RESULT_COLUMNS = [
    "latitude",
    "longitude",
    "result_label",
    "result_score",
    "result_type",
    "result_id",
    "result_postcode",
    "result_city",
    "result_citycode",
]


class FakeBan(ThreadingHTTPServer):
    """Answers like an addok server that ignores the citycode filter (some self-hosted ones do), so that Jalon's own
    check of the commune is what the tests exercise. `fail_from`: answer HTTP 500 from that request number on."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), BanHandler)
        self.requests: list[dict] = []
        self.fail_from: int | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def sent_addresses(self) -> list[str]:
        return [row["adresse"] for request in self.requests for row in request["rows"]]


class BanHandler(BaseHTTPRequestHandler):
    server: FakeBan

    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        message = BytesParser(policy=policy.HTTP).parsebytes(
            f"Content-Type: {self.headers['content-type']}\r\n\r\n".encode() + body
        )
        fields: dict[str, list[str]] = {}
        upload = b""
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name == "data":
                upload = part.get_payload(decode=True)
            else:
                fields.setdefault(name, []).append(part.get_content().strip())
        rows = list(csv.DictReader(io.StringIO(upload.decode("utf-8-sig")), delimiter=fields["delimiter"][0]))
        self.server.requests.append({"path": self.path, "fields": fields, "rows": rows})
        if self.server.fail_from is not None and len(self.server.requests) >= self.server.fail_from:
            self._answer(500, b"Internal Server Error", "text/plain")
            return
        output = io.StringIO()
        writer = csv.DictWriter(output, fieldnames=[*rows[0].keys(), *RESULT_COLUMNS], lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            query = " ".join(row[column] for column in fields["columns"])
            writer.writerow({**row, **BAN_ANSWERS.get(query, {})})
        self._answer(200, output.getvalue().encode("utf-8"), "text/csv; charset=utf-8")

    def _answer(self, status: int, payload: bytes, content_type: str):
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):  # keep the test output clean
        pass


@pytest.fixture
def ban():
    server = FakeBan()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def communes():
    return {
        DAX: CommuneFactory(code=DAX, name="Dax", postal_codes=["40100"]),
        MONT_DE_MARSAN: CommuneFactory(code=MONT_DE_MARSAN, name="Mont-de-Marsan", postal_codes=["40000"]),
    }


def _person(address, postal_code, city, commune=None, **kwargs):
    return PersonFactory(address=address, postal_code=postal_code, city=city, commune=commune, **kwargs)


def test_address_text_is_the_line_postcode_and_city_or_commune_name(communes):
    person = _person("  10 Rue  Victor Hugo ", "40100", "Dax")
    assert address_text(person) == "10 Rue Victor Hugo 40100 Dax"
    person.city = ""
    person.commune = communes[DAX]
    assert address_text(person) == "10 Rue Victor Hugo 40100 Dax"
    person.homeless = True
    assert address_text(person) == ""
    assert address_text(_person("", "40100", "Dax")) == ""


def test_placed_address_gets_its_coordinates(ban, communes):
    person = _person("10 Rue Victor Hugo", "40100", "Dax", communes[DAX])
    updated_at = person.updated_at

    counts = addresses_geocode(Person.objects.all(), geocoder=BanGeocoder(ban.base_url))

    assert counts == {"sent": 1, "placed": 1, "not_placed": 0, "cleared": 0}
    [request] = ban.requests
    assert request["path"] == "/search/csv/"
    assert request["fields"]["columns"] == ["adresse"]
    assert request["fields"]["citycode"] == ["code_insee"]
    # Only the address and the commune's code are sent, keyed by the row's id: never a name.
    assert request["rows"] == [{"id": str(person.pk), "adresse": "10 Rue Victor Hugo 40100 Dax", "code_insee": DAX}]
    person.refresh_from_db()
    assert (person.latitude, person.longitude) == (43.710249, -1.053712)
    assert person.geocoded_address == "10 Rue Victor Hugo 40100 Dax"
    assert geocoded_point(person) == (43.710249, -1.053712)
    assert person.updated_at == updated_at  # derived data: the person's file did not change
    # The run is in the audit log: what left Jalon, and for where.
    event = AuditEvent.objects.get(code=AuditCode.ADDRESSES_GEOCODED)
    assert event.data["sent"] == 1 and event.data["placed"] == 1 and event.data["interrompu"] is False
    assert event.data["geocodeur"] == f"{ban.base_url}/search/csv/"
    # Nothing to send: no event.
    addresses_geocode(Person.objects.all(), geocoder=BanGeocoder(ban.base_url))
    assert AuditEvent.objects.filter(code=AuditCode.ADDRESSES_GEOCODED).count() == 1


def test_unplaceable_addresses_are_recorded_and_not_resent(ban, communes):
    low_score = _person("3 Impasse des Bruyeres", "40100", "Dax", communes[DAX])
    town_hall_only = _person("Quartier Inconnu", "40100", "Dax", communes[DAX])
    # The CAF gives Mont-de-Marsan as the commune, but the address BAN finds is in Dax: the point is not trusted.
    other_commune = _person("10 Rue Victor Hugo", "40100", "Dax", communes[MONT_DE_MARSAN])
    unknown = _person("1 Chemin de Nulle Part", "40100", "Dax")
    geocoder = BanGeocoder(ban.base_url, min_score=0.5)

    counts = addresses_geocode(Person.objects.all(), geocoder=geocoder)

    assert counts == {"sent": 4, "placed": 0, "not_placed": 4, "cleared": 0}
    for person in (low_score, town_hall_only, other_commune, unknown):
        person.refresh_from_db()
        assert (person.latitude, person.longitude) == (None, None)
        assert person.geocoded_address == address_text(person)
        assert geocoded_point(person) is None
    # The row without a commune went alone, without the citycode filter (addok would apply an empty one).
    assert [("citycode" in r["fields"], [row["adresse"] for row in r["rows"]]) for r in ban.requests] == [
        (
            True,
            [
                "3 Impasse des Bruyeres 40100 Dax",
                "Quartier Inconnu 40100 Dax",
                "10 Rue Victor Hugo 40100 Dax",
            ],
        ),
        (False, ["1 Chemin de Nulle Part 40100 Dax"]),
    ]

    again = addresses_geocode(Person.objects.all(), geocoder=geocoder)

    assert again == {"sent": 0, "placed": 0, "not_placed": 0, "cleared": 0}
    assert len(ban.requests) == 2


def test_min_score_setting_is_read(settings, ban, communes):
    settings.JALON_GEOCODER_URL = ban.base_url
    settings.JALON_GEOCODER_MIN_SCORE = 0.4
    person = _person("3 Impasse des Bruyeres", "40100", "Dax", communes[DAX])

    addresses_geocode(Person.objects.all(), geocoder=BanGeocoder.from_settings())

    person.refresh_from_db()
    assert geocoded_point(person) == (43.704521, -1.061233)


def test_changed_address_is_resent_and_its_old_point_not_used_meanwhile(ban, communes):
    person = _person("10 Rue Victor Hugo", "40100", "Dax", communes[DAX])
    geocoder = BanGeocoder(ban.base_url)
    addresses_geocode(Person.objects.all(), geocoder=geocoder)

    person.refresh_from_db()
    person.address, person.postal_code, person.city = "2 Place du Général Leclerc", "40000", "Mont-de-Marsan"
    person.commune = communes[MONT_DE_MARSAN]
    person.save()
    person.refresh_from_db()
    assert person.latitude == 43.710249  # still the old coordinates…
    assert geocoded_point(person) is None  # …which are not used for the new address

    counts = addresses_geocode(Person.objects.all(), geocoder=geocoder)

    assert counts == {"sent": 1, "placed": 1, "not_placed": 0, "cleared": 0}
    assert ban.sent_addresses == ["10 Rue Victor Hugo 40100 Dax", "2 Place du Général Leclerc 40000 Mont-de-Marsan"]
    person.refresh_from_db()
    assert geocoded_point(person) == (43.893496, -0.499871)


def test_homeless_and_empty_addresses_are_never_sent_and_old_points_are_cleared(ban, communes):
    homeless = _person("10 Rue Victor Hugo", "40100", "Dax", communes[DAX], homeless=True)
    no_street = _person("", "40100", "Dax", communes[DAX])
    # Geocoded when they had an address; they are homeless now.
    moved_out = _person(
        "10 Rue Victor Hugo",
        "40100",
        "Dax",
        communes[DAX],
        homeless=True,
        latitude=43.710249,
        longitude=-1.053712,
        geocoded_address="10 Rue Victor Hugo 40100 Dax",
    )

    counts = addresses_geocode(Person.objects.all(), geocoder=BanGeocoder(ban.base_url))

    assert counts == {"sent": 0, "placed": 0, "not_placed": 0, "cleared": 1}
    assert ban.requests == []
    for person in (homeless, no_street, moved_out):
        person.refresh_from_db()
        assert (person.latitude, person.longitude, person.geocoded_address) == (None, None, "")


def test_failed_batch_writes_nothing_and_says_how_far_it_went(ban, communes):
    placed = [_person("10 Rue Victor Hugo", "40100", "Dax", communes[DAX]) for _ in range(2)]
    unsent = _person("2 Place du Général Leclerc", "40000", "Mont-de-Marsan", communes[MONT_DE_MARSAN])
    ban.fail_from = 2

    with pytest.raises(GeocodingError) as error:
        addresses_geocode(Person.objects.all(), geocoder=BanGeocoder(ban.base_url), batch_size=2)

    assert "erreur HTTP 500" in str(error.value)
    assert "1 lot(s) déjà enregistré(s) (2 adresses)" in str(error.value)
    assert len(ban.requests) == 2
    for person in placed:
        person.refresh_from_db()
        assert geocoded_point(person) == (43.710249, -1.053712)
    unsent.refresh_from_db()
    assert (unsent.latitude, unsent.geocoded_address) == (None, "")
    interrupted = AuditEvent.objects.get(code=AuditCode.ADDRESSES_GEOCODED)
    assert (interrupted.data["sent"], interrupted.data["interrompu"]) == (2, True)

    ban.fail_from = None
    assert addresses_geocode(Person.objects.all(), geocoder=BanGeocoder(ban.base_url), batch_size=2)["sent"] == 1
    unsent.refresh_from_db()
    assert geocoded_point(unsent) == (43.893496, -0.499871)


def test_command_geocodes_persons_and_households(settings, ban, communes):
    settings.JALON_GEOCODER_URL = ban.base_url
    person = _person("10 Rue Victor Hugo", "40100", "Dax", communes[DAX])
    elsewhere = _person("10 Rue Victor Hugo", "40100", "Dax", communes[DAX], departement__code="64")
    household = HouseholdFactory(
        address="2 Place du Général Leclerc",
        postal_code="40000",
        city="Mont-de-Marsan",
        commune=communes[MONT_DE_MARSAN],
    )
    out = io.StringIO()

    call_command("geocode_addresses", "--departement", "40", stdout=out, stderr=io.StringIO())

    assert out.getvalue().splitlines() == [
        "Personnes : 1 adresses envoyées, 1 situées, 0 non situées.",
        "Foyers : 1 adresses envoyées, 1 situées, 0 non situées.",
    ]
    assert geocoded_point(Person.objects.get(pk=person.pk)) == (43.710249, -1.053712)
    assert geocoded_point(Person.objects.get(pk=elsewhere.pk)) is None
    assert geocoded_point(Household.objects.get(pk=household.pk)) == (43.893496, -0.499871)


def test_command_limit_caps_the_addresses_sent(settings, ban, communes):
    settings.JALON_GEOCODER_URL = ban.base_url
    for _ in range(3):
        _person("10 Rue Victor Hugo", "40100", "Dax", communes[DAX])

    call_command("geocode_addresses", "--limit", "2", verbosity=0)

    assert len(ban.sent_addresses) == 2
    assert Person.objects.exclude(latitude=None).count() == 2


def test_command_refuses_without_geocoder_url(settings):
    settings.JALON_GEOCODER_URL = ""

    with pytest.raises(CommandError, match="Géocodage désactivé : renseignez JALON_GEOCODER_URL"):
        call_command("geocode_addresses")


def test_command_reports_an_unreachable_geocoder(settings, communes):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.JALON_GEOCODER_URL = f"http://127.0.0.1:{port}"
    person = _person("10 Rue Victor Hugo", "40100", "Dax", communes[DAX])

    with pytest.raises(CommandError, match=r"Géocodage interrompu \(personnes\) : Géocodeur injoignable"):
        call_command("geocode_addresses", verbosity=0)

    person.refresh_from_db()
    assert person.geocoded_address == ""
