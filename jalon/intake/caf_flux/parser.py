"""Streaming reader of the CAF/MSA "flux bénéficiaires RSA" (schema vrsb0801, shipped beside this module).

`read_flux` reads the file in chunks of 1 MB through an lxml pull parser: only the finished
`InfosFoyerRSA` elements are handed over, each is turned into a `FluxHousehold` (or a `FluxRejection`)
then cleared and removed from the tree, so memory stays flat whatever the size of the file.

Security: no DTD is loaded, no entity is resolved, no network is used, and a file that carries a DOCTYPE
(hence possibly entity declarations: billion laughs, XXE) is refused before the parser sees it.

Pure Python + lxml: importable without Django.
"""

import codecs
import hashlib
import os
import pickle
import re
import signal
import stat
import sys
import tempfile
import threading
import weakref
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from operator import attrgetter
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from lxml import etree


SCHEMA_PATH = Path(__file__).with_name("vrsb0801.xsd")
CHUNK_SIZE = 1 << 20
PARIS = ZoneInfo("Europe/Paris")

ROOT_TAG = "Racine"
HEADER_TAG = "IdentificationFlux"
HOUSEHOLD_TAG = "InfosFoyerRSA"
TRAILER_TAG = "TransmissionFlux"

RIGHT_STATE_CODES = frozenset("0123456")
ORGANISMES = ("CAF", "MSA")
# Encodings the flux may declare (all ASCII-compatible, which the line counter relies on).
UTF8_NAMES = frozenset({"utf-8", "utf8"})
SINGLE_BYTE_NAMES = frozenset(
    {"windows-1252", "cp1252", "iso-8859-1", "iso8859-1", "latin-1", "latin1", "iso-8859-15", "us-ascii", "ascii"}
)
# The prolog (XML declaration, comments) cannot reasonably be longer than this.
PROLOG_LIMIT = 1 << 20
MAX_REASONS = 4

DOCTYPE_REFUSED = "Le fichier contient une déclaration DOCTYPE ou d'entité, refusée par sécurité."


# --------------------------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class FluxHeader:
    type_flux: str  # TYPEFLUX
    nature_flux: str  # NATFLUX
    created_at: datetime  # DTCREAFLUX + HEUCREAFLUX, aware (Europe/Paris unless the time carries an offset)
    reference_date: date | None  # DTREF
    raw: dict[str, str]  # every IdentificationFlux child tag -> text


@dataclass(frozen=True, slots=True)
class FluxPerson:
    nir: str | None  # 13 characters, validated; None if absent
    last_name: str  # NOM
    birth_name: str  # NOMNAI, "" if absent
    first_name: str  # PRENOM
    birth_date: date  # DTNAI
    sex: str  # SEXE: "1" or "2" ("" if absent)
    civility: str  # QUAL ("MR", "MME"…), "" if absent
    role: str  # ROLEPERS of the RSA prestation: DEM, CJT, ENF…
    france_travail_id: str  # DossierPoleEmploi/IDASSEDIC or ""
    subject_to_rights_and_duties: bool | None  # MontantCalculDroitRSAPersonne/TOPPERSDRODEVORSA
    birth_place: str  # NOMCOMNAI, "" if absent


@dataclass(frozen=True, slots=True)
class FluxAddress:
    """From the household's French address (Adresse/AdresseDetailleeFrance of lowest rank RGADR).

    line1 = NUMVOIE LIBTYPEVOIE NOMVOIE (or LIEUDIST when there is no street), line2 = COMPLIDEADR COMPLADR,
    line3 = LIEUDIST (when line1 is a street), postal_code = CODEPOS (5 digits), city = NOMCOM,
    commune_code = NUMCOM (INSEE code of the commune).
    """

    line1: str
    line2: str
    line3: str
    postal_code: str
    city: str
    commune_code: str


@dataclass(frozen=True, slots=True)
class FluxHousehold:
    line: int  # line of the <InfosFoyerRSA> start tag
    organisme: str  # "CAF" or "MSA" (Organisme/FONORG)
    organisme_code: str  # Organisme/NUMORG (number of the CAF or of the MSA)
    matricule: str  # IdentificationRSA/Organisme/MATRICULE
    request_date: date | None  # DemandeRSA/DTDEMRSA
    request_number: str  # DemandeRSA/NUMDEMRSA (numéro de demande RSA), "" if absent
    partner_departement: str  # IdentificationRSA/Partenaire/IDEPARTE: the Département the file is meant for
    right_state: int  # ETATDOSRSA 0..6
    suspension_reason: str  # MOTISUSVERSRSA (else MOTISUSDRORSA) of the latest suspension, or ""
    suspension_date: date | None  # DDSUSVERSRSA (else DDSUSDRORSA)
    closure_reason: str  # FinDroit (else FinDroitMoisAnterieur)/MOTICLORSA, or ""
    closure_date: date | None  # DTCLORSA
    opening_date: date | None  # earliest DetailCalculDroitRSA/DDNATDRO (start of the right)
    homeless: bool  # TroncCommunDroitRSA/TOPSANSDOMFIXE
    address: FluxAddress | None
    persons: tuple[FluxPerson, ...]
    raw_hash: str  # sha256 of the C14N serialisation of the element (blank text between elements dropped)
    # sha256 of the element's raw bytes (with the file's encoding and root tag), "" when not computed: see
    # read_flux(known_fingerprints=...).
    raw_fingerprint: str = ""


@dataclass(frozen=True, slots=True)
class FluxUnchanged:
    """A household whose raw bytes are those of a household already imported (its fingerprint is known): it was
    not parsed. Only what the importer checks on every household of a file is read from its bytes."""

    line: int
    organisme: str
    organisme_code: str
    matricule: str
    partner_departement: str
    nirs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FluxUnchangedRun:
    """Consecutive households of the file skipped by their fingerprint, read together (see read_flux(runs=True)):
    the same values as one FluxUnchanged each, by column. None of them repeats a matricule or a NIR met before it in
    the file (the reader reads such households one by one)."""

    # Each household's line or, when line_of is set, its offset in the file, which line_of turns into its line
    # (lines are then counted only when asked for).
    positions: tuple[int, ...]
    keys: tuple[tuple[str, str, str], ...]  # (organisme, organisme_code, matricule) of each household
    partners: tuple[str, ...]  # IDEPARTE of each household
    nirs: tuple[str, ...]  # the persons' NIRs, in file order
    nir_of: tuple[int, ...]  # the index of the household of each of them
    line_of: Callable[[int], int] | None = None

    @property
    def count(self) -> int:
        return len(self.positions)

    @property
    def lines(self) -> tuple[int, ...]:
        return self.positions if self.line_of is None else tuple(map(self.line_of, self.positions))

    def households(self) -> list[FluxUnchanged]:
        nirs: list[list[str]] = [[] for _ in self.positions]
        for nir, index in zip(self.nirs, self.nir_of, strict=True):
            nirs[index].append(nir)
        return [
            FluxUnchanged(
                line=line,
                organisme=organisme,
                organisme_code=organisme_code,
                matricule=matricule,
                partner_departement=partner,
                nirs=tuple(own),
            )
            for line, (organisme, organisme_code, matricule), partner, own in zip(
                self.lines, self.keys, self.partners, nirs, strict=True
            )
        ]


@dataclass(frozen=True, slots=True)
class FluxRejection:
    line: int
    matricule: str  # "" if unknown
    reason: str  # in French


# The field values of each record, read by one C call (operator.attrgetter of several names gives a tuple).
_FIELD_VALUES = {
    record: attrgetter(*record.__slots__)
    for record in (FluxHeader, FluxPerson, FluxAddress, FluxHousehold, FluxRejection, FluxUnchanged)
}


def _positional_reduce(self):
    # Pickled as (class, field values): much faster than dataclasses' slot-by-slot state, and the importer
    # receives a whole file's households this way from its parsing process.
    return (type(self), _FIELD_VALUES[type(self)](self))


for _record in _FIELD_VALUES:
    _record.__reduce__ = _positional_reduce  # type: ignore[method-assign]


class FluxError(Exception):
    """The whole file is unusable; str(exc) is a French message for the screen."""


# ------------------------------------------------------------------------------------------ helpers


def nir_error(nir: str) -> str | None:
    """What is wrong with a 13-character NIR (without key), in French, or None if it is well formed."""
    if len(nir) != 13:
        return f"{len(nir)} caractères au lieu de 13"
    if nir[0] not in "123478":
        return f"premier caractère « {nir[0]} » invalide (1, 2, 3, 4, 7 ou 8 attendu)"
    departement = nir[5:7]
    if not (_DIGITS.fullmatch(departement) or departement in ("2A", "2B")):
        return f"département de naissance « {departement} » invalide (positions 6-7 : deux chiffres, 2A ou 2B)"
    for position, char in enumerate(nir, start=1):
        if position not in (6, 7) and not ("0" <= char <= "9"):
            return f"caractère « {char} » non numérique en position {position}"
    return None


def address_lines(
    *, numvoie: str, libtypevoie: str, nomvoie: str, complideadr: str, compladr: str, lieudist: str
) -> tuple[str, str, str]:
    """The three address lines built from the fields of AdresseDetailleeFrance (shared with the generator)."""
    street = " ".join(part for part in (numvoie, libtypevoie, nomvoie) if part)
    complement = " ".join(part for part in (complideadr, compladr) if part)
    if street:
        return street, complement, lieudist
    return lieudist, complement, ""


_DIGITS = re.compile(r"[0-9]+")


def _text(parent: etree._Element | None, path: str) -> str | None:
    """Stripped text of the first element at path, "" if it is empty, None if absent."""
    if parent is None:
        return None
    value = parent.findtext(path)
    return None if value is None else value.strip()


def _parse_date(value: str) -> date:
    # xsd:date may carry a time zone ("2024-01-31Z", "2024-01-31+01:00"): the calendar date is what matters.
    if len(value) < 10 or (len(value) > 10 and value[10] not in "Z+-"):
        raise ValueError(value)
    return date.fromisoformat(value[:10])


def _parse_bool(value: str) -> bool:
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise ValueError(value)


def _parse_time(value: str) -> tuple[time, timezone | None]:
    match = re.fullmatch(r"(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?", value)
    if not match:
        raise ValueError(value)
    hour, minute, second = (int(match.group(i)) for i in (1, 2, 3))
    tz = None
    if match.group(4) == "Z":
        tz = UTC
    elif match.group(4):
        sign = 1 if match.group(4)[0] == "+" else -1
        tz = timezone(sign * timedelta(hours=int(match.group(4)[1:3]), minutes=int(match.group(4)[4:6])))
    return time(min(hour, 23), minute, second), tz


def _french_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " ou " + items[-1]


# -------------------------------------------------------------------------------------- the schema


class _Schema:
    """The XSD, built once per thread (an XMLSchema's error_log is per object), and which children are
    mandatory in which element (to phrase "missing element" messages)."""

    _local = threading.local()
    _mandatory: dict[str, frozenset[str]] | None = None
    _lock = threading.Lock()

    @classmethod
    def get(cls) -> etree.XMLSchema:
        schema = getattr(cls._local, "schema", None)
        if schema is None:
            schema = etree.XMLSchema(etree.parse(str(SCHEMA_PATH), etree.XMLParser(resolve_entities=False)))
            cls._local.schema = schema
        return schema

    @classmethod
    def mandatory_children(cls) -> dict[str, frozenset[str]]:
        with cls._lock:
            if cls._mandatory is None:
                xs = "{http://www.w3.org/2001/XMLSchema}"
                tree = etree.parse(str(SCHEMA_PATH), etree.XMLParser(resolve_entities=False))
                mandatory: dict[str, set[str]] = {}
                for element in tree.getroot().iter(f"{xs}element"):
                    owner = next((a for a in element.iterancestors(f"{xs}element")), None)
                    if owner is None or element.get("minOccurs", "1") == "0":
                        continue
                    name = element.get("name") or element.get("ref")
                    mandatory.setdefault(owner.get("name"), set()).add(name)
                cls._mandatory = {key: frozenset(value) for key, value in mandatory.items()}
            return cls._mandatory


_TYPE_LABELS = {
    "xs:date": "une date AAAA-MM-JJ",
    "xs:time": "une heure HH:MM:SS",
    "xs:boolean": "un booléen (true, false, 1 ou 0)",
    "xs:integer": "un nombre entier",
    "xs:decimal": "un nombre décimal",
}
_RE_MISSING = re.compile(r"Element '([^']+)': Missing child element\(s\)\. Expected is (?:one of )?\( ([^)]*) \)")
_RE_UNEXPECTED = re.compile(
    r"Element '([^']+)': This element is not expected\.(?: Expected is (?:one of )?\( ([^)]*) \))?"
)
_RE_BAD_VALUE = re.compile(
    r"Element '([^']+)': '(.*)' is not a valid value of the (?:local )?atomic type(?: '([^']+)')?"
)
_RE_MAX_LENGTH = re.compile(
    r"Element '([^']+)': \[facet 'maxLength'\] The value (?:'.*' )?has a length of '(\d+)'.*'(\d+)'"
)
_RE_DIGITS = re.compile(r"Element '([^']+)': \[facet '(?:totalDigits|fractionDigits)'\] The value '(.*)' has more")
_RE_ATTRIBUTE = re.compile(r"Element '([^']+)', attribute '([^']+)': The attribute '[^']+' is not allowed")
_RE_TEXT = re.compile(r"Element '([^']+)': Character content other than whitespace is not allowed")
_RE_PERSON = re.compile(r"/Personne(?:\[(\d+)\])?(?=/|$)")


def _schema_reason(entry, household: etree._Element) -> str:
    message = entry.message or ""
    who = ""
    person = _RE_PERSON.search(entry.path or "")
    if person:
        index = int(person.group(1) or 1)
        persons = household.findall("Personne")
        if 0 < index <= len(persons):
            name = " ".join(
                filter(None, (_text(persons[index - 1], p) for p in ("Identification/NOM", "Identification/PRENOM")))
            )
            who = f" pour {name}" if name else f" pour la personne n° {index}"
    segments = [re.sub(r"\[\d+\]$", "", s) for s in (entry.path or "").split("/") if s]

    if match := _RE_MISSING.search(message):
        expected = [e.strip() for e in match.group(2).split(",")]
        mandatory = [e for e in expected if e in _Schema.mandatory_children().get(match.group(1), ())] or expected
        if len(mandatory) == 1:
            return f"élément obligatoire manquant : {mandatory[0]}{who} (dans {match.group(1)})"
        return f"élément obligatoire manquant dans {match.group(1)}{who} : {_french_list(mandatory)} attendu"
    if match := _RE_UNEXPECTED.search(message):
        found = match.group(1)
        expected = [e.strip() for e in (match.group(2) or "").split(",") if e.strip()]
        parent = segments[-2] if len(segments) >= 2 else ""
        if len(expected) == 1 and expected[0] in _Schema.mandatory_children().get(parent, ()):
            return f"élément obligatoire manquant : {expected[0]}{who} ({found} trouvé à sa place)"
        if expected:
            return f"élément inattendu : {found}{who} ({_french_list(expected)} attendu)"
        return f"élément inattendu : {found}{who}"
    if match := _RE_BAD_VALUE.search(message):
        kind = _TYPE_LABELS.get(match.group(3) or "")
        suffix = f" (attendu : {kind})" if kind else ""
        return f"valeur invalide pour {match.group(1)}{who} : « {match.group(2)} »{suffix}"
    if match := _RE_MAX_LENGTH.search(message):
        return (
            f"valeur trop longue pour {match.group(1)}{who} : {match.group(2)} caractères "
            f"pour {match.group(3)} au maximum"
        )
    if match := _RE_DIGITS.search(message):
        return f"valeur invalide pour {match.group(1)}{who} : « {match.group(2)} » (trop de chiffres)"
    if match := _RE_ATTRIBUTE.search(message):
        return f"attribut inattendu « {match.group(2)} » sur {match.group(1)}{who}"
    if match := _RE_TEXT.search(message):
        return f"texte inattendu dans {match.group(1)}{who}"
    return f"non conforme au schéma{who} ({segments[-1] if segments else '?'}) : {message}"


def _schema_reasons(error_log, household: etree._Element) -> str:
    reasons: list[str] = []
    for entry in error_log:
        reason = _schema_reason(entry, household)
        if reason not in reasons:
            reasons.append(reason)
    shown = " ; ".join(reasons[:MAX_REASONS])
    if len(reasons) > MAX_REASONS:
        shown += f" (et {len(reasons) - MAX_REASONS} autre(s) erreur(s))"
    return shown or "non conforme au schéma"


# ------------------------------------------------------------------------------------ byte scanning


def _scan_prolog(buf: bytes, eof: bool) -> tuple[str | None, str, int] | None:
    """(declared encoding, root tag, its offset) once buf holds the root start tag; None while more bytes are
    needed.

    Refuses a DOCTYPE (and anything else starting with "<!" but a comment) before the parser sees it.
    """
    if not buf.strip():
        if eof:
            raise FluxError("Le fichier est vide.")
        return None
    pos = 0
    if buf.startswith(codecs.BOM_UTF8):
        pos = 3
    elif buf.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in buf[:4]:
        raise FluxError(
            "Encodage non pris en charge (UTF-16 ou UTF-32) : le flux doit être en windows-1252 ou en UTF-8."
        )
    declared: str | None = None
    size = len(buf)
    while True:
        while pos < size and buf[pos] in b" \t\r\n":
            pos += 1
        if pos >= size:
            if eof:
                raise FluxError("Le fichier ne contient aucune donnée XML (élément racine absent).")
            return None
        if buf[pos] != ord("<"):
            raise FluxError("Le fichier n'est pas un fichier XML : il doit commencer par une balise.")
        if size - pos < 10 and not eof:
            return None
        if buf.startswith(b"<?", pos):
            end = buf.find(b"?>", pos + 2)
            if end < 0:
                if eof:
                    raise FluxError("Le fichier n'est pas un fichier XML lisible : déclaration XML incomplète.")
                return None
            instruction = buf[pos : end + 2]
            if instruction.startswith(b"<?xml") and instruction[5:6] in (b" ", b"\t", b"\r", b"\n"):
                match = re.search(rb"""encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""", instruction)
                if match:
                    declared = match.group(1).decode("ascii").lower()
            pos = end + 2
        elif buf.startswith(b"<!--", pos):
            end = buf.find(b"-->", pos + 4)
            if end < 0:
                if eof:
                    raise FluxError("Le fichier n'est pas un fichier XML lisible : commentaire non refermé.")
                return None
            pos = end + 3
        elif buf.startswith(b"<!", pos):
            raise FluxError(DOCTYPE_REFUSED)
        else:
            match = re.match(rb"<([^\s/>]+)([\s/>])?", buf[pos : pos + 300])
            if not match or (match.group(2) is None and not eof):
                if size - pos > 300 or eof:
                    raise FluxError("Le fichier n'est pas un fichier XML lisible : balise racine illisible.")
                return None
            return declared, match.group(1).decode("utf-8", "replace"), pos


def _find_markup(buf: bytes, opener: bytes, start: int = 0, end: int | None = None) -> int:
    """buf.find(opener, start, end) for an opener "<" + c + …: looks for its second byte, rare in a flux ("!", "?"),
    which a one-byte search finds about ten times faster than a two-byte one."""
    end = len(buf) if end is None else end
    second, size = opener[1:2], len(opener)
    at = buf.find(second, start + 1, end)
    while at >= 0:
        if at - 1 + size > end:
            return -1
        if buf.startswith(opener, at - 1):
            return at - 1
        at = buf.find(second, at + 1, end)
    return -1


class _StartTagLines:
    """Line numbers of the start tags of one element, read from the raw bytes.

    libxml2 keeps line numbers in 16 bits (unreliable past line 65 535), so the households' lines are
    counted here, skipping comments, CDATA sections and processing instructions.
    """

    _OPENERS = ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>"))

    def __init__(self, tag: str):
        self._needle = b"<" + tag.encode("ascii")
        self._line = 1  # line of the first byte of self._pending
        self._pending = b""
        self._closer: bytes | None = None
        self.lines: deque[int] = deque()

    def feed(self, data: bytes, final: bool = False) -> None:
        buf = self._pending + data
        size = len(buf)
        keep = len(self._needle) + 1
        pos = 0
        line = self._line
        counted = 0  # newlines of buf[:counted] are included in `line`
        next_special = self._find_special(buf, 0)
        next_tag = buf.find(self._needle, 0)
        while True:
            if self._closer is not None:
                end = buf.find(self._closer, pos)
                if end < 0:
                    pos = max(pos, size - len(self._closer) + 1) if not final else size
                    break
                pos = end + len(self._closer)
                self._closer = None
                if next_special is not None and next_special[0] < pos:
                    next_special = self._find_special(buf, pos)
                if 0 <= next_tag < pos:
                    next_tag = buf.find(self._needle, pos)
                continue
            special_at = next_special[0] if next_special else -1
            if next_tag < 0 and special_at < 0:
                pos = max(pos, size - keep) if not final else size
                break
            if special_at >= 0 and (next_tag < 0 or special_at < next_tag):
                assert next_special is not None  # special_at >= 0 only when found
                self._closer = next_special[1]
                pos = special_at + len(next_special[2])
                next_special = self._find_special(buf, pos)
                continue
            if next_tag + keep > size and not final:
                pos = next_tag
                break
            after = buf[next_tag + len(self._needle) : next_tag + len(self._needle) + 1]
            if after in (b">", b"/", b" ", b"\t", b"\r", b"\n", b""):
                line += buf.count(b"\n", counted, next_tag)
                counted = next_tag
                self.lines.append(line)
            pos = next_tag + 1
            next_tag = buf.find(self._needle, pos)
        line += buf.count(b"\n", counted, pos)
        self._line = line
        self._pending = buf[pos:]

    def resume(self, line: int, data: bytes, *, final: bool) -> None:
        """Go on from bytes whose first line is `line` (the tags before them were counted elsewhere)."""
        self._line, self._pending, self._closer = line, b"", None
        self.feed(data, final=final)

    def _find_special(self, buf: bytes, start: int) -> tuple[int, bytes, bytes] | None:
        best = None
        for opener, closer in self._OPENERS:
            at = _find_markup(buf, opener, start)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, closer, opener)
        return best


@dataclass(slots=True)
class _Segment:
    """One household met by the splitter and given to the parser, in file order: its fingerprint."""

    fingerprint: str
    line: int


@dataclass(slots=True)
class _SkippedRun:
    """Consecutive households skipped by the splitter, with nothing but blanks between them: buf[starts[i]:ends[i]]
    is the i-th one's bytes."""

    buf: bytes
    starts: list[int]
    ends: list[int]
    fingerprints: list[str]
    positions: list[int]  # the households' lines, or their offsets in the file when lines are counted on demand


# What a skipped household's bytes are read for (see _HouseholdSplitter.unchanged): each leaf written plainly (no blank
# or attribute in its tags, no entity or markup in its text).
_HEAD_LEAVES = tuple(
    re.compile(rb"<" + tag + rb">([^<&]*)</" + tag + rb">")
    for tag in (b"FONORG", b"NUMORG", b"MATRICULE", b"IDEPARTE")
)
# The same four leaves where they stand in a household written plainly (Organisme, then Partenaire): one search for
# the four instead of four.
_HEAD = re.compile(
    rb"<FONORG>([^<&]*)</FONORG>\s*<NUMORG>([^<&]*)</NUMORG>\s*<MATRICULE>([^<&]*)</MATRICULE>\s*</Organisme>\s*"
    rb"<Partenaire>\s*(?:<TYPEPARTE>[^<&]*</TYPEPARTE>\s*)?<IDEPARTE>([^<&]*)</IDEPARTE>"
)
# A NIR, Identification or Rattachement tag (not a longer name that starts with one of them); group 2 is ">" when the
# tag is plain.
_NIR_CONTEXT = re.compile(rb"<(NIR|Identification|Rattachement)(?![A-Za-z0-9_.:\-])(>?)")
_NIR_TEXT = re.compile(rb"([^<&]*)</NIR>")
# Every "<NIR" tag, with its text when it is a plain leaf (group 1 empty when it is not).
_NIR_TAGS = re.compile(rb"<NIR(>([^<&]*)</NIR>)?")


def _own_nirs(segment: bytes) -> list[bytes] | None:
    """The persons' own NIRs: those after a person's Identification and before any Rattachement of theirs (a parent's
    block, which carries another person's NIR); None when a tag that matters is not plain."""
    nirs = []
    in_identification = False
    for tag in _NIR_CONTEXT.finditer(segment):
        if not tag.group(2):
            return None  # a blank, an attribute or an empty-element tag
        name = tag.group(1)
        if name == b"NIR":
            text = _NIR_TEXT.match(segment, tag.end())
            if text is None:
                return None
            if in_identification:
                nirs.append(text.group(1))
        else:
            in_identification = name == b"Identification"
    return nirs


def _codec(declared: str) -> str | None:
    try:
        return codecs.lookup(declared).name
    except LookupError:
        return None


class _LineIndex:
    """The line of a byte offset of the file, counted from the nearest offset whose line is known before it.

    With the descriptor of the file (one read_flux opened), the bytes between are read again from it when they are
    no longer in memory: the splitter then asks only for the lines of the households it gives to the parser, and
    the lines of the households it skips are counted only if a message needs them. Without it, the splitter asks
    for every household's line in order, while its bytes are in memory."""

    SPACING = 1 << 20  # one known offset kept per MB of the file, besides the last one

    def __init__(self, fd: int | None, offset: int, line: int):
        # Its own descriptor, open as long as a line may be asked for (the reader's stream closes at the file's end).
        self._fd = os.dup(fd) if fd is not None else None
        if self._fd is not None:
            weakref.finalize(self, os.close, self._fd)
        self.lazy = fd is not None
        self._points = [(offset, line)]

    def line(self, offset: int, buf: bytes = b"", base: int | None = None) -> int:
        """The line of the file's byte at `offset`; buf holds the file's bytes from `base` on."""
        base = offset if base is None else base
        points = self._points
        last = len(points) - 1
        known, line = points[last]
        index = last
        if offset < known:
            index = bisect_right(points, (offset, sys.maxsize)) - 1
            known, line = points[index]
        if known >= base:
            line += buf.count(b"\n", known - base, offset - base)
        else:
            line += self._count(known, min(offset, base))
            if offset > base:
                line += buf.count(b"\n", 0, offset - base)
        if index == last:
            if last and known - points[last - 1][0] < self.SPACING:
                points[last] = (offset, line)
            else:
                points.append((offset, line))
        return line

    def _count(self, start: int, end: int) -> int:
        """Newlines of the file's bytes start..end, read again from the file."""
        if self._fd is None:
            raise AssertionError("line asked for bytes no longer in memory")  # noqa: TRY003 - a bug, not a file's
        count = 0
        while start < end:
            piece = os.pread(self._fd, min(CHUNK_SIZE, end - start), start)
            if not piece:
                break
            count += piece.count(b"\n")
            start += len(piece)
        return count


class _HouseholdSplitter:
    """Finds each household's element in the raw bytes, fingerprints it (sha256 of the bytes, salted with the
    encoding and the root start tag) and leaves out of what the XML parser sees the households whose fingerprint
    is known: an unchanged household of a monthly file costs a hash, not a parse.

    Only plain markup is split: from the first comment, CDATA section, processing instruction or odd household
    tag on, the splitter steps aside and the parser sees every remaining byte (nothing is skipped, no fingerprint
    is given), so whatever the file holds, the result is the parser's.
    """

    _START = b"<" + HOUSEHOLD_TAG.encode()
    _END = b"</" + HOUSEHOLD_TAG.encode()

    def __init__(
        self, *, encoding: str, root_start_tag: bytes, known: Collection[str], lines: _LineIndex, offset: int
    ):
        self.lines = lines
        self._offset = offset  # in the file, of the first byte of the next feed's buffer
        self.rest: bytes | None = None
        self.rest_line = 0
        self._salted = hashlib.sha256(encoding.encode() + b"\0" + root_start_tag + b"\0")
        self._codec = _codec(encoding)
        self._known = known
        self._pending = b""
        self.active = True
        self.segments: deque[_Segment | _SkippedRun] = deque()

    def feed(self, data: bytes, final: bool = False) -> bytes:
        """The bytes the XML parser must see, in order: data without the skipped households.

        While it is active, the splitter counts the households' lines itself (what _StartTagLines would give: it
        sees every household tag, in order); once it steps aside, `rest` holds the bytes from there on and
        `rest_line` their first line, for _StartTagLines to take over."""
        buf = self._pending + data if self._pending else data
        self._pending = b""
        if not self.active:
            return buf
        start_tag, end_tag = self._START, self._END
        special = min((at for at in (_find_markup(buf, b"<!"), _find_markup(buf, b"<?")) if at >= 0), default=len(buf))
        out: list[bytes] = []
        pos = 0
        start = buf.find(start_tag, 0, special)
        view = memoryview(buf)  # hashed in place
        run: _SkippedRun | None = None
        base, lines = self._offset, self.lines
        line_at, lazy = lines.line, lines.lazy
        while True:
            if start < 0:
                if special < len(buf):
                    return self._step_aside(out, buf, pos, line_at(base + pos, buf, base))
                cut = len(buf) if final else max(pos, len(buf) - len(start_tag))
                out.append(buf[pos:cut])
                self._keep(buf, cut)
                break
            after = buf[start + len(start_tag) : start + len(start_tag) + 1]
            if after not in (b">", b" ", b"\t", b"\r", b"\n"):
                if after == b"" and not final:
                    out.append(buf[pos:start])
                    self._keep(buf, start)
                    break
                # self-closing, another tag, or the end of the file
                return self._step_aside(out, buf, pos, line_at(base + pos, buf, base))
            # The household ends with the last end tag before the next household starts (one scan per household).
            following = buf.find(start_tag, start + 1, special)
            if following >= 0:
                end = buf.rfind(end_tag, start, following)
            else:
                end = buf.find(end_tag, start, special)
            close = buf.find(b">", end, special) if end >= 0 else -1
            if close < 0 or (following >= 0 and close > following):
                if following >= 0 or special < len(buf) or final:
                    return self._step_aside(out, buf, pos, line_at(base + pos, buf, base))
                out.append(buf[pos:start])
                self._keep(buf, start)
                break
            if buf[end + len(end_tag) : close].strip():
                return self._step_aside(out, buf, pos, line_at(base + pos, buf, base))
            digest = self._salted.copy()
            digest.update(view[start : close + 1])
            fingerprint = digest.hexdigest()
            if fingerprint in self._known:
                gap = buf[pos:start]
                out.append(gap)
                # A run goes on while only blanks separate its households (they go to the parser all the same).
                if run is None or not (gap.isspace() or not gap):
                    run = _SkippedRun(buf, [], [], [], [])
                    self.segments.append(run)
                run.starts.append(start)
                run.ends.append(close + 1)
                run.fingerprints.append(fingerprint)
                run.positions.append(base + start if lazy else line_at(base + start, buf, base))
            else:
                out.append(buf[pos : close + 1])
                self.segments.append(_Segment(fingerprint, line_at(base + start, buf, base)))
                run = None
            pos = close + 1
            start = following
        return b"".join(out)

    @property
    def pending(self) -> bytes:
        """The bytes waiting for the next feed."""
        return self._pending

    def _keep(self, buf: bytes, cut: int) -> None:
        """buf[cut:] waits for the next feed."""
        self._pending = buf[cut:]
        if not self.lines.lazy:
            self.lines.line(self._offset + cut, buf, self._offset)  # counted while in memory
        self._offset += cut

    def _step_aside(self, out: list[bytes], buf: bytes, pos: int, line: int) -> bytes:
        self.active = False
        self.rest, self.rest_line = buf[pos:], line
        out.append(buf[pos:])
        return b"".join(out)

    def unchanged(self, segment: bytes, line: int) -> "FluxUnchanged | None":
        """What the importer checks on a skipped household, read from its bytes; None when they are not plain
        enough to be read this way (the household is then parsed).

        The bytes are those of a household imported before, so valid against the schema: FONORG, NUMORG, MATRICULE
        and IDEPARTE occur once each (IdentificationRSA, first in the household), and a NIR belongs either to a
        person's Identification or to one of their Rattachement blocks (which follow it).
        """
        if self._codec is None:
            return None
        values = []
        for leaf in _HEAD_LEAVES:
            found = leaf.search(segment)
            if found is None:
                return None
            values.append(found.group(1))
        # No other element of the schema has a name that starts with NIR: each "<NIR" must open a plain NIR leaf.
        # One scan for every NIR tag and its text.
        tags = _NIR_TAGS.findall(segment)
        if not all(plain for plain, _ in tags):
            return None
        nirs: list[bytes] | None = [text for _, text in tags]
        if nirs and b"<Rattachement" in segment:
            nirs = _own_nirs(segment)
            if nirs is None:
                return None
        try:
            # One decode for all the values (XML text cannot hold a NUL).
            texts = b"\0".join([*values, *nirs]).decode(self._codec).split("\0")
        except UnicodeDecodeError:
            return None
        organisme, organisme_code, matricule, partner = (text.strip() for text in texts[:4])
        nir_texts = tuple(nir for nir in (text.strip().upper() for text in texts[4:]) if nir)
        return FluxUnchanged(
            line=line,
            organisme=organisme.upper(),
            organisme_code=organisme_code,
            matricule=matricule,
            partner_departement=partner,
            nirs=nir_texts,
        )

    def unchanged_run(self, run: _SkippedRun, line_of: Callable[[int], int] | None) -> FluxUnchangedRun | None:
        """unchanged() of every household of a run, gathered by column with less work per household; None when one
        of them needs reading alone (see unchanged())."""
        if self._codec is None:
            return None
        buf = run.buf
        if buf.find(b"<Rattachement", run.starts[0], run.ends[-1]) >= 0:
            return None
        head = _HEAD.search
        nir_tags = _NIR_TAGS.findall
        values: list[bytes] = []
        nirs: list[bytes] = []
        nir_of: list[int] = []
        for index, (start, end) in enumerate(zip(run.starts, run.ends, strict=True)):
            found = head(buf, start, end)
            if found is not None:
                values.extend(found.groups())
            else:
                leaves = [leaf.search(buf, start, end) for leaf in _HEAD_LEAVES]
                if None in leaves:
                    return None
                values.extend([leaf.group(1) for leaf in leaves])  # type: ignore[union-attr]
            tags = nir_tags(buf, start, end)
            if tags:
                if (b"", b"") in tags:  # a NIR tag that is not a plain leaf
                    return None
                nirs.extend([text for _, text in tags])
                nir_of.extend([index] * len(tags))
        try:
            # One decode for all the values (XML text cannot hold a NUL).
            texts = b"\0".join([*values, *nirs]).decode(self._codec).split("\0")
        except UnicodeDecodeError:
            return None
        heads = [text.strip() for text in texts[: len(values)]]
        own = [
            (nir, index)
            for nir, index in zip((text.strip().upper() for text in texts[len(values) :]), nir_of, strict=True)
            if nir
        ]
        return FluxUnchangedRun(
            positions=tuple(run.positions),
            line_of=line_of,
            keys=tuple(zip([organisme.upper() for organisme in heads[0::4]], heads[1::4], heads[2::4], strict=True)),
            partners=tuple(heads[3::4]),
            nirs=tuple(nir for nir, _ in own),
            nir_of=tuple(index for _, index in own),
        )


# Stands, among the parser's elements, for "skipped households are waiting" (see _FluxReader._drain).
_SKIPPED = etree.Element("skipped")
# Stands for "the first half of the file is read" (see _SecondHalf).
_HANDOVER = etree.Element("handover")


class _Utf8Sniffer:
    """A file declared windows-1252 whose non-ASCII bytes all form valid UTF-8 is in fact UTF-8."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self.active = True

    def feed(self, chunk: bytes) -> bool:
        """True when the chunk proves the content is UTF-8."""
        if not self.active:
            return False
        try:
            self._decoder.decode(chunk)
        except UnicodeDecodeError:
            self.active = False
            return False
        return not chunk.isascii()


# ------------------------------------------------------------------------------------------ reader


def _syntax_error(exc: etree.XMLSyntaxError, *, at_end: bool) -> FluxError:
    # The push parser may report a generic error ("no element found") at close time while the real cause
    # (undeclared entity, bad bytes…) sits in the error log: use the first real error.
    domains = (etree.ErrorDomains.PARSER, etree.ErrorDomains.IO, etree.ErrorDomains.I18N)
    entry = next((e for e in exc.error_log if e.level >= etree.ErrorLevels.ERROR and e.domain in domains), None)
    code = entry.type if entry is not None else exc.code
    line = entry.line if entry is not None else (exc.lineno or 0)
    message = (entry.message if entry is not None else str(exc.msg or exc)).strip()
    where = f" (ligne {line})" if line else ""
    types = etree.ErrorTypes
    if code in (types.ERR_INVALID_ENCODING, types.ERR_UNKNOWN_ENCODING, types.ERR_UNSUPPORTED_ENCODING) or (
        "encoding" in message.lower()
    ):
        return FluxError(
            f"Encodage invalide : le contenu du fichier ne correspond pas à l'encodage déclaré{where}. "
            "Le flux doit être en windows-1252 (ou en UTF-8 s'il le déclare)."
        )
    if code == types.ERR_DOCUMENT_EMPTY:
        return FluxError("Le fichier est vide.")
    if code == types.ERR_UNDECLARED_ENTITY:
        return FluxError(f"Le fichier n'est pas un XML valide : entité non déclarée{where} ({message}).")
    if at_end and code not in (types.ERR_TAG_NAME_MISMATCH, types.ERR_DOCUMENT_END):
        return FluxError(
            f"Le fichier est incomplet : il s'arrête au milieu des données{where}. "
            "Il a probablement été tronqué pendant le transfert ; demandez un nouvel envoi."
        )
    return FluxError(f"Le fichier n'est pas un XML bien formé{where} (détail technique : {message}).")


class _FluxReader:
    def __init__(
        self,
        stream: BinaryIO,
        *,
        validate: bool,
        progress: Callable[[int], None] | None,
        known_fingerprints: Collection[str] | None = None,
        runs: bool = False,
        fd: int | None = None,
        resume_at: int | None = None,
    ):
        self._stream = stream
        self._known = known_fingerprints
        self._runs = runs
        self._fd = fd  # the file's descriptor, when the stream reads it from its start (see _LineIndex)
        # Reading the second half of a file (see _SecondHalf): the stream gives the prolog and the root start tag,
        # then the file's bytes from this offset on.
        self._resume_at = resume_at
        # Reading the first half while a helper reads the second: the reader pauses at its start.
        self._second_half: _SecondHalf | None = None
        self._pause_at: int | None = None
        self._file_size = 0
        self._splitter: _HouseholdSplitter | None = None
        # Keys and NIRs of every household met so far: a skipped household that repeats one is parsed after all,
        # so that the importer can name what it repeats.
        self._met_keys: set[tuple[str, str, str]] = set()
        self._met_nirs: set[str] = set()
        self._root_start_tag = b""
        self._validate = validate
        self._progress = progress
        self._bytes_read = 0
        self._next_progress = CHUNK_SIZE
        self._parser = etree.XMLPullParser(
            events=("end",),
            tag=(ROOT_TAG, HEADER_TAG, HOUSEHOLD_TAG, TRAILER_TAG),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            attribute_defaults=False,
            huge_tree=False,
            remove_blank_text=True,
            remove_comments=True,
            remove_pis=True,
        )
        self._lines = _StartTagLines(HOUSEHOLD_TAG)
        self._sniffer: _Utf8Sniffer | None = None
        self._declared = "utf-8"
        self._events = self._iter_events()
        self._schema = _Schema.get() if validate else None
        self._checked_doctype = False
        self._last: etree._Element | None = None

    # -- raw events

    def _read(self) -> bytes:
        size = CHUNK_SIZE if self._pause_at is None else min(CHUNK_SIZE, self._pause_at - self._bytes_read)
        chunk = self._stream.read(size) if size > 0 else b""
        if chunk:
            self._bytes_read += len(chunk)
            if self._progress is not None and self._bytes_read >= self._next_progress:
                self._progress(self._bytes_read)
                self._next_progress = self._bytes_read + CHUNK_SIZE
        elif self._progress is not None and self._next_progress - CHUNK_SIZE < self._bytes_read:
            self._progress(self._bytes_read)  # the end of the file, once
            self._next_progress = self._bytes_read + CHUNK_SIZE
        return chunk

    def _iter_events(self) -> Iterator[etree._Element]:
        buf = b""
        while True:
            chunk = self._read()
            buf += chunk
            prolog = _scan_prolog(buf, eof=not chunk)
            if prolog is not None:
                break
            if len(buf) > PROLOG_LIMIT:
                raise FluxError("Le fichier n'est pas un flux XML lisible : aucun élément racine au début du fichier.")
        declared, root_tag, root_at = prolog
        if declared is not None:
            if declared in SINGLE_BYTE_NAMES:
                self._sniffer = _Utf8Sniffer()
            elif declared not in UTF8_NAMES:
                raise FluxError(
                    f"Encodage non pris en charge : {declared}. Le flux doit être en windows-1252 ou en UTF-8."
                )
            self._declared = declared
        if root_tag != ROOT_TAG:
            raise FluxError(
                "Ce fichier n'est pas un flux bénéficiaires RSA de la CAF ou de la MSA "
                f"(élément racine « {root_tag} » au lieu de « {ROOT_TAG} »)."
            )
        if self._known is not None and (root_end := buf.find(b">", root_at)) >= 0:
            self._root_start_tag = buf[root_at : root_end + 1]
            self._splitter = _HouseholdSplitter(
                encoding=self._declared,
                root_start_tag=self._root_start_tag,
                known=self._known,
                lines=_LineIndex(self._fd, root_end + 1, 1 + buf.count(b"\n", 0, root_end + 1)),
                offset=root_end + 1 if self._resume_at is None else self._resume_at,
            )
            # The prolog and the root start tag go straight to the parser.
            yield from self._feed(buf[: root_end + 1], split=False)
            buf = buf[root_end + 1 :]
        while buf:
            yield from self._feed(buf)
            buf = self._read()
            if not buf and self._pause_at is not None and self._bytes_read == self._pause_at:
                self._pause_at = None
                # households() takes the second half from the helper, or goes on here, reading it itself.
                yield _HANDOVER
                buf = self._read()
        if self._splitter is not None and self._splitter.active:
            rest = self._splitter.feed(b"", final=True)
            self._lines_after_splitter(final=True)
            if rest:
                yield from self._feed(rest, split=False, check=False)
        self._lines.feed(b"", final=True)
        error = None
        try:
            self._parser.close()
        except etree.XMLSyntaxError as exc:
            error = exc
        yield from self._drain()
        if error is not None:
            raise _syntax_error(error, at_end=True)

    def _feed(self, data: bytes, *, split: bool = True, check: bool = True) -> Iterator[etree._Element]:
        if check and self._sniffer is not None and self._sniffer.feed(data):
            raise FluxError(
                f"Encodage invalide : le fichier déclare l'encodage {self._declared} mais son contenu est en UTF-8."
            )
        splitter = self._splitter if split else None
        if check and (splitter is None or not splitter.active):
            self._lines.feed(data)
        if splitter is not None:
            active = splitter.active
            data = splitter.feed(data)
            if active:
                self._lines_after_splitter(final=False)
            if not data:
                return
        error = None
        # Exceptions carry the thread's global error log, where a non-raising error of a feed waits for close():
        # start each feed with an empty log so that a message never comes from another parse.
        etree.clear_error_log()
        try:
            self._parser.feed(data)
        except etree.XMLSyntaxError as exc:
            error = exc
        yield from self._drain()
        if error is not None:
            raise _syntax_error(error, at_end=False)

    def _lines_after_splitter(self, *, final: bool) -> None:
        """Once the splitter steps aside, the households' lines are counted by _StartTagLines from where it did."""
        splitter = self._splitter
        if splitter is not None and splitter.rest is not None:
            self._lines.resume(splitter.rest_line, splitter.rest, final=final)
            splitter.rest = None

    def _drain(self) -> Iterator[etree._Element]:
        for _event, element in self._parser.read_events():
            if not self._checked_doctype:
                self._checked_doctype = True
                docinfo = element.getroottree().docinfo
                if docinfo.doctype or docinfo.internalDTD is not None:  # never reached: the prolog scan refuses it
                    raise FluxError(DOCTYPE_REFUSED)
            yield element
        # Households skipped in what was just fed, with no parsed one before them: handed over now, so that a file
        # of unchanged households is not held in memory until its end.
        splitter = self._splitter
        if splitter is not None and splitter.segments and isinstance(splitter.segments[0], _SkippedRun):
            yield _SKIPPED

    # -- structure

    def _unexpected_before(self, element: etree._Element) -> None:
        previous = element.getprevious()
        if previous is not None and previous is not self._last:
            raise FluxError(
                f"Structure du flux invalide : élément inattendu « {previous.tag} » au niveau de "
                f"{HOUSEHOLD_TAG} (avant « {element.tag} »)."
            )

    def _done_with(self, element: etree._Element) -> None:
        element.clear()
        parent = element.getparent()
        while element.getprevious() is not None:
            del parent[0]
        self._last = element

    def read_header(self) -> FluxHeader:
        for element in self._events:
            if element is _SKIPPED:
                continue  # cannot come before the header: households follow it in the file
            parent = element.getparent()
            if element.tag != HEADER_TAG or parent is None or parent.getparent() is not None:
                raise FluxError(
                    f"Bloc {HEADER_TAG} manquant en tête du fichier : ce n'est pas un flux bénéficiaires RSA complet."
                )
            self._unexpected_before(element)
            header = self._header(element)
            self._done_with(element)
            return header
        raise FluxError(f"Bloc {HEADER_TAG} manquant : le fichier ne contient pas d'en-tête de flux.")

    def _header(self, element: etree._Element) -> FluxHeader:
        if self._schema is not None and not self._schema.validate(element):
            raise FluxError(
                f"En-tête du flux ({HEADER_TAG}) invalide : {_schema_reasons(self._schema.error_log, element)}."
            )
        raw = {child.tag: (child.text or "").strip() for child in element if isinstance(child.tag, str)}
        try:
            created = _parse_date(raw.get("DTCREAFLUX", ""))
        except ValueError:
            raise FluxError(
                f"En-tête du flux ({HEADER_TAG}) invalide : date de création DTCREAFLUX absente ou illisible "
                f"(« {raw.get('DTCREAFLUX', '')} »)."
            ) from None
        at, tz = time(0, 0), None
        if raw.get("HEUCREAFLUX"):
            try:
                at, tz = _parse_time(raw["HEUCREAFLUX"])
            except ValueError:
                raise FluxError(
                    f"En-tête du flux ({HEADER_TAG}) invalide : heure de création HEUCREAFLUX illisible "
                    f"(« {raw['HEUCREAFLUX']} »)."
                ) from None
        reference = None
        if raw.get("DTREF"):
            try:
                reference = _parse_date(raw["DTREF"])
            except ValueError:
                raise FluxError(
                    f"En-tête du flux ({HEADER_TAG}) invalide : date de référence DTREF illisible "
                    f"(« {raw['DTREF']} »)."
                ) from None
        return FluxHeader(
            type_flux=raw.get("TYPEFLUX", ""),
            nature_flux=raw.get("NATFLUX", ""),
            created_at=datetime.combine(created, at, tzinfo=tz or PARIS),
            reference_date=reference,
            raw=raw,
        )

    def households(self) -> Iterator[FluxHousehold | FluxRejection | FluxUnchanged | FluxUnchangedRun]:
        trailer_seen = False
        root_closed = False
        try:
            for element in self._events:
                if element is _SKIPPED:
                    yield from self._skipped()
                    continue
                if element is _HANDOVER:
                    yield from self._skipped()
                    second_half = self._second_half_items()
                    if second_half is not None:
                        yield from second_half
                        if self._progress is not None:
                            self._progress(self._file_size)
                        return
                    continue
                parent = element.getparent()
                tag = element.tag
                if tag == ROOT_TAG and parent is None:
                    if not trailer_seen:
                        raise FluxError(f"Bloc {TRAILER_TAG} manquant à la fin du fichier : le flux est incomplet.")
                    last = element[len(element) - 1] if len(element) else None
                    if last is not None and last.tag != TRAILER_TAG:
                        raise FluxError(f"Structure du flux invalide : élément « {last.tag} » après {TRAILER_TAG}.")
                    root_closed = True
                    continue
                if parent is None or parent.getparent() is not None:
                    raise FluxError(f"Structure du flux invalide : élément « {tag} » mal placé.")
                if trailer_seen:
                    raise FluxError(f"Structure du flux invalide : élément « {tag} » après {TRAILER_TAG}.")
                self._unexpected_before(element)
                if tag == HOUSEHOLD_TAG:
                    yield from self._skipped()
                    segments = self._splitter.segments if self._splitter is not None else None
                    if segments:
                        segment = segments.popleft()
                        assert isinstance(segment, _Segment)  # noqa: S101 - skipped ones were read just above
                        line, fingerprint = segment.line, segment.fingerprint
                    else:
                        line = self._lines.lines.popleft() if self._lines.lines else (element.sourceline or 0)
                        fingerprint = ""
                    item = self._household(element, line, fingerprint)
                    self._done_with(element)
                    self._remember(item)
                    yield item
                elif tag == TRAILER_TAG:
                    yield from self._skipped()
                    if self._schema is not None and not self._schema.validate(element):
                        reasons = _schema_reasons(self._schema.error_log, element)
                        raise FluxError(f"Fin du flux ({TRAILER_TAG}) invalide : {reasons}.")
                    trailer_seen = True
                    self._done_with(element)
                else:
                    raise FluxError(f"Structure du flux invalide : second bloc « {tag} ».")
            if not root_closed:
                raise FluxError(f"Bloc {TRAILER_TAG} manquant à la fin du fichier : le flux est incomplet.")
        finally:
            self.close()

    def close(self) -> None:
        self._events.close()  # type: ignore[attr-defined]  # lxml's iterparse iterator has close()
        if self._second_half is not None:
            self._second_half.discard()
            self._second_half = None

    # -- the second half of the file, read by a helper

    def read_second_half_aside(self, fd: int, size: int) -> None:
        """Have a helper process read the second half of the file while this reader reads the first (see
        _SecondHalf); nothing happens when the file does not lend itself to it."""
        start = _second_half_start(fd, size)
        if start is None:
            return
        head, offset = start
        self._file_size = size
        self._second_half = _SecondHalf(
            fd=fd, head=head, start=offset, validate=self._schema is not None, known=self._known, runs=self._runs
        )
        self._pause_at = offset

    def _second_half_items(self) -> Iterator[FluxHousehold | FluxRejection | FluxUnchanged | FluxUnchangedRun] | None:
        """The helper's items, when they are those this reader would have read: it read the first half to its end
        with the splitter active (no markup it steps aside for), and the second half repeats no matricule and no NIR
        of the first (the only thing a household's reading takes from the households before it). Else None, and the
        reader reads the second half itself."""
        half, self._second_half = self._second_half, None
        splitter = self._splitter
        if half is None:
            return None
        if splitter is None or not splitter.active or splitter.segments or splitter.pending.strip():
            half.discard()
            return None
        result = half.result()
        if result is None:
            return None
        keys, nirs = result
        if any(hash(key) in keys for key in self._met_keys) or any(hash(nir) in nirs for nir in self._met_nirs):
            half.discard()
            return None
        line_of = splitter.lines.line if splitter.lines.lazy else None
        return (
            replace(item, line_of=line_of) if isinstance(item, FluxUnchangedRun) else item for item in half.items()
        )

    # -- one household

    def _household(self, element: etree._Element, line: int, fingerprint: str = "") -> FluxHousehold | FluxRejection:
        if self._schema is not None and not self._schema.validate(element):
            return FluxRejection(
                line=line,
                matricule=_text(element, "IdentificationRSA/Organisme/MATRICULE") or "",
                reason=_schema_reasons(self._schema.error_log, element),
            )
        return _extract(element, line, fingerprint, self._schema is not None)

    # -- households skipped by their fingerprint

    def _skipped(self) -> Iterator[FluxHousehold | FluxRejection | FluxUnchanged | FluxUnchangedRun]:
        """The skipped households that come before the next parsed one, in file order."""
        splitter = self._splitter
        segments = splitter.segments if splitter is not None else None
        while segments and isinstance(segments[0], _SkippedRun):
            run = segments.popleft()
            assert splitter is not None and isinstance(run, _SkippedRun)  # noqa: S101 - narrowed above
            lines = splitter.lines
            line_of = lines.line if lines.lazy else None
            together = splitter.unchanged_run(run, line_of)
            if together is not None and self._none_met(together):
                if self._runs:
                    yield together
                else:
                    yield from together.households()
                continue
            # One by one: the same reading, household by household, and those that repeat one met before are parsed.
            run_lines = run.positions if line_of is None else list(map(line_of, run.positions))
            for start, end, fingerprint, line in zip(run.starts, run.ends, run.fingerprints, run_lines, strict=True):
                segment = run.buf[start:end]
                item: FluxHousehold | FluxRejection | FluxUnchanged | None = splitter.unchanged(segment, line)
                if item is None or self._repeats(item):
                    item = self._parse_alone(segment, line, fingerprint)
                self._remember(item)
                yield item

    def _none_met(self, run: FluxUnchangedRun) -> bool:
        """Whether no household of the run repeats a matricule or a NIR met before it (in the run or earlier in the
        file); if so, they are remembered."""
        keys, nirs = set(run.keys), set(run.nirs)
        if len(keys) != len(run.keys) or len(nirs) != len(run.nirs):
            return False
        if not (self._met_keys.isdisjoint(keys) and self._met_nirs.isdisjoint(nirs)):
            return False
        self._met_keys |= keys
        self._met_nirs |= nirs
        return True

    def _parse_alone(self, segment: bytes, line: int, fingerprint: str) -> FluxHousehold | FluxRejection:
        """A skipped household parsed after all, in the same context (encoding, root element) as in the file."""
        document = (
            f'<?xml version="1.0" encoding="{self._declared}"?>'.encode("ascii")
            + self._root_start_tag
            + segment
            + f"</{ROOT_TAG}>".encode("ascii")
        )
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_blank_text=True,
            remove_comments=True,
            remove_pis=True,
        )
        return self._household(etree.fromstring(document, parser)[0], line, fingerprint)

    def _repeats(self, item: FluxUnchanged) -> bool:
        key = (item.organisme, item.organisme_code, item.matricule)
        return key in self._met_keys or any(nir in self._met_nirs for nir in item.nirs)

    def _remember(self, item: FluxHousehold | FluxRejection | FluxUnchanged) -> None:
        # Read only for skipped households: none without known fingerprints (a first import).
        if self._splitter is None or not self._known or isinstance(item, FluxRejection):
            return
        self._met_keys.add((item.organisme, item.organisme_code, item.matricule))
        if isinstance(item, FluxUnchanged):
            self._met_nirs.update(item.nirs)
        else:
            self._met_nirs.update(person.nir for person in item.persons if person.nir)


def _children(element: etree._Element | None) -> dict[str, etree._Element]:
    """Child elements by tag (the first one of each tag)."""
    if element is None:
        return {}
    return {child.tag: child for child in reversed(element)}


def _leaves(element: etree._Element | None) -> dict[str, str]:
    """Stripped texts of the child elements by tag (the first one of each tag)."""
    if element is None:
        return {}
    return {child.tag: (child.text or "").strip() for child in reversed(element)}


class _Problems(list):
    def date(self, values: dict[str, str], tag: str, *, who: str = "") -> date | None:
        value = values.get(tag)
        if not value:
            return None
        try:
            return _parse_date(value)
        except ValueError:
            self.append(f"date invalide dans {tag}{who} : « {value} »")
            return None

    def boolean(self, values: dict[str, str], tag: str, *, who: str = "") -> bool | None:
        value = values.get(tag)
        if not value:
            return None
        try:
            return _parse_bool(value)
        except ValueError:
            self.append(f"valeur invalide pour {tag}{who} : « {value} » (booléen attendu)")
            return None


def _extract(
    element: etree._Element, line: int, fingerprint: str = "", valid: bool = False
) -> FluxHousehold | FluxRejection:
    """The household of an InfosFoyerRSA element, or its rejection. `valid`: the element passed the schema."""
    if valid:
        household = _extract_flat(element, line, fingerprint)
        if household is not None:
            return household
    matricule = _text(element, "IdentificationRSA/Organisme/MATRICULE") or ""
    return _extract_tree(element, line, matricule, fingerprint)


def _extract_tree(
    element: etree._Element, line: int, matricule: str, fingerprint: str = ""
) -> FluxHousehold | FluxRejection:
    problems = _Problems()
    persons_blocks: list[etree._Element] = []
    addresses: list[etree._Element] = []
    identification = situation = detail = None
    for child in element:
        tag = child.tag
        if tag == "Personne":
            persons_blocks.append(child)
        elif tag == "IdentificationRSA":
            identification = _children(child)
        elif tag == "DonneesAdministratives":
            addresses = [block for block in child if block.tag == "Adresse"]
        elif tag == "PrestationRSA":
            blocks = _children(child)
            situation, detail = blocks.get("SituationDossierRSA"), blocks.get("DetailDroitRSA")

    organisme_values = _leaves((identification or {}).get("Organisme"))
    organisme = organisme_values.get("FONORG", "").upper()
    if organisme not in ORGANISMES:
        problems.append(f"organisme inconnu (FONORG) : « {organisme_values.get('FONORG', '')} », CAF ou MSA attendu")
    if not matricule:
        problems.append("élément obligatoire manquant : MATRICULE")
    request = _leaves((identification or {}).get("DemandeRSA"))
    request_date = problems.date(request, "DTDEMRSA")

    right_state = -1
    suspension_reason, suspension_date = "", None
    closure_reason, closure_date = "", None
    suspensions: dict[str, list[dict[str, str]]] = {"SuspensionVersement": [], "SuspensionDroit": []}
    closures: dict[str, dict[str, str]] = {}
    state_code = None
    for block in situation if situation is not None else ():
        tag = block.tag
        if tag == "EtatDossierRSA":
            state_code = _leaves(block).get("ETATDOSRSA")
        elif tag in suspensions:
            suspensions[tag].append(_leaves(block))
        elif tag in ("FinDroit", "FinDroitMoisAnterieur"):
            closures.setdefault(tag, _leaves(block))
    if not state_code:
        problems.append("élément obligatoire manquant : ETATDOSRSA")
    elif len(state_code) != 1 or state_code not in RIGHT_STATE_CODES:
        problems.append(f"ETATDOSRSA inconnu : {state_code}")
    else:
        right_state = int(state_code)
    for block_tag, reason_tag, date_tag in (
        ("SuspensionVersement", "MOTISUSVERSRSA", "DDSUSVERSRSA"),
        ("SuspensionDroit", "MOTISUSDRORSA", "DDSUSDRORSA"),
    ):
        found = [(problems.date(values, date_tag), values.get(reason_tag, "")) for values in suspensions[block_tag]]
        if found:
            suspension_date, suspension_reason = max(found, key=lambda item: item[0] or date.min)
            break
    closure = closures.get("FinDroit") or closures.get("FinDroitMoisAnterieur")
    if closure is not None:
        closure_reason = closure.get("MOTICLORSA", "")
        closure_date = problems.date(closure, "DTCLORSA")

    openings: list[date] = []
    homeless = False
    for block in detail if detail is not None else ():
        if block.tag == "DetailCalculDroitRSA":
            if (opening := problems.date(_leaves(block), "DDNATDRO")) is not None:
                openings.append(opening)
        elif block.tag == "TroncCommunDroitRSA":
            homeless = bool(problems.boolean(_leaves(block), "TOPSANSDOMFIXE"))

    persons = _persons(persons_blocks, problems)
    if problems:
        return FluxRejection(line=line, matricule=matricule, reason=" ; ".join(problems))
    return FluxHousehold(
        line=line,
        organisme=organisme,
        organisme_code=organisme_values.get("NUMORG", ""),
        matricule=matricule,
        request_date=request_date,
        request_number=request.get("NUMDEMRSA", ""),
        partner_departement=_leaves((identification or {}).get("Partenaire")).get("IDEPARTE", ""),
        right_state=right_state,
        suspension_reason=suspension_reason,
        suspension_date=suspension_date,
        closure_reason=closure_reason,
        closure_date=closure_date,
        opening_date=min(openings) if openings else None,
        homeless=homeless,
        address=_address(addresses),
        persons=tuple(persons),
        raw_hash=hashlib.sha256(etree.tostring(element, method="c14n")).hexdigest(),
        raw_fingerprint=fingerprint,
    )


def _persons(blocks: list[etree._Element], problems: _Problems) -> list[FluxPerson]:
    persons: list[FluxPerson] = []
    if not blocks:
        problems.append("élément obligatoire manquant : Personne (le foyer n'a aucune personne)")
    for index, block in enumerate(blocks, start=1):
        identity: dict[str, str] = {}
        roles: list[tuple[str, str]] = []
        france_travail_id = ""
        amounts: dict[str, str] = {}
        for child in block:
            tag = child.tag
            if tag == "Identification":
                identity = _leaves(child)
            elif tag == "Prestations":
                values = _leaves(child)
                roles.append((values.get("NATPREST", "").upper(), values.get("ROLEPERS", "").upper()))
            elif tag == "DossierPoleEmploi":
                france_travail_id = _leaves(child).get("IDASSEDIC", "")
            elif tag == "MontantCalculDroitRSAPersonne":
                amounts = _leaves(child)
        last_name = identity.get("NOM", "")
        first_name = identity.get("PRENOM", "")
        who = f"{last_name} {first_name}".strip() or f"la personne n° {index}"
        before = len(problems)
        for tag in ("NOM", "PRENOM", "DTNAI"):
            if not identity.get(tag):
                problems.append(f"élément obligatoire manquant : {tag} pour {who}")
        birth_date = None
        if identity.get("DTNAI"):
            try:
                birth_date = _parse_date(identity["DTNAI"])
            except ValueError:
                problems.append(f"date de naissance invalide pour {who} : « {identity['DTNAI']} »")
        nir = identity.get("NIR", "").upper() or None
        if nir is not None and (error := nir_error(nir)):
            problems.append(f"NIR invalide pour {who} : {error}")
        role = next((r for nature, r in roles if nature == "RSA" and r), "") or next((r for _, r in roles if r), "")
        if not role:
            problems.append(f"élément obligatoire manquant : ROLEPERS pour {who}")
        subject = problems.boolean(amounts, "TOPPERSDRODEVORSA", who=f" de {who}")
        if len(problems) > before or birth_date is None:
            continue
        persons.append(
            FluxPerson(
                nir=nir,
                last_name=last_name,
                birth_name=identity.get("NOMNAI", ""),
                first_name=first_name,
                birth_date=birth_date,
                sex=identity.get("SEXE", ""),
                civility=identity.get("QUAL", ""),
                role=role,
                france_travail_id=france_travail_id,
                subject_to_rights_and_duties=subject,
                birth_place=identity.get("NOMCOMNAI", ""),
            )
        )
    seen_nir: set[str] = set()
    seen_identity: dict[tuple[str, str, date], FluxPerson] = {}
    for person in persons:
        identity_key = (person.last_name.casefold(), person.first_name.casefold(), person.birth_date)
        who = f"{person.last_name} {person.first_name} né(e) le {person.birth_date:%d/%m/%Y}"
        if person.nir is not None and person.nir in seen_nir:
            problems.append(f"personne en double dans le foyer : {who} (même NIR)")
            continue
        other = seen_identity.get(identity_key)
        if other is not None and (other.nir is None or person.nir is None):
            problems.append(f"personne en double dans le foyer : {who} (mêmes nom, prénom et date de naissance)")
            continue
        if person.nir is not None:
            seen_nir.add(person.nir)
        seen_identity.setdefault(identity_key, person)
    return persons


def _address(blocks: list[etree._Element]) -> FluxAddress | None:
    best: tuple[int, etree._Element] | None = None
    for block in blocks:
        parts = _children(block)
        french = parts.get("AdresseDetailleeFrance")
        if french is None:
            continue
        rank_text = _leaves(parts.get("TroncCommunAdresse")).get("RGADR", "")
        rank = int(rank_text) if rank_text.isdigit() else 99
        if best is None or rank < best[0]:
            best = (rank, french)
    if best is None:
        return None
    return _flux_address(_leaves(best[1]))


def _flux_address(values: dict[str, str]) -> FluxAddress:
    """The address from the stripped texts of an AdresseDetailleeFrance block, by tag."""
    line1, line2, line3 = address_lines(
        numvoie=values.get("NUMVOIE", ""),
        libtypevoie=values.get("LIBTYPEVOIE", ""),
        nomvoie=values.get("NOMVOIE", ""),
        complideadr=values.get("COMPLIDEADR", ""),
        compladr=values.get("COMPLADR", ""),
        lieudist=values.get("LIEUDIST", ""),
    )
    postal_code = values.get("CODEPOS", "")
    if postal_code.isdigit() and len(postal_code) < 5:
        postal_code = postal_code.zfill(5)
    return FluxAddress(
        line1=line1,
        line2=line2,
        line3=line3,
        postal_code=postal_code,
        city=values.get("NOMCOM", ""),
        commune_code=values.get("NUMCOM", ""),
    )


# ------------------------------------------------------------------------ a valid household, from its C14N

# A household that passed the schema is read from its canonical form (C14N, computed anyway for raw_hash) by a few
# regular expressions, in C, instead of an lxml proxy per element: valid, its elements come in the schema's order and
# number (one Identification first in each Personne, two Prestations, at most one FinDroit…), and in C14N every
# element is written alike: start tags without blanks, no comment, no CDATA section, "<" and "&" in text escaped.
# A household with an attribute or an escaped character is read from its tree instead (_extract_tree).
_LEAF = re.compile(r"<([A-Za-z0-9_.-]+)>([^<]*)</")


def _leaf(tag: str) -> re.Pattern:
    return re.compile(f"<{tag}>([^<]*)</{tag}>")


_NATPREST, _ROLEPERS = _leaf("NATPREST"), _leaf("ROLEPERS")
_IDASSEDIC, _TOPPERSDRODEVORSA = _leaf("IDASSEDIC"), _leaf("TOPPERSDRODEVORSA")
_RGADR, _DDNATDRO = _leaf("RGADR"), _leaf("DDNATDRO")
_SUSPENSIONS = ((_leaf("DDSUSVERSRSA"), _leaf("MOTISUSVERSRSA")), (_leaf("DDSUSDRORSA"), _leaf("MOTISUSDRORSA")))
_ADDRESS_TAGS = (
    "NUMVOIE",
    "LIBTYPEVOIE",
    "NOMVOIE",
    "COMPLIDEADR",
    "COMPLADR",
    "LIEUDIST",
    "CODEPOS",
    "NOMCOM",
    "NUMCOM",
)
_VALID_NIR = re.compile(r"[123478][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{6}")


def _block(text: str, tag: str) -> str:
    """The content of the first element `tag` in text, "" when there is none."""
    start = text.find(f"<{tag}>")
    if start < 0:
        return ""
    start += len(tag) + 2
    return text[start : text.index(f"</{tag}>", start)]


def _date_or_fail(value: str) -> date | None:
    """_Problems.date without the problem: raises ValueError where it would append one."""
    return _parse_date(value) if value else None


def _bool_or_fail(value: str) -> bool | None:
    return _parse_bool(value) if value else None


def _extract_flat(element: etree._Element, line: int, fingerprint: str) -> FluxHousehold | None:
    """_extract_tree's household for an element valid against the schema, read from its C14N; None when
    _extract_tree would find a problem (it then phrases it) or the C14N holds an attribute or an escaped character."""
    canonical = etree.tostring(element, method="c14n")
    body = canonical[canonical.index(b">") + 1 :]  # the household's own start tag may carry namespace declarations
    # C14N writes every attribute as name="value"; a text holding '="' is read from the tree too.
    if b'="' in body or b"&" in body:
        return None
    text = body.decode()
    head, *person_parts = text.split("<Personne>")
    if not person_parts:
        return None
    person_parts[-1], _, tail = person_parts[-1].partition("</Personne>")
    values = dict(_LEAF.findall(head))
    situation = _block(tail, "SituationDossierRSA")
    detail = _block(tail, "DetailDroitRSA")
    try:
        matricule = values["MATRICULE"].strip()
        organisme = values["FONORG"].strip().upper()
        state_code = _block(situation, "ETATDOSRSA").strip()
        if organisme not in ORGANISMES or not matricule or len(state_code) != 1 or state_code not in RIGHT_STATE_CODES:
            return None
        request_date = _date_or_fail(values["DTDEMRSA"].strip())
        suspension_reason, suspension_date = "", None
        for date_leaf, reason_leaf in _SUSPENSIONS:
            found = [
                (_date_or_fail(day.strip()), reason.strip())
                for day, reason in zip(date_leaf.findall(situation), reason_leaf.findall(situation), strict=True)
            ]
            if found:
                suspension_date, suspension_reason = max(found, key=lambda pair: pair[0] or date.min)
                break
        closure = _block(situation, "FinDroit") or _block(situation, "FinDroitMoisAnterieur")
        closure_reason = _block(closure, "MOTICLORSA").strip()
        closure_date = _date_or_fail(_block(closure, "DTCLORSA").strip())
        openings = [day for day in (_date_or_fail(value.strip()) for value in _DDNATDRO.findall(detail)) if day]
        homeless = bool(_bool_or_fail(_block(detail, "TOPSANSDOMFIXE").strip()))
        best: tuple[int, str] | None = None
        for part in _block(tail, "DonneesAdministratives").split("<Adresse>")[1:]:
            if "<AdresseDetailleeFrance>" not in part:
                continue
            french = _block(part, "AdresseDetailleeFrance")
            rank_text = _RGADR.search(part).group(1).strip()  # type: ignore[union-attr]  # mandatory
            rank = int(rank_text) if rank_text.isdigit() else 99
            if best is None or rank < best[0]:
                best = (rank, french)
        address = None
        if best is not None:
            leaves = dict(_LEAF.findall(best[1]))
            address = _flux_address({tag: leaves[tag].strip() for tag in _ADDRESS_TAGS})
        persons = _flat_persons(person_parts)
    except (ValueError, KeyError, AttributeError):
        return None
    if persons is None:
        return None
    return FluxHousehold(
        line=line,
        organisme=organisme,
        organisme_code=values["NUMORG"].strip(),
        matricule=matricule,
        request_date=request_date,
        request_number=values["NUMDEMRSA"].strip(),
        partner_departement=values["IDEPARTE"].strip(),
        right_state=int(state_code),
        suspension_reason=suspension_reason,
        suspension_date=suspension_date,
        closure_reason=closure_reason,
        closure_date=closure_date,
        opening_date=min(openings) if openings else None,
        homeless=homeless,
        address=address,
        persons=persons,
        raw_hash=hashlib.sha256(canonical).hexdigest(),
        raw_fingerprint=fingerprint,
    )


def _flat_persons(parts: list[str]) -> tuple[FluxPerson, ...] | None:
    """The persons of _persons from the C14N of their Personne elements, or None where it would find a problem
    (ValueError from a date or a boolean too)."""
    persons = []
    seen_nir: set[str] = set()
    seen_identity: set[tuple[str, str, date]] = set()
    for part in parts:
        identity, _, rest = part.partition("</Identification>")
        values = dict(_LEAF.findall(identity))
        last_name, first_name = values["NOM"].strip(), values["PRENOM"].strip()
        birth = values["DTNAI"].strip()
        if not (last_name and first_name and birth):
            return None
        nir = values.get("NIR", "").strip().upper()
        if nir and not _VALID_NIR.fullmatch(nir):
            return None
        roles = [
            (nature.strip().upper(), role.strip().upper())
            for nature, role in zip(_NATPREST.findall(rest), _ROLEPERS.findall(rest), strict=True)
        ]
        role = next((r for nature, r in roles if nature == "RSA" and r), "") or next((r for _, r in roles if r), "")
        if not role:
            return None
        birth_date = _parse_date(birth)
        # Two persons of the household alike: _persons says which (or that they are not).
        identity_key = (last_name.casefold(), first_name.casefold(), birth_date)
        if (nir and nir in seen_nir) or identity_key in seen_identity:
            return None
        if nir:
            seen_nir.add(nir)
        seen_identity.add(identity_key)
        france_travail_id = _IDASSEDIC.search(rest)
        subject = _TOPPERSDRODEVORSA.search(rest)
        persons.append(
            FluxPerson(
                nir=nir or None,
                last_name=last_name,
                birth_name=values["NOMNAI"].strip(),
                first_name=first_name,
                birth_date=birth_date,
                sex=values["SEXE"].strip(),
                civility=values.get("QUAL", "").strip(),
                role=role,
                france_travail_id=france_travail_id.group(1).strip() if france_travail_id else "",
                subject_to_rights_and_duties=_bool_or_fail(subject.group(1).strip()) if subject else None,
                birth_place=values["NOMCOMNAI"].strip(),
            )
        )
    return tuple(persons)


# --------------------------------------------------------------------------------------- entry point


# A file at least this large, with at least this many known fingerprints (a monthly re-import: most households are
# skipped), has its second half read by a helper process: skipping a household is a few passes of C over its bytes,
# which one core does at some 1.5 GB/s, and the importer's core is idle meanwhile.
SECOND_HALF_MIN_BYTES = 20 * 1024 * 1024
SECOND_HALF_MIN_KNOWN = 10_000
# Where the second half starts, as a share of the file: a little after the middle, since the helper has its own start
# (a fork, reading the prolog again) and hands its results over (pickled) at the end.
SECOND_HALF_FROM = 0.55
# A helper that has parsed more households than this gives up, and the reader reads the second half itself: the
# importer writes changed households while the reader reads on, and it could not write the second half's before the
# helper is done with it (a file with 5 % of its households changed would then take longer, not less).
SECOND_HALF_MAX_PARSED = 20
_PR_SET_PDEATHSIG = 1
_PLAIN_HOUSEHOLD_START = b"<" + HOUSEHOLD_TAG.encode() + b">"


def _second_half_start(fd: int, size: int) -> tuple[bytes, int] | None:
    """The file's prolog and root start tag, and the offset of the first plain household start tag after
    SECOND_HALF_FROM of the file; None when either is not found."""
    head = os.pread(fd, PROLOG_LIMIT, 0)
    try:
        prolog = _scan_prolog(head, eof=len(head) < PROLOG_LIMIT)
    except FluxError:
        return None
    if prolog is None or (root_end := head.find(b">", prolog[2])) < 0:
        return None
    middle = max(int(size * SECOND_HALF_FROM), root_end + 1)
    window = os.pread(fd, CHUNK_SIZE, middle)
    found = window.find(_PLAIN_HOUSEHOLD_START)
    return (head[: root_end + 1], middle + found) if found >= 0 else None


class _Spliced:
    """What the helper's reader reads: the file's prolog and root start tag, then the file's bytes from `start` on."""

    def __init__(self, fd: int, head: bytes, start: int):
        self._fd, self._head, self._at = fd, head, start

    def read(self, size: int) -> bytes:
        data = os.pread(self._fd, size, self._at)
        self._at += len(data)
        if self._head:
            # With the first bytes of the second half: the reader takes a read that ends at the root start tag for
            # the end of the file.
            data, self._head = self._head + data, b""
        return data


class _SecondHalf:
    """A helper process (forked) that reads the file from a household start tag past SECOND_HALF_FROM of it to its end,
    as read_flux would, while the reader reads the first half; its items wait in a temporary file.

    The reader takes them when they are those it would have read itself (see _FluxReader._second_half_items); else
    it reads the second half itself, and the results are the same either way. A helper that fails (a broken file, an
    odd byte) gives nothing: the reader then meets the same failure, with its own message, where it would have."""

    def __init__(self, *, fd: int, head: bytes, start: int, validate: bool, known, runs: bool):
        self._items = tempfile.TemporaryFile()  # noqa: SIM115 - closed by discard() or once read
        self._state = tempfile.TemporaryFile()  # noqa: SIM115
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the helper
            code = 1
            try:
                _die_with(parent)
                self._read(fd, head, start, validate, known, runs)
                code = 0
            finally:
                os._exit(code)
        self._pid: int | None = pid

    def _read(self, fd, head, start, validate, known, runs) -> None:
        reader = _FluxReader(
            _Spliced(fd, head, start),  # type: ignore[arg-type]
            validate=validate,
            progress=None,
            known_fingerprints=known,
            runs=runs,
            fd=fd,
            resume_at=start,
        )
        pickler = pickle.Pickler(self._items, protocol=pickle.HIGHEST_PROTOCOL)
        batch: list = []
        parsed = 0
        for item in reader.households():
            if isinstance(item, (FluxHousehold, FluxRejection)):
                parsed += 1
                if parsed > SECOND_HALF_MAX_PARSED:
                    return  # no state written: the reader reads on itself
            # Its line_of reads this process's line index: the reader's own is set in its place.
            batch.append(replace(item, line_of=None) if isinstance(item, FluxUnchangedRun) else item)
            if len(batch) >= 1000:
                pickler.dump(batch)
                pickler.clear_memo()
                batch = []
        pickler.dump(batch)
        self._items.flush()
        active = reader._splitter is not None and reader._splitter.active
        # What it met, by hash (the same in both processes, this one being a fork): a tenth of the values to pickle;
        # two values with the same hash only make the reader read the second half itself.
        met = ({hash(key) for key in reader._met_keys}, {hash(nir) for nir in reader._met_nirs})
        pickle.dump((active, *met), self._state, protocol=pickle.HIGHEST_PROTOCOL)
        self._state.flush()

    def result(self) -> tuple[set[int], set[int]] | None:
        """Once the helper is done: the hashes of the matricules' keys and of the NIRs it met (its items follow with
        items()); None if it failed or its splitter stepped aside (its lines would then come from the parser's
        count)."""
        if self._pid is None:
            return None
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        self._state.seek(0)
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0 or not self._state.read(1):
            self.discard()
            return None
        self._state.seek(0)
        active, keys, nirs = pickle.load(self._state)  # noqa: S301 - written by the helper, this process's fork
        self._state.close()
        if not active:
            self.discard()
            return None
        return keys, nirs

    def items(self) -> Iterator:
        spool = self._items
        spool.seek(0)
        with spool:
            while True:
                try:
                    batch = pickle.load(spool)  # noqa: S301 - written by the helper
                except EOFError:
                    return
                yield from batch

    def discard(self) -> None:
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self._pid = None
        self._items.close()
        self._state.close()


def _die_with(parent: int) -> None:
    """Have this process killed when its parent dies (Linux): a helper whose reader was stopped must not read on."""
    try:
        import ctypes  # noqa: PLC0415 - the helper only

        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # elsewhere, the helper ends with its part of the file
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the call above


def _regular_file(stream) -> int | None:
    """The descriptor of a stream reading a regular file, which can be read again at any offset."""
    try:
        fd = stream.fileno()
        return fd if stat.S_ISREG(os.fstat(fd).st_mode) else None
    except (AttributeError, OSError, ValueError):
        return None


def read_flux(
    source: str | os.PathLike | BinaryIO,
    *,
    validate: bool = True,
    progress: Callable[[int], None] | None = None,
    known_fingerprints: Collection[str] | None = None,
    runs: bool = False,
    halves: bool = False,
) -> tuple[FluxHeader, Iterator[FluxHousehold | FluxRejection | FluxUnchanged | FluxUnchangedRun]]:
    """Streams the file. The header is read eagerly (FluxError if the file is broken before/at it).

    With `known_fingerprints` (even empty), each household gets its raw_fingerprint, and a household whose
    fingerprint is in the collection is not parsed: a FluxUnchanged stands for it (unless it repeats a matricule or
    a NIR met earlier in the file, or its bytes are not plain enough: then it is parsed as usual).

    With `runs`, consecutive skipped households that repeat nothing met before them come as one FluxUnchangedRun.

    With `halves`, a large file read from a path with many known fingerprints has its second half read at the same
    time by a helper process (see _SecondHalf): the same items, but for runs, which may be cut where the halves meet.
    The caller's process is forked: only for a process that runs no other thread.

    The iterator yields one item per InfosFoyerRSA, in file order, with constant memory; it raises FluxError
    if the file turns out to be structurally broken later (truncated, not well-formed, missing TransmissionFlux).
    progress(bytes_read) is called every ~1 MB. A file opened here is closed when the iterator is exhausted,
    closed or garbage-collected.
    """
    if isinstance(source, (str, os.PathLike)):
        try:
            stream: BinaryIO = open(source, "rb")  # noqa: SIM115 - closed by the iterator
        except OSError as exc:
            raise FluxError(f"Impossible d'ouvrir le fichier : {exc.strerror or exc}.") from exc
        owned = True
    else:
        stream, owned = source, False
    reader = _FluxReader(
        stream,
        validate=validate,
        progress=progress,
        known_fingerprints=known_fingerprints,
        runs=runs,
        fd=_regular_file(stream) if owned else None,
    )
    try:
        fd = reader._fd
        if (
            halves
            and fd is not None
            and known_fingerprints is not None
            and len(known_fingerprints) >= SECOND_HALF_MIN_KNOWN
            and (size := os.fstat(fd).st_size) >= SECOND_HALF_MIN_BYTES
        ):
            reader.read_second_half_aside(fd, size)
        header = reader.read_header()
    except BaseException:
        reader.close()
        if owned:
            stream.close()
        raise

    def items() -> Iterator[FluxHousehold | FluxRejection | FluxUnchanged | FluxUnchangedRun]:
        try:
            yield from reader.households()
        finally:
            if owned:
                stream.close()

    iterator = items()
    if owned:
        weakref.finalize(iterator, stream.close)
    return header, iterator
