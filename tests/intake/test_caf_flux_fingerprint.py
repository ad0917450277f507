"""The raw fingerprints of the reader: households whose bytes are known are not parsed, and the rest is unchanged."""

import re
from datetime import datetime
from pathlib import Path

from jalon.intake.caf_flux.generator import PARIS, write_flux
from jalon.intake.caf_flux.parser import FluxHousehold, FluxUnchanged, FluxUnchangedRun, read_flux
from tests.intake.flux_builder import H, P, flux


CREATED_AT = datetime(2025, 6, 2, 4, 30, tzinfo=PARIS)
MARIE = P("DUPONT", "Marie", "1985-05-06", "2850540192123")
PAUL = P("MARTIN", "Paul", "1970-01-01", "1700140088123", sexe="1")
LEO = P("DUPONT", "Léo", "2015-02-03", role="ENF", subject=None)
# A parent's block (Rattachement) carries another person's NIR: not a NIR of the household's persons.
RATTACHEMENT = (
    b"</Prestations>\n<Rattachement>\n<NOMNAI>DURAND</NOMNAI>\n<PRENOM>Anne</PRENOM>\n<DTNAI>1960-01-01</DTNAI>\n"
    b"<NIR>2600140192999</NIR>\n<TYPEPAR>PAR</TYPEPAR>\n</Rattachement>\n<MontantCalculDroitRSAPersonne>"
)


def _items(path, known=None):
    _header, items = read_flux(path, known_fingerprints=known)
    return list(items)


def _generated(tmp_path: Path, name: str = "flux.xml", **kwargs) -> Path:
    path = tmp_path / name
    write_flux(path, households=40, seed=7, created_at=CREATED_AT, **kwargs)
    return path


def _as_unchanged(item: FluxHousehold) -> tuple:
    nirs = tuple(person.nir for person in item.persons if person.nir)
    return (item.line, item.organisme, item.organisme_code, item.matricule, item.partner_departement, nirs)


def _fields(item: FluxUnchanged) -> tuple:
    return (item.line, item.organisme, item.organisme_code, item.matricule, item.partner_departement, item.nirs)


def test_fingerprints_change_nothing_else_and_known_households_are_not_parsed(tmp_path):
    path = _generated(tmp_path)
    plain = _items(path)
    first = _items(path, known=set())
    assert all(item.raw_fingerprint for item in first)
    assert len({item.raw_fingerprint for item in first}) == len(first)
    # Without known fingerprints, the reader gives what it gave before, with the fingerprint on top.
    assert [item.__class__(**{**_values(item), "raw_fingerprint": ""}) for item in first] == plain

    again = _items(path, known={item.raw_fingerprint for item in first})
    assert all(isinstance(item, FluxUnchanged) for item in again)
    assert [_fields(item) for item in again] == [_as_unchanged(item) for item in first]

    half = _items(path, known={item.raw_fingerprint for item in first[::2]})
    assert [type(item) for item in half] == [FluxUnchanged, FluxHousehold] * (len(first) // 2)
    assert half[1::2] == first[1::2]


def _values(item) -> dict:
    return {name: getattr(item, name) for name in item.__slots__}


def test_a_changed_byte_a_blank_or_another_encoding_is_another_fingerprint(tmp_path):
    first = _items(_generated(tmp_path), known=set())
    known = {item.raw_fingerprint for item in first}
    utf8 = _items(_generated(tmp_path, "utf8.xml", encoding="utf-8"), known=known)
    assert not any(isinstance(item, FluxUnchanged) for item in utf8)
    assert [item.raw_hash for item in utf8] == [item.raw_hash for item in first]

    data = (tmp_path / "flux.xml").read_bytes()
    spaced = tmp_path / "spaced.xml"
    spaced.write_bytes(data.replace(b"<Personne>", b" <Personne>", 1))
    items = _items(spaced, known=known)
    assert isinstance(items[0], FluxHousehold) and items[0].raw_hash == first[0].raw_hash
    assert all(isinstance(item, FluxUnchanged) for item in items[1:])


def test_a_known_household_that_repeats_a_matricule_or_a_nir_is_parsed(tmp_path):
    households = [H("1234567", [MARIE, LEO]), H("7654321", [PAUL])]
    path = tmp_path / "a.xml"
    path.write_bytes(flux(households))
    known = {item.raw_fingerprint for item in _items(path, known=set())}
    # The first household twice, then a new household with Paul's NIR, then Paul's household.
    repeated = tmp_path / "b.xml"
    repeated.write_bytes(flux([households[0], households[0], H("1111111", [PAUL]), households[1]]))
    items = _items(repeated, known=known)
    assert [type(item) for item in items] == [FluxUnchanged, FluxHousehold, FluxHousehold, FluxHousehold]
    assert [item.matricule for item in items] == ["1234567", "1234567", "1111111", "7654321"]


def test_only_the_persons_own_nirs_are_read_from_a_skipped_household(tmp_path):
    path = tmp_path / "a.xml"
    path.write_bytes(
        flux([H("1234567", [MARIE, LEO])]).replace(b"</Prestations>\n<MontantCalculDroitRSAPersonne>", RATTACHEMENT, 1)
    )
    parsed = _items(path, known=set())
    assert isinstance(parsed[0], FluxHousehold)
    (skipped,) = _items(path, known={parsed[0].raw_fingerprint})
    assert isinstance(skipped, FluxUnchanged)
    assert skipped.nirs == (MARIE.nir,)


def test_from_a_comment_on_nothing_is_skipped(tmp_path):
    path = _generated(tmp_path)
    known = {item.raw_fingerprint for item in _items(path, known=set())}
    tampered = tmp_path / "comment.xml"
    tampered.write_bytes(_replace_nth(path.read_bytes(), b"<InfosFoyerRSA>", b"<!-- lot 2 -->\n<InfosFoyerRSA>", 21))
    items = _items(tampered, known=known)
    assert [type(item) for item in items] == [FluxUnchanged] * 20 + [FluxHousehold] * 20
    plain = _items(tampered)
    assert [item.line for item in items] == [item.line for item in plain]
    assert items[20:] == plain[20:]


def test_a_known_household_whose_tags_are_not_plain_is_parsed(tmp_path):
    path = _generated(tmp_path)
    tampered = tmp_path / "blank.xml"
    data = path.read_bytes()
    at = data.index(b"<NIR>", data.index(b"<InfosFoyerRSA>", data.index(b"<InfosFoyerRSA>") + 1))
    tampered.write_bytes(data[:at] + b"<NIR >" + data[at + 5 :])
    first = _items(tampered, known=set())
    items = _items(tampered, known={item.raw_fingerprint for item in first})
    assert [type(item) for item in items] == [FluxUnchanged, FluxHousehold] + [FluxUnchanged] * 38
    assert items[1] == first[1]


def _replace_nth(data: bytes, old: bytes, new: bytes, n: int) -> bytes:
    at = -1
    for _ in range(n):
        at = data.index(old, at + 1)
    return data[:at] + new + data[at + len(old) :]


def test_skipped_households_are_handed_over_as_the_file_is_read(tmp_path):
    path = tmp_path / "big.xml"
    write_flux(path, households=800, seed=7, created_at=CREATED_AT)
    known = {item.raw_fingerprint for item in _items(path, known=set())}
    read: list[int] = []
    _header, items = read_flux(path, known_fingerprints=known, progress=read.append)
    first = next(items)
    assert isinstance(first, FluxUnchanged)
    # Not held back until the end of the file (memory would grow with it).
    assert read[-1] < path.stat().st_size
    items.close()


def _flattened(items) -> list:
    return [one for item in items for one in (item.households() if isinstance(item, FluxUnchangedRun) else [item])]


def test_runs_of_skipped_households_read_together_give_what_they_give_one_by_one(tmp_path):
    path = _generated(tmp_path)
    first = _items(path, known=set())
    known = {item.raw_fingerprint for item in first[:10] + first[12:]}
    one_by_one = _items(path, known=known)

    _header, items = read_flux(path, known_fingerprints=known, runs=True)
    together = list(items)
    assert [type(item) for item in together] == [FluxUnchangedRun, FluxHousehold, FluxHousehold, FluxUnchangedRun]
    assert [item.count for item in together if isinstance(item, FluxUnchangedRun)] == [10, 28]
    assert _flattened(together) == one_by_one
    # A file read by its path counts the skipped households' lines only when asked, from the file; a stream counts
    # them as it reads: the same lines.
    with path.open("rb") as stream:
        _header, items = read_flux(stream, known_fingerprints=known, runs=True)
        assert _flattened(items) == one_by_one
    assert [item.line for item in one_by_one] == [item.line for item in first]


def test_a_run_with_a_parents_block_or_a_repeat_is_read_household_by_household(tmp_path):
    path = _generated(tmp_path)
    data = path.read_bytes()
    # The third household gets a parent's block (Rattachement) and the fifth the matricule of the fourth.
    starts = [at for at in range(len(data)) if data.startswith(b"<InfosFoyerRSA>", at)][:6]
    third = data[starts[2] : starts[3]]
    third = third.replace(b"</Prestations>\n<MontantCalculDroitRSAPersonne>", RATTACHEMENT, 1)
    fourth, fifth = data[starts[3] : starts[4]], data[starts[4] : starts[5]]
    matricule = fourth.split(b"<MATRICULE>")[1].split(b"</MATRICULE>")[0]
    fifth = re.sub(rb"<MATRICULE>[^<]*</MATRICULE>", b"<MATRICULE>" + matricule + b"</MATRICULE>", fifth, count=1)
    path.write_bytes(data[: starts[2]] + third + fourth + fifth + data[starts[5] :])
    first = _items(path, known=set())
    known = {item.raw_fingerprint for item in first}

    _header, items = read_flux(path, known_fingerprints=known, runs=True)
    together = list(items)
    assert not any(isinstance(item, FluxUnchangedRun) for item in together[:6])
    assert isinstance(together[4], FluxHousehold)  # the repeat is parsed, for the importer to reject it
    assert _flattened(together) == _items(path, known=known)
