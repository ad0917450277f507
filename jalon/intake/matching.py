"""Who each row of a beneficiary list is: an existing person of the Département, a new one, or maybe a duplicate.

For a batch of checked rows, one query per criterion, tried in this order:

1. the NIR (its keyed hash);
2. the Département's own identifier (IODAS…);
3. the CAF/MSA matricule and the birth date: a current or past member of a household with that matricule
   born that day (several: the one with the same first name); a row without birth date (contact lists of the
   CNAF, rdv-insertion): the member of that household with the same first and last (or birth) name, once
   normalised, if only one has it;
4. the same birth date and first name: the same last (or birth) name is the person; a close name (character
   ratio ≥ 0.8) makes a new person and a duplicate candidate for review.

A stored person whose NIR or identifier differs from the row's is never the row's person.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher

from jalon.core.bulk import filter_any
from jalon.core.text import normalise_name
from jalon.people.crypto import nir_hash
from jalon.people.models import Household, HouseholdMember, Person


# Below this, two names are not the same person; between it and 1.0 the pair goes to duplicate review.
FUZZY_THRESHOLD = 0.8

CRITERION_LABELS = {
    "nir": "même NIR",
    "internal_id": "même identifiant départemental",
    "matricule": "même n° CAF/MSA et même date de naissance",
    "matricule_name": "même n° CAF/MSA et mêmes nom et prénom",
    "name": "mêmes nom, prénom et date de naissance",
}


@dataclass
class Match:
    # The existing person the row is, and by which criterion (a key of CRITERION_LABELS).
    person: Person | None = None
    criterion: str = ""
    # For a new person: the existing one it may duplicate, with the likeness and why.
    candidate: Person | None = None
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    # The row's NIR belongs to a person of another département: it cannot be stored twice.
    nir_elsewhere: bool = False
    # The household of the row's matricule in the département, if it exists; `household_elsewhere` when there is
    # none here but another département has that matricule without organisme code (a new one would collide).
    household: Household | None = None
    household_elsewhere: bool = False
    # A row without birth date: how many members of its household bear its name (more than one: undecidable).
    namesakes: int = 0


class PersonMatcher:
    """Matches rows (the values dicts of `spreadsheet.parse_row`, organisme filled) against the active persons
    of one département. `ignore` are persons not to match (those created by the running import, so that the
    import decides as its preview did)."""

    def __init__(self, *, departement_id: str):
        self.departement_id = departement_id

    def match(self, rows: Sequence[dict], *, ignore: Collection[int] = ()) -> list[Match]:
        persons = Person.objects.active().filter(departement_id=self.departement_id)
        by_hash = self._by_nir(persons, rows, ignore)
        elsewhere = self._nir_elsewhere(rows, by_hash)
        by_internal_id = self._by_internal_id(persons, rows, ignore)
        households, households_elsewhere = self._households(rows)
        by_matricule, by_household = self._by_matricule(rows, ignore)
        pool = self._by_birth_and_first_name(persons, rows, ignore)

        matches = []
        for row in rows:
            household_key = (row["organisme"], row["matricule"])
            match = Match(
                household=households.get(household_key),
                household_elsewhere=household_key not in households and household_key in households_elsewhere,
            )
            self._match_row(row, match, by_hash, elsewhere, by_internal_id, by_matricule, by_household, pool)
            matches.append(match)
        return matches

    # -- one query per criterion -------------------------------------------------------------------------------

    def _by_nir(self, persons, rows, ignore) -> dict[str, Person]:
        hashes = {nir_hash(row["nir"]) for row in rows if row["nir"]}
        if not hashes:
            return {}
        return {
            person.nir_hash: person for person in filter_any(persons, "nir_hash", hashes) if person.pk not in ignore
        }

    def _nir_elsewhere(self, rows, by_hash) -> set[str]:
        missing = {nir_hash(row["nir"]) for row in rows if row["nir"]} - by_hash.keys()
        if not missing:
            return set()
        others = Person.objects.active().exclude(departement_id=self.departement_id)
        return set(filter_any(others, "nir_hash", missing).values_list("nir_hash", flat=True))

    def _by_internal_id(self, persons, rows, ignore) -> dict[str, list[Person]]:
        ids = {row["internal_id"] for row in rows if row["internal_id"]}
        found: dict[str, list[Person]] = {}
        if ids:
            for person in filter_any(persons, "internal_id", ids).order_by("pk"):
                if person.pk not in ignore:
                    found.setdefault(person.internal_id, []).append(person)
        return found

    def _households(self, rows) -> tuple[dict[tuple[str, str], Household], set[tuple[str, str]]]:
        """Households of the rows' matricules: in the département (any organisme code: the flux's), and the
        keys taken elsewhere by a household without organisme code (the one a new household would collide with)."""
        matricules = {row["matricule"] for row in rows if row["matricule"]}
        here: dict[tuple[str, str], Household] = {}
        elsewhere: set[tuple[str, str]] = set()
        if not matricules:
            return here, elsewhere
        for household in filter_any(Household.objects.all(), "matricule", matricules).order_by("pk"):
            key = (household.organisme, household.matricule)
            if household.departement_id == self.departement_id:
                here.setdefault(key, household)
            elif household.organisme_code == "":
                elsewhere.add(key)
        return here, elsewhere

    def _by_matricule(self, rows, ignore):
        """Members of the rows' households, by (organisme, matricule, birth date) and by (organisme, matricule)."""
        matricules = {row["matricule"] for row in rows if row["matricule"]}
        found: dict[tuple[str, str, date], list[Person]] = {}
        by_household: dict[tuple[str, str], list[Person]] = {}
        if not matricules:
            return found, by_household
        links = (
            HouseholdMember.objects.filter(
                household__departement_id=self.departement_id,
                household__matricule__in=matricules,
                person__merged_into=None,
                person__departement_id=self.departement_id,
            )
            .select_related("person", "household")
            .order_by("person_id")
        )
        for link in links:
            person = link.person
            key = (link.household.organisme, link.household.matricule, person.birth_date)
            if person.pk not in ignore and person not in found.get(key, []):
                found.setdefault(key, []).append(person)
                by_household.setdefault(key[:2], []).append(person)
        return found, by_household

    def _by_birth_and_first_name(self, persons, rows, ignore) -> dict[tuple[date, str], list[Person]]:
        keys = {(row["birth_date"], normalise_name(row["first_name"])) for row in rows if row["birth_date"]}
        found: dict[tuple[date, str], list[Person]] = {}
        if not keys:
            return found
        candidates = filter_any(persons, "birth_date", {key[0] for key in keys})
        for person in filter_any(candidates, "normalized_first_name", {key[1] for key in keys}).order_by("pk"):
            key = (person.birth_date, person.normalized_first_name)
            if key in keys and person.pk not in ignore:
                found.setdefault(key, []).append(person)
        return found

    # -- deciding ----------------------------------------------------------------------------------------------

    def _match_row(
        self, row, match: Match, by_hash, elsewhere, by_internal_id, by_matricule, by_household, pool
    ) -> None:
        if row["nir"]:
            hashed = nir_hash(row["nir"])
            person = by_hash.get(hashed)
            if person is not None:
                match.person, match.criterion = person, "nir"
                return
            if hashed in elsewhere:
                match.nir_elsewhere = True
                return
        for person in by_internal_id.get(row["internal_id"], []) if row["internal_id"] else []:
            if not _conflict(person, row):
                match.person, match.criterion = person, "internal_id"
                return
        first_name = normalise_name(row["first_name"])
        if row["birth_date"] is None:
            # Without a birth date only a member of the row's household with the row's name can be the person.
            members = by_household.get((row["organisme"], row["matricule"]), []) if row["matricule"] else []
            namesakes = [
                person
                for person in members
                if person.normalized_first_name == first_name
                and name_similarity(person, row) >= 1.0
                and not _conflict(person, row)
            ]
            match.namesakes = len(namesakes)
            if len(namesakes) == 1:
                match.person, match.criterion = namesakes[0], "matricule_name"
            return
        if row["matricule"]:
            members = [
                person
                for person in by_matricule.get((row["organisme"], row["matricule"], row["birth_date"]), [])
                if not _conflict(person, row)
            ]
            if len(members) > 1:  # twins: the first name tells them apart
                members = [person for person in members if person.normalized_first_name == first_name]
            if len(members) == 1:
                match.person, match.criterion = members[0], "matricule"
                return
        best, best_score = None, 0.0
        for candidate in pool.get((row["birth_date"], first_name), []):
            if _conflict(candidate, row):
                continue
            score = name_similarity(candidate, row)
            if score > best_score:
                best, best_score = candidate, score
        if best is not None and best_score >= 1.0:
            match.person, match.criterion = best, "name"
        elif best is not None and best_score >= FUZZY_THRESHOLD:
            match.candidate, match.score = best, round(best_score, 3)
            match.reasons = [
                "même date de naissance",
                "même prénom",
                f"noms proches ({best.last_name} / {row['last_name']})",
            ]


def _conflict(person: Person, row: dict) -> bool:
    """The stored person has another NIR or another departmental identifier: someone else."""
    if row["nir"] and person.nir_hash and person.nir_hash != nir_hash(row["nir"]):
        return True
    return bool(row["internal_id"] and person.internal_id and person.internal_id != row["internal_id"])


def name_similarity(person: Person, row: dict) -> float:
    """1.0 when the last (or birth) name is the same once normalised, else the best character ratio."""
    names = {person.normalized_last_name, person.normalized_birth_name} - {""}
    row_names = {normalise_name(row["last_name"]), normalise_name(row["birth_name"])} - {""}
    if names & row_names:
        return 1.0
    return max((SequenceMatcher(None, a, b).ratio() for a in names for b in row_names), default=0.0)
