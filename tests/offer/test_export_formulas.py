"""The offer's files come from partners: a name or an identifier a spreadsheet would run as a formula is
imported as written, and the rejects report hands it out as text."""

import csv

import pytest
from django.core.management import call_command

from jalon.offer.models import Service
from tests.offer.test_import_export import service, structure, write_json


pytestmark = pytest.mark.django_db


def test_the_import_report_neutralises_identifiers_and_the_import_keeps_names(tmp_path):
    dump = write_json(
        tmp_path / "dump.json",
        {
            "structures": [structure(1)],
            "services": [
                service(1, nom="@SUM(1) permis"),
                service(2, id='=HYPERLINK("//x.fr")', thematiques=["inconnue"]),
            ],
        },
    )
    report = tmp_path / "rejets.csv"
    call_command("import_offer", str(dump), "--report", str(report), verbosity=0)
    assert Service.objects.get().name == "@SUM(1) permis"  # the partner's data, kept as written
    rows = list(csv.reader(report.read_text(encoding="utf-8").splitlines()))
    assert rows[1][:4] == ["service", "2", '\'=HYPERLINK("//x.fr")', "thematiques"]
