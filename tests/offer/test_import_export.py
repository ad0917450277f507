import csv
import json

import pytest
from data_inclusion.schema import v1
from django.core.management import CommandError, call_command

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.offer.enums import OfferStatus
from jalon.offer.exporter import offer_export
from jalon.offer.importer import OfferImportError, offer_import
from jalon.offer.models import Service, Structure
from tests.offer.factories import ServiceFactory


pytestmark = pytest.mark.django_db


def structure(n, **values):
    return {
        "source": "dora",
        "id": f"dora--s{n}",
        "nom": f"Centre social numéro {n}",
        "date_maj": "2025-02-14",
        "siret": "13003013300016",
        "code_insee": "40192",
        "code_postal": "40000",
        "commune": "Mont-de-Marsan",
        "courriel": f"contact{n}@exemple.fr",
        "site_web": "https://exemple.fr",
        "reseaux_porteurs": ["mission-locale"],
        **values,
    }


def service(n, structure_id="dora--s1", **values):
    return {
        "source": "dora",
        "id": f"dora--v{n}",
        "structure_id": structure_id,
        "nom": f"Préparer son permis {n}",
        "description": "Un accompagnement au permis de conduire pour les personnes en insertion.",
        "date_maj": "2025-02-14",
        "type": "accompagnement",
        "thematiques": ["mobilite--preparer-un-permis", "mobilite--financer-ma-mobilite"],
        "frais": "gratuit",
        "publics": ["beneficiaires-des-minimas-sociaux"],
        "modes_accueil": ["en-presentiel"],
        "zone_eligibilite": ["40"],
        "modes_mobilisation": ["telephoner"],
        "mobilisable_par": ["professionnels", "usagers"],
        "nombre_semaines": 4,
        "volume_horaire_hebdomadaire": 6.5,
        "latitude": 43.89,
        "longitude": -0.5,
        **values,
    }


def write_json(path, content):
    path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return path


def write_csv(path, records):
    names = sorted({name for record in records for name in record})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=names)
        writer.writeheader()
        for record in records:
            writer.writerow(
                {name: json.dumps(value) if isinstance(value, list) else value for name, value in record.items()}
            )
    return path


def test_a_valid_json_dump_is_imported_then_reimported_without_change(tmp_path):
    dump = write_json(
        tmp_path / "dump.json",
        {"structures": [structure(1), structure(2)], "services": [service(1), service(2, "dora--s2")]},
    )
    result = offer_import(paths=[dump])
    assert result.created == {"structure": 2, "service": 2}
    assert result.rejections == []
    imported = Service.objects.get(source_id="dora--v1")
    assert imported.structure.source_id == "dora--s1"
    assert imported.status == OfferStatus.PUBLISHED
    assert imported.thematiques == ["mobilite--financer-ma-mobilite", "mobilite--preparer-un-permis"]
    assert imported.mobilisable_by == ["professionnels", "usagers"]
    assert imported.weeks == 4 and imported.weekly_hours == 6.5
    assert Structure.objects.get(source_id="dora--s1").website == "https://exemple.fr/"
    stamp = imported.updated_at

    again = offer_import(paths=[dump])
    assert again.created == {"structure": 0, "service": 0}
    assert again.updated == {"structure": 0, "service": 0}
    assert again.unchanged == {"structure": 2, "service": 2}
    imported.refresh_from_db()
    assert imported.updated_at == stamp
    event = AuditEvent.objects.filter(code=AuditCode.OFFER_IMPORTED).latest("id")
    assert event.data["inchangées"] == {"structure": 2, "service": 2}


def test_reimport_updates_in_place_and_keeps_jalon_fields(tmp_path):
    write_json(tmp_path / "v1.json", {"structures": [structure(1)], "services": [service(1)]})
    offer_import(paths=[tmp_path / "v1.json"])
    imported = Service.objects.get()
    Service.objects.filter(pk=imported.pk).update(status=OfferStatus.ARCHIVED, capacity=12)
    changed = service(1, nom="Préparer son permis B", zone_eligibilite=["40192"])
    write_json(tmp_path / "v2.json", {"structures": [structure(1)], "services": [changed]})
    result = offer_import(paths=[tmp_path / "v2.json"])
    assert result.updated == {"structure": 0, "service": 1}
    imported.refresh_from_db()
    assert Service.objects.count() == 1
    assert (imported.name, imported.eligibility_zone) == ("Préparer son permis B", ["40192"])
    assert (imported.status, imported.capacity) == (OfferStatus.ARCHIVED, 12)


def test_csv_and_json_list_files_and_batches(tmp_path):
    structures = write_csv(tmp_path / "structures.csv", [structure(n) for n in range(1, 4)])
    services = write_json(tmp_path / "services.json", [service(n, f"dora--s{n % 3 + 1}") for n in range(1, 8)])
    # Services given first: the importer still reads structures first.
    result = offer_import(paths=[services, structures], batch_size=2)
    assert result.rejections == []
    assert result.created == {"structure": 3, "service": 7}
    assert Structure.objects.get(source_id="dora--s2").networks == ["mission-locale"]
    assert Service.objects.get(source_id="dora--v3").structure.source_id == "dora--s1"


def test_a_directory_of_data_gouv_csv_files(tmp_path):
    records = [service(1), service(2, zone_eligibilite=["40192", "244000675"])]
    for record in records:  # the list cells of a CSV dump, in another spelling
        record["thematiques"] = ",".join(record["thematiques"])
    write_csv(tmp_path / "structures.csv", [structure(1)])
    write_csv(tmp_path / "services.csv", records)
    result = offer_import(paths=[tmp_path], format=None)
    assert result.created == {"structure": 1, "service": 2}
    assert Service.objects.get(source_id="dora--v2").eligibility_zone == ["244000675", "40192"]
    assert Service.objects.get(source_id="dora--v1").thematiques == [
        "mobilite--financer-ma-mobilite",
        "mobilite--preparer-un-permis",
    ]


def test_bad_records_are_reported_in_french_and_good_ones_kept(tmp_path):
    dump = write_json(
        tmp_path / "dump.json",
        {
            "structures": [structure(1), structure(2, nom="X", siret="123"), structure(3)],
            "services": [
                service(1),
                service(2, thematiques=["mobilite--teleportation"]),
                service(3, zone_eligibilite=None),
                service(4, structure_id="dora--inconnue"),
                service(5, structure_id="dora--s2"),
                service(6, date_maj="2999-01-01", courriel="pas-un-courriel"),
                service(7, zone_eligibilite=["40", "Landes"]),
                service(1),
                "pas un objet",
            ],
        },
    )
    result = offer_import(paths=[dump])
    assert result.created == {"structure": 2, "service": 1}
    assert result.rejected == {"structure": 1, "service": 8}
    assert set(Service.objects.values_list("source_id", flat=True)) == {"dora--v1"}
    report = {(r.kind, r.record_id, r.field): r.message for r in result.rejections}
    assert report[("structure", "dora--s2", "nom")] == "trop court (au moins 3 caractères)"
    assert report[("structure", "dora--s2", "siret")] == "trop court (au moins 14 caractères)"
    assert "mobilite--teleportation" in report[("service", "dora--v2", "thematiques")]
    assert "référentiel data·inclusion" in report[("service", "dora--v2", "thematiques")]
    assert report[("service", "dora--v3", "zone_eligibilite")].startswith("zone d'éligibilité absente")
    assert report[("service", "dora--v4", "structure_id")] == (
        "structure inconnue : « dora--inconnue » n'est ni dans le fichier ni dans Jalon"
    )
    assert (
        report[("service", "dora--v5", "structure_id")] == "structure inconnue : « dora--s2 » a été rejetée plus haut"
    )
    assert report[("service", "dora--v6", "date_maj")] == (
        "La date de dernière modification ne peut pas être dans le futur."
    )
    assert report[("service", "dora--v6", "courriel")] == "courriel invalide : « pas-un-courriel »"
    assert "« Landes » invalide" in report[("service", "dora--v7", "zone_eligibilite")]
    assert report[("service", "dora--v1", "id")] == "identifiant déjà présent plus haut dans le fichier"
    assert any(r.message.startswith("enregistrement illisible") for r in result.rejections)


def test_what_data_inclusion_refuses_in_partner_files_is_reported(tmp_path):
    # Shapes met in real files: a reserved-domain e-mail, « tous publics » next to the publics aimed at.
    dump = write_json(
        tmp_path / "dump.json",
        {
            "structures": [structure(1), structure(2, courriel="accueil@centre-social.test")],
            "services": [service(1, publics=["tous-publics", "familles"]), service(2, courriel="rdv@garage.local")],
        },
    )
    result = offer_import(paths=[dump])
    assert result.created == {"structure": 1, "service": 0}
    report = {(r.kind, r.record_id, r.field): r.message for r in result.rejections}
    assert report == {
        ("structure", "dora--s2", "courriel"): "courriel invalide : « accueil@centre-social.test »",
        ("service", "dora--v1", "publics"): (
            "« Tous publics » ne peut pas être combiné avec d'autres publics : choisissez soit « Tous publics », "
            "soit les publics visés."
        ),
        ("service", "dora--v2", "courriel"): "courriel invalide : « rdv@garage.local »",
    }
    assert not Service.objects.exists()


def test_missing_zone_can_be_accepted_on_request(tmp_path):
    dump = write_json(
        tmp_path / "dump.json", {"structures": [structure(1)], "services": [service(1, zone_eligibilite=None)]}
    )
    result = offer_import(paths=[dump], require_zone=False)
    assert result.created["service"] == 1
    assert Service.objects.get().eligibility_zone == []


def test_the_source_option_keeps_only_that_source(tmp_path):
    dump = write_json(
        tmp_path / "dump.json",
        {"structures": [structure(1), structure(2, source="soliguide")], "services": [service(1)]},
    )
    result = offer_import(paths=[dump], source="dora")
    assert result.created == {"structure": 1, "service": 1}
    assert result.skipped == {"structure": 1, "service": 0}
    assert not Structure.objects.filter(source="soliguide").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '[{"source": "dora", "id": "a", "nom": "Structure", "date_maj": "2025-01-01"}, {"source": ',
            "JSON illisible",
        ),
        ('[{"source": "dora", "id": "a", "nom": "Structure", "date_maj": "2025-01-01"}', "tronqué"),
        ('{"autre": []}', "forme"),
        ("bonjour", "JSON illisible"),
    ],
)
def test_a_broken_file_writes_nothing(tmp_path, content, message):
    path = tmp_path / "dump.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(OfferImportError, match=message):
        offer_import(paths=[path], batch_size=1)
    assert not Structure.objects.exists()


def test_export_is_valid_against_the_package_and_reads_back(tmp_path):
    published = ServiceFactory(
        fee_details="",
        weekly_hours=3.0,
        weeks=2,
        eligibility_zone=["40192", "france"],
        mobilisation_url="https://a.fr/",
    )
    ServiceFactory(structure=published.structure, reception_modes=[], publics=["tous-publics"])
    ServiceFactory(draft=True)
    ServiceFactory(archived=True)
    broken = ServiceFactory(name="X")  # too short for the schema: left out, never exported broken
    path = tmp_path / "export.json"
    result = offer_export(path=path)
    content = json.loads(path.read_text(encoding="utf-8"))
    assert (result.structures, result.services) == (2, 2)
    assert [item[1] for item in result.left_out] == [broken.source_id]
    assert len(content["structures"]) == 2 and len(content["services"]) == 2
    for record in content["structures"]:
        v1.Structure.model_validate(record)
    for record in content["services"]:
        v1.Service.model_validate(record)
    exported = next(record for record in content["services"] if record["id"] == published.source_id)
    assert exported["structure_id"] == published.structure.source_id
    assert exported["zone_eligibilite"] == ["40192", "france"]
    assert exported["frais_precisions"] is None
    assert AuditEvent.objects.filter(code=AuditCode.OFFER_EXPORTED).count() == 1
    # What Jalon exports, Jalon reads back unchanged.
    again = offer_import(paths=[path])
    assert again.rejections == []
    assert again.unchanged == {"structure": 2, "service": 2}


def test_import_command_prints_a_french_summary_and_writes_the_report(tmp_path, capsys):
    dump = write_json(
        tmp_path / "dump.json",
        {"structures": [structure(1)], "services": [service(1), service(2, thematiques=["inconnue"])]},
    )
    report = tmp_path / "rejets.csv"
    call_command("import_offer", str(dump), "--report", str(report))
    out = capsys.readouterr()
    assert "Structures : 1 créées, 0 mises à jour, 0 inchangées, 0 rejetées." in out.out
    assert "Services : 1 créées, 0 mises à jour, 0 inchangées, 1 rejetées." in out.out
    assert "services" in out.err  # the progress bar
    rows = list(csv.reader(report.read_text(encoding="utf-8").splitlines()))
    assert rows[0] == ["type", "rang dans le fichier", "identifiant", "champ", "message"]
    assert rows[1][:4] == ["service", "2", "dora--v2", "thematiques"]


def test_import_command_refuses_a_broken_file(tmp_path):
    path = tmp_path / "dump.json"
    path.write_text("[{", encoding="utf-8")
    with pytest.raises(CommandError, match="rien n'a été enregistré"):
        call_command("import_offer", str(path), verbosity=0)


def test_export_command(tmp_path, capsys):
    ServiceFactory()
    path = tmp_path / "offre.json"
    call_command("export_offer", str(path))
    assert "Export : 1 structures, 1 services" in capsys.readouterr().out
    assert len(json.loads(path.read_text(encoding="utf-8"))["services"]) == 1
