"""A large re-import has the second half of its file read by a helper process while the reader reads the first: the
same households, with the same lines and messages, as one reading from start to end, whatever the file holds."""

import re

import pytest

from jalon.intake.caf_flux import parser
from jalon.intake.caf_flux.parser import FluxError, FluxHousehold, FluxUnchanged, read_flux
from tests.intake.test_caf_flux_fingerprint import _flattened, _generated, _items


@pytest.fixture
def halves(monkeypatch) -> list[bool]:
    """Any file read with `halves` has its second half read aside; whether each reading took the helper's items."""
    monkeypatch.setattr(parser, "SECOND_HALF_MIN_BYTES", 0)
    monkeypatch.setattr(parser, "SECOND_HALF_MIN_KNOWN", 0)
    taken: list[bool] = []
    real = parser._FluxReader._second_half_items

    def spy(self):
        items = real(self)
        taken.append(items is not None)
        return items

    monkeypatch.setattr(parser._FluxReader, "_second_half_items", spy)
    return taken


def _read(path, known, *, halves: bool) -> list:
    _header, items = read_flux(path, known_fingerprints=known, runs=True, halves=halves)
    return _flattened(items)


def _households(data: bytes) -> list[int]:
    return [match.start() for match in re.finditer(rb"<InfosFoyerRSA>", data)]


def _known_but(path, *indexes: int) -> set[str]:
    return {item.raw_fingerprint for index, item in enumerate(_items(path, known=set())) if index not in indexes}


def test_the_second_half_read_aside_gives_what_one_reading_gives(tmp_path, halves):
    path = _generated(tmp_path)
    # Changed households in both halves: the helper parses those of its half.
    known = _known_but(path, 3, 30, 31)
    one_reading = _read(path, known, halves=False)
    assert _read(path, known, halves=True) == one_reading
    assert halves == [True]
    assert [type(item) for item in one_reading[29:33]] == [FluxUnchanged, FluxHousehold, FluxHousehold, FluxUnchanged]
    # And a first reading, nothing known: the helper parses its whole half.
    assert _read(path, set(), halves=True) == _read(path, set(), halves=False)
    assert halves == [True, True]


def test_a_second_half_that_repeats_the_first_is_read_by_the_reader_itself(tmp_path, halves):
    path = _generated(tmp_path)
    data = path.read_bytes()
    starts = _households(data)
    matricule = data[starts[2] :].split(b"<MATRICULE>")[1].split(b"</MATRICULE>")[0]
    repeat = re.sub(
        rb"<MATRICULE>[^<]*</MATRICULE>",
        b"<MATRICULE>" + matricule + b"</MATRICULE>",
        data[starts[35] : starts[36]],
        count=1,
    )
    path.write_bytes(data[: starts[35]] + repeat + data[starts[36] :])
    known = _known_but(path)
    one_reading = _read(path, known, halves=False)
    assert isinstance(one_reading[35], FluxHousehold)  # parsed, for the importer to reject it as a repeat
    assert _read(path, known, halves=True) == one_reading
    assert halves == [False]


@pytest.mark.parametrize("where", [5, 35], ids=["first-half", "second-half"])
def test_a_comment_makes_the_reader_read_the_second_half_itself(tmp_path, halves, where):
    path = _generated(tmp_path)
    data = path.read_bytes()
    at = _households(data)[where]
    path.write_bytes(data[:at] + b"<!-- note -->\n" + data[at:])
    known = _known_but(path, 38)
    assert _read(path, known, halves=True) == _read(path, known, halves=False)
    assert halves == [False]


def test_a_broken_second_half_fails_where_one_reading_fails(tmp_path, halves):
    path = _generated(tmp_path)
    known = _known_but(path)
    data = path.read_bytes()
    path.write_bytes(data[: _households(data)[37] + 40])  # cut in the middle of a household
    errors = []
    for aside in (False, True):
        with pytest.raises(FluxError) as error:
            _read(path, known, halves=aside)
        errors.append(str(error.value))
    assert errors[0] == errors[1] and "incomplet" in errors[0]
    assert halves == [False]


def test_a_helper_with_too_many_changed_households_leaves_the_second_half_to_the_reader(tmp_path, halves, monkeypatch):
    """The importer writes changed households while the reader reads on: a second half full of them is better read by
    the reader itself than handed over once the helper is done."""
    monkeypatch.setattr(parser, "SECOND_HALF_MAX_PARSED", 1)
    path = _generated(tmp_path)
    known = _known_but(path, 30, 31)
    assert _read(path, known, halves=True) == _read(path, known, halves=False)
    assert halves == [False]
