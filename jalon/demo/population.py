"""The demo population: real CAF and MSA flux files, written by the generator and read by the real importer."""

import csv
import random
import unicodedata
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from lxml import etree

from jalon.intake.caf_flux.generator import write_flux
from jalon.intake.caf_import import caf_flux_import
from jalon.intake.demo import dsp_demo_fill
from jalon.people.models import HouseholdMember, Person
from jalon.territories.models import Commune


# Households per demo Département: the Landes had 8 501 CAF households in the RSA in October 2020 (PTI, §7).
HOUSEHOLDS = {"40": 8500, "64": 3000}
MSA_HOUSEHOLDS = {"40": 300, "64": 150}
NEAR_DUPLICATES = 12
FLUX_DATE = datetime(
    2026, 11, 2, 4, 30, tzinfo=ZoneInfo("Europe/Paris")
)  # a fixed date: the same file, byte for byte, at every `make run`


def _weighted_communes(departement_code: str) -> list[tuple[str, str, str]]:
    """Communes repeated in proportion to their population, so that towns hold most households."""
    communes = []
    for commune in Commune.objects.in_departement(departement_code).order_by("code"):
        entry = (commune.code, (commune.postal_codes or [""])[0], commune.name)
        communes.extend([entry] * max(1, (commune.population or 0) // 1500))
    return communes


def _typo(name: str, rng: random.Random) -> str:
    if len(name) < 4:
        return name + "E"
    position = rng.randrange(1, len(name) - 1)
    return name[:position] + name[position + 1] + name[position] + name[position + 2 :]


def _make_near_duplicates(path: Path, departement_code: str, seed: int) -> None:
    """Turn a few MSA applicants into near-copies of CAF persons: same first name and birth date, a typo in
    the last name, no NIR — what the matching cannot settle alone and leaves to an administrator."""
    rng = random.Random(seed)
    originals = list(
        Person.objects.filter(departement_id=departement_code)
        .exclude(nir_hash="")
        .order_by("pk")
        .values_list("last_name", "first_name", "birth_date")[:2000]
    )
    chosen = rng.sample(originals, NEAR_DUPLICATES)
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    applicants = [
        person
        for person in tree.iter("Personne")
        if person.findtext("Prestations/ROLEPERS") == "DEM" and person.find("Identification/NIR") is not None
    ]
    for element, (last_name, first_name, birth_date) in zip(applicants, chosen, strict=False):
        identification = element.find("Identification")
        identification.find("NOM").text = _typo(last_name, rng)
        identification.find("NOMNAI").text = _typo(last_name, rng)
        identification.find("PRENOM").text = first_name
        identification.find("DTNAI").text = birth_date.isoformat()
        identification.remove(identification.find("NIR"))
    tree.write(str(path), encoding="windows-1252", xml_declaration=True)


def build_population(ctx) -> None:
    code = ctx.config.code
    folder = Path(settings.JALON_DEMO_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    communes = _weighted_communes(code)
    caf_file = folder / f"flux-caf-{code}-2026-11.xml"
    msa_file = folder / f"flux-msa-{code}-2026-11.xml"
    households = ctx.households or HOUSEHOLDS[code]
    write_flux(caf_file, households=households, seed=int(code), commune_codes=communes, created_at=FLUX_DATE)
    runs = [
        caf_flux_import(
            path=caf_file,
            departement=ctx.departement,
            organisation=ctx.organisations["cd"],
            actor_label="commande seed_demo",
        )
    ]
    write_flux(
        msa_file,
        households=min(MSA_HOUSEHOLDS[code], households),
        seed=int(code) + 1000,
        commune_codes=communes,
        organisme="MSA",
        created_at=FLUX_DATE,
    )
    _make_near_duplicates(msa_file, code, seed=int(code))
    runs.append(
        caf_flux_import(
            path=msa_file,
            departement=ctx.departement,
            organisation=ctx.organisations["cd"],
            actor_label="commande seed_demo",
        )
    )
    subject = Person.objects.filter(
        departement_id=code,
        pk__in=HouseholdMember.objects.current().filter(subject_to_rights_and_duties=True).values("person_id"),
    ).order_by("pk")
    filled = dsp_demo_fill(persons=subject, seed=int(code))
    _contact_details(subject, seed=int(code))
    for run in runs:
        ctx.log(
            f"  {run.file_name} : {run.get_status_display()} — {run.households_created} foyers, "
            f"{run.persons_created} personnes, {run.duplicates_found} doublons possibles"
        )
    ctx.log(f"  {filled} questionnaires DSP remplis")
    _spreadsheet_sample(ctx, folder)


def _contact_details(persons, *, seed: int) -> None:
    """The CAF/MSA flux carries no phone nor e-mail: the Département collects them at intake. Most people give a
    mobile number, fewer an e-mail address; some give neither (letters then)."""
    rng = random.Random(seed + 7)
    updated = []
    for person in persons.only("pk", "first_name", "last_name"):
        if rng.random() < 0.75:
            person.phone = f"0{rng.choice('67')}{rng.randint(0, 99_999_999):08d}"
        if rng.random() < 0.45:
            # example.org is reserved for examples (RFC 2606): a plausible address that is nobody's mailbox.
            local = unicodedata.normalize("NFKD", f"{person.first_name}.{person.last_name}").encode("ascii", "ignore")
            person.email = f"{local.decode().lower().replace(' ', '-')}@example.org"
        updated.append(person)
    Person.objects.bulk_update(updated, ["phone", "email"], batch_size=2000)


def _spreadsheet_sample(ctx, folder: Path) -> None:
    """The Département's "Export IODAS" profile, and a sample export to try the spreadsheet import with:
    known persons (matched, their IODAS id filled in), new ones, a close name, two faulty rows."""
    from jalon.intake.demo import IODAS_MAPPING, spreadsheet_demo_profile

    spreadsheet_demo_profile(organisation=ctx.organisations["cd"], user=ctx.users["admin"])
    headers = list(IODAS_MAPPING.values())
    rng = random.Random(int(ctx.config.code))
    known = list(
        Person.objects.filter(departement_id=ctx.config.code, household_links__left_on=None)
        .order_by("pk")
        .values_list("last_name", "first_name", "birth_date", "household_links__household__matricule")[:400]
    )
    rows = []
    for index, (last_name, first_name, birth_date, matricule) in enumerate(rng.sample(known, 25)):
        rows.append(
            [
                f"IOD{40000 + index}",
                matricule,
                "DEM",
                "",
                last_name,
                "",
                first_name,
                birth_date.strftime("%d/%m/%Y"),
                "06 12 34 56 78",
                "",
            ]
        )
    new_people = [
        ("LAFARGUE", "Maïté", "12/03/1987"),
        ("DUPRAT", "Jean-Marc", "01/07/1969"),
        ("CASTAGNET", "Inès", "23/11/1995"),
        ("LABORDE", "Yannick", "05/05/1978"),
    ]
    for index, (last_name, first_name, birth) in enumerate(new_people):
        rows.append(
            [
                f"IOD{41000 + index}",
                "",
                "DEM",
                "MME" if first_name in ("Maïté", "Inès") else "MR",
                last_name,
                "",
                first_name,
                birth,
                "",
                "12 rue des Arènes 40000 Mont-de-Marsan",
            ]
        )
    last_name, first_name, birth_date, _ = known[0]
    rows.append(
        ["IOD42000", "", "DEM", "", last_name[:-1] + "E", "", first_name, birth_date.strftime("%d/%m/%Y"), "", ""]
    )
    rows.append(["IOD42001", "", "DEM", "", "SANS-DATE", "", "Paul", "31/02/1980", "", ""])
    rows.append(["IOD42002", "", "DEM", "", "", "", "Anne", "01/01/1990", "", ""])
    path = folder / f"export-iodas-{ctx.config.code}.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(headers)
        writer.writerows(rows)
    ctx.log(f"  tableur d'exemple à importer : {path}")
