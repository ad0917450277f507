"""The synthetic CAF/MSA flux generator: determinism, realism, mutations."""

import hashlib
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from lxml import etree

from jalon.intake.caf_flux import generator
from jalon.intake.caf_flux.generator import PARIS, generate_households, write_flux
from jalon.intake.caf_flux.parser import SCHEMA_PATH, FluxHousehold, nir_error, read_flux


CREATED_AT = datetime(2025, 6, 2, 4, 30, tzinfo=PARIS)


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_same_bytes(tmp_path):
    first, second, other = tmp_path / "a.xml", tmp_path / "b.xml", tmp_path / "c.xml"
    write_flux(first, households=300, seed=42, created_at=CREATED_AT)
    write_flux(second, households=300, seed=42, created_at=CREATED_AT)
    write_flux(other, households=300, seed=43, created_at=CREATED_AT)
    assert _digest(first) == _digest(second)
    assert _digest(first) != _digest(other)


def test_default_creation_date_is_stable_within_a_day(tmp_path):
    first, second = tmp_path / "a.xml", tmp_path / "b.xml"
    write_flux(first, households=20, seed=1)
    write_flux(second, households=20, seed=1)
    if datetime.now(PARIS).hour == 0 and datetime.now(PARIS).minute == 0:
        pytest.skip("midnight")
    assert _digest(first) == _digest(second)
    header, _items = read_flux(first)
    assert header.created_at.date() == datetime.now(PARIS).date()


def test_counts_match_what_was_written(tmp_path):
    path = tmp_path / "flux.xml"
    counts = write_flux(path, households=500, seed=5, created_at=CREATED_AT)
    records = list(generate_households(households=500, seed=5, created_at=CREATED_AT))
    assert counts["households"] == 500
    assert counts["persons"] == sum(len(r.persons) for r in records)
    assert counts["bytes"] == path.stat().st_size
    assert counts["by_state"] == dict(Counter(r.right_state for r in records))
    assert counts["mutated"] == 0


@pytest.fixture(scope="module")
def population() -> list[FluxHousehold]:
    return list(generate_households(households=4000, seed=9, created_at=CREATED_AT))


def test_household_composition(population):
    kinds = Counter()
    for household in population:
        roles = [p.role for p in household.persons]
        assert 1 <= len(roles) <= 6
        assert roles.count("DEM") == 1 and roles[0] == "DEM"
        assert roles.count("CJT") <= 1
        assert set(roles) <= {"DEM", "CJT", "ENF"}
        if "CJT" in roles:
            kinds["couple"] += 1
        elif "ENF" in roles:
            kinds["single parent"] += 1
        else:
            kinds["single"] += 1
    share = {kind: count / len(population) for kind, count in kinds.items()}
    assert share["single"] == pytest.approx(0.55, abs=0.03)
    assert share["single parent"] == pytest.approx(0.25, abs=0.03)
    assert share["couple"] == pytest.approx(0.20, abs=0.03)


def test_persons_are_plausible(population):
    today = CREATED_AT.date()
    nirs = []
    for household in population:
        adults = [p for p in household.persons if p.role != "ENF"]
        youngest_adult = max(p.birth_date for p in adults)
        for person in household.persons:
            age = (today - person.birth_date).days / 365.25
            assert person.sex in ("1", "2")
            assert person.last_name and person.first_name and person.birth_place
            if person.role == "ENF":
                assert 0 <= age < 21
                assert person.birth_date > youngest_adult + timedelta(days=16 * 365)
                assert person.civility == ""
            else:
                assert 18 <= age < 66
                assert person.civility == ("MR" if person.sex == "1" else "MME")
            if person.nir is not None:
                assert nir_error(person.nir) is None
                assert person.nir[0] in (person.sex, str(int(person.sex) + 6))
                assert person.nir[1:3] == f"{person.birth_date.year % 100:02d}"
                assert person.nir[3:5] == f"{person.birth_date.month:02d}"
                nirs.append(person.nir)
            assert len(person.last_name) <= 28 and len(person.first_name) <= 32 and len(person.birth_place) <= 26
    assert len(nirs) == len(set(nirs)), "NIRs are unique in a file"
    departements = Counter(nir[5:7] for nir in nirs)
    assert departements.most_common(1)[0][0] == "40"  # born where they live, mostly
    assert departements["99"] > 0  # some born abroad


def test_rights_are_plausible(population):
    today = CREATED_AT.date()
    states = Counter(h.right_state for h in population)
    assert states[2] / len(population) > 0.6
    assert all(states[s] > 0 for s in range(7))
    for household in population:
        assert today - timedelta(days=3660) <= household.request_date <= today
        assert household.address is not None and household.address.commune_code
        if household.right_state in (3, 4):
            assert household.suspension_reason and household.suspension_date
            assert household.opening_date <= household.suspension_date <= today
        else:
            assert household.suspension_reason == "" and household.suspension_date is None
        if household.right_state in (5, 6):
            assert household.closure_reason and household.closure_date
            assert household.opening_date < household.closure_date <= today
        else:
            assert household.closure_reason == "" and household.closure_date is None
        if household.right_state >= 2:
            assert household.opening_date is not None and household.opening_date.day == 1
        else:
            assert household.opening_date is None
        if household.right_state == 0:
            assert household.request_date > today - timedelta(days=61)
    open_adults = [p for h in population if h.right_state in (2, 3, 4) for p in h.persons if p.role != "ENF"]
    subject = sum(1 for p in open_adults if p.subject_to_rights_and_duties) / len(open_adults)
    assert subject > 0.85
    with_ft = sum(1 for h in population for p in h.persons if p.france_travail_id)
    assert with_ft > 0
    homeless = sum(1 for h in population if h.homeless) / len(population)
    assert 0.01 < homeless < 0.06
    years = {h.request_date.year for h in population}
    assert len(years) >= 10


def test_matricules_are_unique(population):
    matricules = [h.matricule for h in population]
    assert len(set(matricules)) == len(matricules)
    assert all(m.isdigit() and len(m) <= 15 for m in matricules)


def test_mutation_changes_the_requested_share(tmp_path):
    base = list(generate_households(households=2000, seed=3, created_at=CREATED_AT))
    mutated = list(
        generate_households(households=2000, seed=8, mutate_from_seed=3, mutate_share=0.05, created_at=CREATED_AT)
    )
    assert [h.matricule for h in base] == [h.matricule for h in mutated]
    changed = [i for i, (a, b) in enumerate(zip(base, mutated, strict=True)) if a != b]
    assert len(changed) / 2000 == pytest.approx(0.05, abs=0.005)
    kinds = Counter()
    for i in changed:
        before, after = base[i], mutated[i]
        if before.right_state != after.right_state:
            kinds["state"] += 1
        elif len(after.persons) > len(before.persons):
            kinds["added"] += 1
            assert after.persons[:-1] == before.persons
        elif len(after.persons) < len(before.persons):
            kinds["removed"] += 1
            assert before.persons[:-1] == after.persons
        else:
            assert after.address != before.address
            kinds["address"] += 1
    assert set(kinds) == {"state", "added", "removed", "address"}

    path = tmp_path / "mutated.xml"
    counts = write_flux(path, households=2000, seed=8, mutate_from_seed=3, mutate_share=0.05, created_at=CREATED_AT)
    assert counts["mutated"] == len(changed)
    assert sum(counts["mutations"].values()) == len(changed)
    # Unchanged households are byte-identical, hence the same raw hash.
    original = tmp_path / "original.xml"
    write_flux(original, households=2000, seed=3, created_at=CREATED_AT)
    _h, first = read_flux(original)
    _h, second = read_flux(path)
    same_hash = [a.raw_hash == b.raw_hash for a, b in zip(first, second, strict=True)]
    assert [i for i, same in enumerate(same_hash) if not same] == changed


def test_msa_utf8_and_custom_states_are_valid(tmp_path):
    path = tmp_path / "msa.xml"
    write_flux(
        path,
        households=200,
        seed=4,
        organisme="MSA",
        encoding="utf-8",
        state_weights={2: 1, 5: 1},
        commune_codes=[("2A004", "20000", "Ajaccio"), ("2B033", "20200", "Bastia")],
        created_at=CREATED_AT,
    )
    schema = etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))
    schema.assertValid(etree.parse(str(path)))
    _header, items = read_flux(path)
    items = list(items)
    assert {h.organisme for h in items} == {"MSA"}
    assert {h.right_state for h in items} == {2, 5}
    corsicans = [p.nir for h in items for p in h.persons if p.nir and p.nir[5:7] in ("2A", "2B", "20")]
    assert corsicans
    assert all(
        p.nir[5:7] == "20"
        for h in items
        for p in h.persons
        if p.nir and p.birth_date < date(1976, 1, 1) and p.nir[5:7] in ("2A", "2B", "20")
    )


def test_bad_arguments():
    with pytest.raises(ValueError, match="organisme"):
        list(generate_households(households=1, organisme="URSSAF"))
    with pytest.raises(ValueError, match="mutate_share"):
        list(generate_households(households=1, mutate_share=2))
    with pytest.raises(ValueError, match="state_weights"):
        list(generate_households(households=1, state_weights={9: 1}))


def test_command_line(tmp_path, capsys):
    path = tmp_path / "cli.xml"
    assert generator.main([str(path), "--households", "50", "--seed", "2", "--created-at", "2025-06-02T04:30:00"]) == 0
    assert "50 foyers" in capsys.readouterr().err
    expected = tmp_path / "api.xml"
    write_flux(expected, households=50, seed=2, created_at=CREATED_AT)
    assert _digest(path) == _digest(expected)
    mutated = tmp_path / "mutated.xml"
    generator.main(
        [str(mutated), "--households", "50", "--seed", "3", "--mutate-from-seed", "2", "--mutate-share", "0.1"]
        + ["--created-at", "2025-06-02T04:30:00"]
    )
    assert "5 foyers modifiés" in capsys.readouterr().err
