"""Synthetic CAF/MSA "flux bénéficiaires RSA" files, valid against vrsb0801.xsd, for tests, demos and benchmarks.

Written household by household (constant memory). Each household is drawn from its own random generator seeded
with (seed, index), so the same seed gives the same bytes, and `mutate_from_seed` can rebuild the population of
another seed and change a given share of it (the re-import case of a benchmark).

Names come from Faker's fr_FR lists, drawn with the seeded generators above (calling Faker per value would be
ten times slower). NIRs are well formed and consistent with sex, birth year, month and place, and unique in a
file. Usage:

    python -m jalon.intake.caf_flux.generator OUT.xml --households N [--seed S]
        [--mutate-from-seed S --mutate-share 0.05]
"""

import argparse
import bisect
import random
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from faker.providers.person.fr_FR import Provider as _FakerPerson

from jalon.intake.caf_flux.parser import PARIS, FluxAddress, FluxHousehold, FluxPerson, address_lines


# (INSEE code, postal code, name): the largest communes of the Landes, a demo département.
DEFAULT_COMMUNES: tuple[tuple[str, str, str], ...] = (
    ("40192", "40000", "Mont-de-Marsan"),
    ("40088", "40100", "Dax"),
    ("40046", "40600", "Biscarrosse"),
    ("40279", "40990", "Saint-Paul-lès-Dax"),
    ("40312", "40220", "Tarnos"),
    ("40281", "40280", "Saint-Pierre-du-Mont"),
    ("40065", "40130", "Capbreton"),
    ("40310", "40140", "Soustons"),
    ("40284", "40230", "Saint-Vincent-de-Tyrosse"),
    ("40184", "40200", "Mimizan"),
    ("40217", "40160", "Parentis-en-Born"),
    ("40133", "40530", "Labenne"),
    ("40209", "40440", "Ondres"),
    ("40273", "40390", "Saint-Martin-de-Seignanx"),
    ("40001", "40800", "Aire-sur-l'Adour"),
    ("40282", "40500", "Saint-Sever"),
    ("40197", "40110", "Morcenx-la-Nouvelle"),
    ("40287", "40460", "Sanguinet"),
    ("40119", "40700", "Hagetmau"),
    ("40224", "40300", "Peyrehorade"),
)

DEFAULT_STATE_WEIGHTS: dict[int, float] = {0: 0.04, 1: 0.02, 2: 0.72, 3: 0.03, 4: 0.07, 5: 0.10, 6: 0.02}

# Codes as they appear in real flux (the schema gives none of them).
SUSPENSION_CODES = ("06", "01", "05", "02", "03", "04", "09", "19", "36", "44", "70", "84", "AB", "CV")
SUSPENSION_WEIGHTS = (30, 20, 10, 5, 5, 5, 4, 4, 3, 3, 3, 3, 3, 2)
CLOSURE_CODES = ("ECH", "RFD", "MUT", "PCG", "RAU", "RGD")
CLOSURE_WEIGHTS = (40, 25, 15, 10, 7, 3)
REFUSAL_CODES = ("01", "02", "04")

LAST_NAMES = tuple(name.upper() for name in _FakerPerson.last_names)
MALE_FIRST_NAMES = tuple(_FakerPerson.first_names_male)
FEMALE_FIRST_NAMES = tuple(_FakerPerson.first_names_female)

STREET_TYPES = ("RUE", "RUE", "RUE", "AVENUE", "CHEMIN", "ROUTE", "ALLÉE", "IMPASSE", "BOULEVARD", "PLACE")
STREET_NAMES = (
    "DE LA RÉPUBLIQUE",
    "JEAN JAURÈS",
    "DU GÉNÉRAL DE GAULLE",
    "VICTOR HUGO",
    "DES ÉCOLES",
    "DE LA GARE",
    "PASTEUR",
    "DU MOULIN",
    "DES CHÊNES",
    "DE L'ÉGLISE",
    "DES PINS",
    "DES ARÈNES",
    "DU STADE",
    "FRÉDÉRIC BASTIAT",
    "GAMBETTA",
)
RESIDENCES = ("RÉSIDENCE LES PINS", "RÉSIDENCE DU PARC", "BÂTIMENT B", "LES HAUTS DE L'ADOUR", "CITÉ DES FLEURS")
# Births elsewhere in France: (département in the NIR, commune of birth).
FRENCH_BIRTH_PLACES = (
    ("75", "Paris"),
    ("13", "Marseille"),
    ("69", "Lyon"),
    ("33", "Bordeaux"),
    ("31", "Toulouse"),
    ("64", "Pau"),
    ("64", "Bayonne"),
    ("59", "Lille"),
    ("44", "Nantes"),
    ("67", "Strasbourg"),
    ("34", "Montpellier"),
    ("47", "Agen"),
    ("32", "Auch"),
    ("93", "Saint-Denis"),
    ("42", "Saint-Étienne"),
    ("2A", "Ajaccio"),
    ("2B", "Bastia"),
    ("97", "Pointe-à-Pitre"),
)
# Births abroad: (INSEE country code, city).
FOREIGN_BIRTH_PLACES = (
    ("352", "Alger"),
    ("352", "Oran"),
    ("350", "Casablanca"),
    ("350", "Fès"),
    ("351", "Tunis"),
    ("139", "Porto"),
    ("134", "Saragosse"),
    ("208", "Istanbul"),
    ("341", "Dakar"),
    ("335", "Bamako"),
    ("326", "Abidjan"),
    ("114", "Bucarest"),
)
FT_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
NIR_SLOTS = 990 * 999  # (commune, order) pairs usable to keep NIRs unique
SLOTS_PER_HOUSEHOLD = 8  # 6 persons at most + 1 added by a mutation


@dataclass(slots=True)
class _Person:
    nir: str | None
    last_name: str
    birth_name: str
    first_name: str
    birth_date: date
    sex: str
    civility: str
    role: str
    birth_place: str
    france_travail_id: str = ""
    subject: bool | None = None
    attached_on: date | None = None
    activity: str = ""

    def record(self) -> FluxPerson:
        return FluxPerson(
            nir=self.nir,
            last_name=self.last_name,
            birth_name=self.birth_name,
            first_name=self.first_name,
            birth_date=self.birth_date,
            sex=self.sex,
            civility=self.civility,
            role=self.role,
            france_travail_id=self.france_travail_id,
            subject_to_rights_and_duties=self.subject,
            birth_place=self.birth_place,
        )


@dataclass(slots=True)
class _Address:
    numvoie: str
    libtypevoie: str
    nomvoie: str
    complideadr: str
    compladr: str
    lieudist: str
    commune_code: str
    postal_code: str
    city: str

    def record(self) -> FluxAddress:
        line1, line2, line3 = address_lines(
            numvoie=self.numvoie,
            libtypevoie=self.libtypevoie,
            nomvoie=self.nomvoie,
            complideadr=self.complideadr,
            compladr=self.compladr,
            lieudist=self.lieudist,
        )
        return FluxAddress(
            line1=line1,
            line2=line2,
            line3=line3,
            postal_code=self.postal_code,
            city=self.city,
            commune_code=self.commune_code,
        )


@dataclass(slots=True)
class _Household:
    index: int
    matricule: str
    organisme: str
    organisme_code: str
    family_situation: str
    family_since: date
    request_date: date
    address: _Address
    homeless: bool
    persons: list[_Person]
    state: int = 2
    opening_date: date | None = None
    suspension_kind: str = ""  # "droit" (state 3) or "versement" (state 4)
    suspension_reason: str = ""
    suspension_date: date | None = None
    closure_reason: str = ""
    closure_date: date | None = None
    refusal_reason: str = ""
    refusal_date: date | None = None
    resources: float = 0.0
    extras: dict = field(default_factory=dict)

    @property
    def request_number(self) -> str:
        return self.matricule.zfill(10)[-10:] + "R"

    def record(self, departement: str) -> FluxHousehold:
        return FluxHousehold(
            line=0,
            organisme=self.organisme,
            organisme_code=self.organisme_code,
            matricule=self.matricule,
            request_date=self.request_date,
            request_number=self.request_number,
            partner_departement=departement.zfill(3),
            right_state=self.state,
            suspension_reason=self.suspension_reason,
            suspension_date=self.suspension_date,
            closure_reason=self.closure_reason,
            closure_date=self.closure_date,
            opening_date=self.opening_date,
            homeless=self.homeless,
            address=self.address.record(),
            persons=tuple(person.record() for person in self.persons),
            raw_hash="",
        )


def _departement(commune_code: str) -> str:
    return commune_code[:2]


class _Context:
    def __init__(
        self,
        *,
        seed: int,
        commune_codes: Sequence[tuple[str, str, str]],
        organisme: str,
        state_weights: Mapping[int, float] | None,
        created_at: datetime,
    ):
        if organisme not in ("CAF", "MSA"):
            raise ValueError("organisme must be 'CAF' or 'MSA'")
        if not commune_codes:
            raise ValueError("commune_codes must not be empty")
        self.seed = seed
        self.communes = [(code, postal, city[:32]) for code, postal, city in commune_codes]
        self.organisme = organisme
        departement = _departement(self.communes[0][0])
        self.departement = departement
        self.organisme_code = (departement + ("1" if organisme == "CAF" else "0"))[:3]
        weights = dict(state_weights or DEFAULT_STATE_WEIGHTS)
        self.states = sorted(state for state, weight in weights.items() if weight > 0)
        if not self.states or any(state not in range(7) for state in self.states):
            raise ValueError("state_weights must give a positive weight to states among 0..6")
        total = sum(weights[state] for state in self.states)
        running, self.state_cumulative = 0.0, []
        for state in self.states:
            running += weights[state] / total
            self.state_cumulative.append(running)
        self.created_at = created_at
        self.today = created_at.date()
        first_of_month = self.today.replace(day=1)
        self.reference_date = first_of_month - timedelta(days=1)
        self.matricule_base = (seed * 1_000_003) % 9_000_000
        self.foreign_nirs: set[str] = set()
        self.local_birth_places: dict[str, list[str]] = {}
        for code, _postal, city in self.communes:
            self.local_birth_places.setdefault(_departement(code), []).append(city[:26])

    def draw_state(self, rng: random.Random) -> int:
        return self.states[min(bisect.bisect_left(self.state_cumulative, rng.random()), len(self.states) - 1)]


def _birth_date(rng: random.Random, today: date, age_min: int, age_max: int) -> date:
    return today - timedelta(days=rng.randint(age_min * 365 + 1, age_max * 365 + 364))


def _person(
    rng: random.Random,
    ctx: _Context,
    *,
    slot: int,
    sex: str,
    role: str,
    birth_date: date,
    last_name: str,
    birth_name: str | None = None,
    adult: bool = True,
    local_only: bool = False,
) -> _Person:
    first_name = rng.choice(MALE_FIRST_NAMES if sex == "1" else FEMALE_FIRST_NAMES)
    yymm = f"{birth_date.year % 100:02d}{birth_date.month:02d}"
    where = rng.random()
    nir: str | None
    if local_only or where < 0.62 or not adult and where < 0.9:
        departement = ctx.departement
        places = ctx.local_birth_places.get(departement) or [ctx.communes[0][2][:26]]
        birth_place = rng.choice(places)
    elif where < 0.84 or not adult:
        departement, birth_place = rng.choice(FRENCH_BIRTH_PLACES)
    else:
        departement = ""
        country, birth_place = rng.choice(FOREIGN_BIRTH_PLACES)
    if departement:
        if departement in ("2A", "2B") and birth_date.year < 1976:
            departement = "20"
        k = slot % NIR_SLOTS
        first = sex if rng.random() > 0.01 else str(int(sex) + 6)  # a few temporary numbers (7, 8)
        nir = f"{first}{yymm}{departement[:2]}{k // 999 + 1:03d}{k % 999 + 1:03d}"
    else:
        order = slot % 999
        nir = f"{sex}{yymm}99{country}{order + 1:03d}"
        while nir in ctx.foreign_nirs:
            order = (order + 1) % 999
            nir = f"{sex}{yymm}99{country}{order + 1:03d}"
        ctx.foreign_nirs.add(nir)
    if rng.random() < 0.02:
        nir = None  # not yet registered
    return _Person(
        nir=nir,
        last_name=last_name[:28],
        birth_name=(birth_name or last_name)[:28],
        first_name=first_name[:32],
        birth_date=birth_date,
        sex=sex,
        civility=("MR" if sex == "1" else "MME") if adult else "",
        role=role,
        birth_place=birth_place[:26],
    )


def _address(rng: random.Random, ctx: _Context, homeless: bool) -> _Address:
    commune_code, postal_code, city = rng.choice(ctx.communes)
    if homeless:
        return _Address("1", "PLACE", "DE LA MAIRIE", "DOMICILIATION CCAS", "", "", commune_code, postal_code, city)
    draw = rng.random()
    nomvoie = (
        rng.choice(STREET_NAMES)
        if draw < 0.6
        else f"{rng.choice(MALE_FIRST_NAMES + FEMALE_FIRST_NAMES).upper()} {rng.choice(LAST_NAMES)}"
        if draw < 0.8
        else f"DE {rng.choice(LAST_NAMES)}"
    )[:32]
    complideadr = f"APPARTEMENT {rng.randint(1, 60)}" if rng.random() < 0.25 else ""
    compladr = rng.choice(RESIDENCES) if rng.random() < 0.2 else ""
    lieudist = f"LIEU-DIT {rng.choice(LAST_NAMES)}"[:38] if rng.random() < 0.05 else ""
    return _Address(
        str(rng.randint(1, 180)),
        rng.choice(STREET_TYPES),
        nomvoie,
        complideadr,
        compladr,
        lieudist,
        commune_code,
        postal_code,
        city,
    )


def _child(rng: random.Random, ctx: _Context, *, slot: int, last_name: str, max_age: int, min_age: int = 0):
    sex = rng.choice("12")
    birth = _birth_date(rng, ctx.today, min_age, max(min_age, max_age))
    return _person(rng, ctx, slot=slot, sex=sex, role="ENF", birth_date=birth, last_name=last_name, adult=False)


def _build(index: int, ctx: _Context, pop_seed: int) -> _Household:
    rng = random.Random(f"{pop_seed}:{index}")
    base_slot = index * SLOTS_PER_HOUSEHOLD
    today = ctx.today
    persons: list[_Person] = []
    draw = rng.random()
    if draw < 0.55:  # single person
        sex = "1" if rng.random() < 0.55 else "2"
        name = rng.choice(LAST_NAMES)
        birth = _birth_date(rng, today, 25, 64)
        persons.append(_person(rng, ctx, slot=base_slot, sex=sex, role="DEM", birth_date=birth, last_name=name))
        situation = rng.choice(("CEL", "CEL", "CEL", "DIV", "SEP", "VEU"))
        children = 0
    elif draw < 0.80:  # single parent
        sex = "2" if rng.random() < 0.85 else "1"
        name = rng.choice(LAST_NAMES)
        birth = _birth_date(rng, today, 19, 52)
        parent = _person(rng, ctx, slot=base_slot, sex=sex, role="DEM", birth_date=birth, last_name=name)
        persons.append(parent)
        situation = rng.choice(("CEL", "CEL", "DIV", "SEP", "SEP", "VEU"))
        children = rng.choices((1, 2, 3, 4), weights=(45, 30, 15, 10))[0]
    else:  # couple
        situation = rng.choice(("MAR", "VIM", "VIM", "PAC"))
        first_sex = "1" if rng.random() < 0.6 else "2"
        other_sex = ("2" if first_sex == "1" else "1") if rng.random() < 0.96 else first_sex
        age = rng.randint(22, 60)
        name = rng.choice(LAST_NAMES)
        birth = _birth_date(rng, today, age, age)
        persons.append(_person(rng, ctx, slot=base_slot, sex=first_sex, role="DEM", birth_date=birth, last_name=name))
        partner_age = min(64, max(18, age + rng.randint(-6, 6)))
        partner_birth = _birth_date(rng, today, partner_age, partner_age)
        own_name = rng.choice(LAST_NAMES)
        married_woman = situation == "MAR" and other_sex == "2" and first_sex == "1" and rng.random() < 0.7
        persons.append(
            _person(
                rng,
                ctx,
                slot=base_slot + 1,
                sex=other_sex,
                role="CJT",
                birth_date=partner_birth,
                last_name=name if married_woman else own_name,
                birth_name=own_name,
            )
        )
        children = 0 if rng.random() < 0.4 else rng.choices((1, 2, 3, 4), weights=(40, 35, 15, 10))[0]
    youngest_parent = min((today - p.birth_date).days // 365 for p in persons)
    for _ in range(children):
        persons.append(
            _child(rng, ctx, slot=base_slot + len(persons), last_name=name, max_age=min(19, youngest_parent - 17))
        )
    for person in persons:
        if person.role != "ENF" and rng.random() < 0.3:
            person.france_travail_id = f"{rng.randrange(10**7):07d}{rng.choice(FT_LETTERS)}"
        person.activity = rng.choice(("NAC", "NAC", "NAC", "CHO", "SAL", "ETU")) if person.role != "ENF" else ""
    homeless = rng.random() < 0.03
    request_date = today - timedelta(days=rng.randint(20, 3650))
    household = _Household(
        index=index,
        matricule=str(1_000_000 + (ctx.matricule_base + index * 37) % 9_000_000),
        organisme=ctx.organisme,
        organisme_code=ctx.organisme_code,
        family_situation=situation,
        family_since=request_date - timedelta(days=rng.randint(30, 3000)),
        request_date=request_date,
        address=_address(rng, ctx, homeless),
        homeless=homeless,
        persons=persons,
    )
    _assign_state(household, rng, ctx, ctx.draw_state(rng))
    return household


def _assign_state(household: _Household, rng: random.Random, ctx: _Context, state: int) -> None:
    """Sets the state of the right and everything that follows from it (dates, reasons, persons' flags)."""
    today = ctx.today
    h = household
    h.state = state
    h.opening_date = h.suspension_date = h.closure_date = h.refusal_date = None
    h.suspension_kind = h.suspension_reason = h.closure_reason = h.refusal_reason = ""
    if state == 0:
        h.request_date = today - timedelta(days=rng.randint(2, 60))
    elif state == 1:
        h.request_date = today - timedelta(days=rng.randint(40, 365))
        h.refusal_date = h.request_date + timedelta(days=rng.randint(10, 35))
        h.refusal_reason = rng.choice(REFUSAL_CODES)
    else:
        h.opening_date = h.request_date.replace(day=1)
    opening = h.opening_date or h.request_date
    if state in (3, 4):
        start = max(opening, today - timedelta(days=rng.randint(10, 365)))
        h.suspension_date = start.replace(day=1)
        h.suspension_kind = "droit" if state == 3 else "versement"
        h.suspension_reason = rng.choices(SUSPENSION_CODES, weights=SUSPENSION_WEIGHTS)[0]
    elif state in (5, 6):
        if (today - opening).days < 90:
            opening = (today - timedelta(days=rng.randint(120, 900))).replace(day=1)
            h.opening_date = opening
            h.request_date = opening + timedelta(days=rng.randint(0, 20))
        window = (30, 120) if state == 5 else (130, 700)
        closure = today - timedelta(days=rng.randint(*window))
        h.closure_date = max(closure, opening + timedelta(days=60))
        h.closure_reason = rng.choices(CLOSURE_CODES, weights=CLOSURE_WEIGHTS)[0]
    h.resources = round(rng.choice((0.0, 0.0, 0.0, rng.uniform(50, 900))), 2)
    for person in h.persons:
        if state in (2, 3, 4):
            person.subject = (rng.random() < 0.92) if person.role != "ENF" else None
        elif state in (5, 6) and person.role != "ENF":
            person.subject = False if rng.random() < 0.7 else None
        else:
            person.subject = None
        person.attached_on = max(h.request_date, person.birth_date)


# -------------------------------------------------------------------------------------- mutations


def _mutate(household: _Household, rng: random.Random, ctx: _Context) -> str:
    kind = rng.choices(("state", "added", "removed", "address"), weights=(40, 20, 15, 25))[0]
    if kind == "added" and len(household.persons) >= 6:
        kind = "address"
    if kind == "removed" and len(household.persons) == 1:
        kind = "state"
    if kind == "state":
        others = [s for s in ctx.states if s != household.state] or [s for s in range(7) if s != household.state]
        _assign_state(household, rng, ctx, rng.choice(others))
    elif kind == "added":
        parent = household.persons[0]
        baby = _person(
            rng,
            ctx,
            slot=household.index * SLOTS_PER_HOUSEHOLD + SLOTS_PER_HOUSEHOLD - 1,
            sex=rng.choice("12"),
            role="ENF",
            birth_date=ctx.today - timedelta(days=rng.randint(5, 300)),
            last_name=parent.last_name,
            adult=False,
            local_only=True,
        )
        baby.attached_on = baby.birth_date
        household.persons.append(baby)
    elif kind == "removed":
        household.persons.pop()
    else:
        old = household.address.record()
        for _ in range(20):
            household.address = _address(rng, ctx, household.homeless)
            if household.address.record() != old:
                break
        else:
            household.address.numvoie = str(int(household.address.numvoie) % 180 + 1)
    return kind


# ------------------------------------------------------------------------------------------ writing


def _iso(value: date | None) -> str:
    # Set by construction for the blocks that print it.
    assert value is not None
    return value.isoformat()


def _x(value: str) -> str:
    if "&" in value or "<" in value or ">" in value:
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


def _b(value: bool) -> str:
    return "1" if value else "0"


def _render_person(p: _Person, h: _Household) -> str:
    parts = [
        "<Personne>\n<Identification>\n",
        f"<QUAL>{p.civility}</QUAL>\n" if p.civility else "",
        f"<NOM>{_x(p.last_name)}</NOM>\n<NOMNAI>{_x(p.birth_name)}</NOMNAI>\n",
        f"<PRENOM>{_x(p.first_name)}</PRENOM>\n<NOMCOMNAI>{_x(p.birth_place)}</NOMCOMNAI>\n",
        f"<DTNAI>{p.birth_date.isoformat()}</DTNAI>\n",
        f"<NIR>{p.nir}</NIR>\n" if p.nir else "",
        f"<SEXE>{p.sex}</SEXE>\n",
        "</Identification>\n<DossierCAF>\n",
        f"<TOPRESPDOS>{_b(p.role == 'DEM')}</TOPRESPDOS>\n",
        f"<DDRATDOS>{_iso(p.attached_on)}</DDRATDOS>\n</DossierCAF>\n",
    ]
    dependent = _b(p.role == "ENF")
    parts.extend(
        f"<Prestations>\n<NATPREST>{nature}</NATPREST>\n<ROLEPERS>{p.role}</ROLEPERS>\n"
        f"<TOPCHAPERS>{dependent}</TOPCHAPERS>\n</Prestations>\n"
        for nature in ("PFA", "RSA")
    )
    if p.france_travail_id:
        parts.append(f"<DossierPoleEmploi>\n<IDASSEDIC>{p.france_travail_id}</IDASSEDIC>\n")
        parts.append("</DossierPoleEmploi>\n")
    open_right = h.state in (2, 3, 4)
    if open_right and p.role == "DEM" and h.resources > 0:
        quarter_end = h.extras["quarter_end"]
        quarter_start = h.extras["quarter_start"]
        parts.append(
            f"<Ressources>\n<GeneraliteRessourcesTrimestre>\n"
            f"<TOPRESSNUL>{_b(h.resources == 0)}</TOPRESSNUL>\n"
            f"<DDRESS>{quarter_start}</DDRESS>\n<DFRESS>{quarter_end}</DFRESS>\n"
            "</GeneraliteRessourcesTrimestre>\n</Ressources>\n"
        )
    if p.subject is not None:
        parts.append(
            "<MontantCalculDroitRSAPersonne>\n"
            f"<TOPPERSDRODEVORSA>{_b(p.subject)}</TOPPERSDRODEVORSA>\n"
            "</MontantCalculDroitRSAPersonne>\n"
        )
    if open_right and p.activity == "SAL":
        parts.append(f"<Activite>\n<ACT>{p.activity}</ACT>\n<DDACT>{h.extras['quarter_start']}</DDACT>\n</Activite>\n")
    parts.append("</Personne>\n")
    return "".join(parts)


def _render(h: _Household, ctx: _Context) -> str:
    today = ctx.today
    quarter_month = (today.month - 1) // 3 * 3 + 1
    quarter_start = date(today.year, quarter_month, 1)
    previous_quarter_start = (quarter_start - timedelta(days=1)).replace(day=1)
    previous_quarter_start = previous_quarter_start.replace(month=(previous_quarter_start.month - 1) // 3 * 3 + 1)
    h.extras["quarter_start"] = previous_quarter_start.isoformat()
    h.extras["quarter_end"] = (quarter_start - timedelta(days=1)).isoformat()
    a = h.address
    parts = [
        "<InfosFoyerRSA>\n<IdentificationRSA>\n<Organisme>\n",
        f"<FONORG>{h.organisme}</FONORG>\n<NUMORG>{h.organisme_code}</NUMORG>\n",
        f"<MATRICULE>{h.matricule}</MATRICULE>\n</Organisme>\n",
        f"<Partenaire>\n<TYPEPARTE>CG</TYPEPARTE>\n<IDEPARTE>{ctx.departement.zfill(3)}</IDEPARTE>\n",
        "</Partenaire>\n",
        f"<DemandeRSA>\n<DTDEMRSA>{h.request_date.isoformat()}</DTDEMRSA>\n",
        f"<NUMDEMRSA>{h.request_number}</NUMDEMRSA>\n</DemandeRSA>\n</IdentificationRSA>\n",
    ]
    parts.extend(_render_person(p, h) for p in h.persons)
    parts.append(
        "<DonneesAdministratives>\n<SituationFamille>\n"
        f"<SITFAM>{h.family_situation}</SITFAM>\n<DDSITFAM>{h.family_since.isoformat()}</DDSITFAM>\n"
        "</SituationFamille>\n<Adresse>\n<TroncCommunAdresse>\n"
        "<RGADR>1</RGADR>\n<PAYS>FRA</PAYS>\n<TYPEADR>P</TYPEADR>\n"
        "<ETATADR>CO</ETATADR>\n</TroncCommunAdresse>\n<AdresseDetailleeFrance>\n"
        f"<COMPLIDEADR>{_x(a.complideadr)}</COMPLIDEADR>\n<COMPLADR>{_x(a.compladr)}</COMPLADR>\n"
        f"<NUMVOIE>{a.numvoie}</NUMVOIE>\n<LIBTYPEVOIE>{_x(a.libtypevoie)}</LIBTYPEVOIE>\n"
        f"<NOMVOIE>{_x(a.nomvoie)}</NOMVOIE>\n<LIEUDIST>{_x(a.lieudist)}</LIEUDIST>\n"
        f"<NUMCOM>{a.commune_code}</NUMCOM>\n<CODEPOS>{a.postal_code}</CODEPOS>\n"
        f"<NOMCOM>{_x(a.city)}</NOMCOM>\n</AdresseDetailleeFrance>\n</Adresse>\n"
        "</DonneesAdministratives>\n"
    )
    parts.append(
        f"<PrestationRSA>\n<SituationDossierRSA>\n<EtatDossierRSA>\n"
        f"<ETATDOSRSA>{h.state}</ETATDOSRSA>\n</EtatDossierRSA>\n"
    )
    if h.refusal_date:
        parts.append(
            f"<Refus>\n<DTREFURSA>{h.refusal_date.isoformat()}</DTREFURSA>\n"
            f"<MOTIREFURSA>{h.refusal_reason}</MOTIREFURSA>\n</Refus>\n"
        )
    if h.suspension_kind == "droit":
        parts.append(
            f"<SuspensionDroit>\n<MOTISUSDRORSA>{h.suspension_reason}</MOTISUSDRORSA>\n"
            f"<DDSUSDRORSA>{_iso(h.suspension_date)}</DDSUSDRORSA>\n</SuspensionDroit>\n"
        )
    elif h.suspension_kind == "versement":
        parts.append(
            f"<SuspensionVersement>\n<MOTISUSVERSRSA>{h.suspension_reason}</MOTISUSVERSRSA>\n"
            f"<DDSUSVERSRSA>{_iso(h.suspension_date)}</DDSUSVERSRSA>\n</SuspensionVersement>\n"
        )
    if h.closure_date:
        block = "FinDroit" if h.state == 5 else "FinDroitMoisAnterieur"
        parts.append(
            f"<{block}>\n<MOTICLORSA>{h.closure_reason}</MOTICLORSA>\n"
            f"<DTCLORSA>{h.closure_date.isoformat()}</DTCLORSA>\n</{block}>\n"
        )
    adults = sum(1 for p in h.persons if p.role != "ENF")
    children = len(h.persons) - adults
    parts.append(
        "</SituationDossierRSA>\n<DetailDroitRSA>\n<TroncCommunDroitRSA>\n"
        f"<TOPSANSDOMFIXE>{_b(h.homeless)}</TOPSANSDOMFIXE>\n<ORIDEMRSA>RSA</ORIDEMRSA>\n"
        "</TroncCommunDroitRSA>\n"
    )
    if h.state in (2, 3, 4):
        guaranteed = 646.52 * (1 + 0.5 * (adults - 1) + 0.3 * min(children, 2) + 0.4 * max(children - 2, 0))
        total = max(0.0, guaranteed - h.resources)
        parts.append(
            f"<MontantsCalculDroitRSA>\n<DDELECAL>{today.replace(day=1).isoformat()}</DDELECAL>\n"
            f"<MTREVMINIGARARSA>{guaranteed:.2f}</MTREVMINIGARARSA>\n"
            f"<MTREVGARARSA>{guaranteed:.2f}</MTREVGARARSA>\n"
            f"<MTRESSMENRSA>{h.resources:.2f}</MTRESSMENRSA>\n"
            f"<MTTOTDRORSA>{total:.2f}</MTTOTDRORSA>\n</MontantsCalculDroitRSA>\n"
        )
    if h.opening_date:
        paid = f"<MTRSAVERS>{max(0.0, 646.52 - h.resources):.2f}</MTRSAVERS>\n" if h.state == 2 else ""
        parts.append(
            "<DetailCalculDroitRSA>\n<NATPF>RSD</NATPF>\n<SOUSNATPF>RSDN1</SOUSNATPF>\n"
            f"<DDNATDRO>{h.opening_date.isoformat()}</DDNATDRO>\n{paid}</DetailCalculDroitRSA>\n"
        )
    parts.append("</DetailDroitRSA>\n</PrestationRSA>\n</InfosFoyerRSA>\n")
    return "".join(parts)


def _render_header(ctx: _Context) -> str:
    created = ctx.created_at
    return (
        f'<?xml version="1.0" encoding="{{encoding}}"?>\n<Racine>\n<IdentificationFlux>\n'
        "<APPLIEME>CRI</APPLIEME>\n<NUMVERSIONAPPLIEME>0801</NUMVERSIONAPPLIEME>\n"
        "<TYPEFLUX>M</TYPEFLUX>\n<NATFLUX>B</NATFLUX>\n"
        f"<DTCREAFLUX>{created.date().isoformat()}</DTCREAFLUX>\n"
        f"<HEUCREAFLUX>{created.strftime('%H:%M:%S')}</HEUCREAFLUX>\n"
        f"<DTREF>{ctx.reference_date.isoformat()}</DTREF>\n</IdentificationFlux>\n"
    )


# -------------------------------------------------------------------------------------- public API


def _default_created_at() -> datetime:
    # Today at 04:30 in Paris: the same seed gives the same bytes all day long.
    return datetime.now(PARIS).replace(hour=4, minute=30, second=0, microsecond=0)


def _iter_built(
    *,
    households: int,
    seed: int,
    commune_codes: Sequence[tuple[str, str, str]],
    organisme: str,
    state_weights: Mapping[int, float] | None,
    created_at: datetime | None,
    mutate_from_seed: int | None,
    mutate_share: float,
) -> tuple[_Context, Iterator[tuple[_Household, str]]]:
    if households < 0:
        raise ValueError("households must be >= 0")
    if not 0.0 <= mutate_share <= 1.0:
        raise ValueError("mutate_share must be between 0 and 1")
    population_seed = seed if mutate_from_seed is None else mutate_from_seed
    ctx = _Context(
        seed=population_seed,
        commune_codes=commune_codes,
        organisme=organisme,
        state_weights=state_weights,
        created_at=created_at or _default_created_at(),
    )
    mutated: set[int] = set()
    if mutate_from_seed is not None and mutate_share > 0:
        count = round(households * mutate_share)
        mutated = set(random.Random(f"mutate:{seed}:{mutate_from_seed}").sample(range(households), count))

    def items() -> Iterator[tuple[_Household, str]]:
        for index in range(households):
            household = _build(index, ctx, population_seed)
            kind = ""
            if index in mutated:
                kind = _mutate(household, random.Random(f"mutation:{seed}:{index}"), ctx)
            yield household, kind

    return ctx, items()


def generate_households(
    *,
    households: int,
    seed: int = 0,
    commune_codes: Sequence[tuple[str, str, str]] = DEFAULT_COMMUNES,
    organisme: str = "CAF",
    state_weights: Mapping[int, float] | None = None,
    created_at: datetime | None = None,
    mutate_from_seed: int | None = None,
    mutate_share: float = 0.0,
) -> Iterator[FluxHousehold]:
    """What `write_flux` writes with the same arguments, household by household, as the parser should read it
    (with line=0 and raw_hash="")."""
    ctx, items = _iter_built(
        households=households,
        seed=seed,
        commune_codes=commune_codes,
        organisme=organisme,
        state_weights=state_weights,
        created_at=created_at,
        mutate_from_seed=mutate_from_seed,
        mutate_share=mutate_share,
    )
    for household, _kind in items:
        yield household.record(ctx.departement)


def write_flux(
    path: str | Path,
    *,
    households: int,
    seed: int = 0,
    commune_codes: Sequence[tuple[str, str, str]] = DEFAULT_COMMUNES,
    organisme: str = "CAF",
    encoding: str = "windows-1252",
    state_weights: Mapping[int, float] | None = None,
    created_at: datetime | None = None,
    mutate_from_seed: int | None = None,
    mutate_share: float = 0.0,
) -> dict:
    """Writes a flux valid against vrsb0801.xsd, household by household. Returns counts:
    households, persons, mutated (and by kind), by_state, bytes."""
    ctx, items = _iter_built(
        households=households,
        seed=seed,
        commune_codes=commune_codes,
        organisme=organisme,
        state_weights=state_weights,
        created_at=created_at,
        mutate_from_seed=mutate_from_seed,
        mutate_share=mutate_share,
    )
    counts: dict = {"households": 0, "persons": 0, "mutated": 0, "mutations": {}, "by_state": {}}
    path = Path(path)
    with path.open("w", encoding=encoding, errors="xmlcharrefreplace", newline="\n", buffering=1 << 20) as out:
        out.write(_render_header(ctx).replace("{encoding}", encoding))
        batch: list[str] = []
        for household, kind in items:
            batch.append(_render(household, ctx))
            counts["households"] += 1
            counts["persons"] += len(household.persons)
            counts["by_state"][household.state] = counts["by_state"].get(household.state, 0) + 1
            if kind:
                counts["mutated"] += 1
                counts["mutations"][kind] = counts["mutations"].get(kind, 0) + 1
            if len(batch) >= 256:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch))
        out.write(
            "<TransmissionFlux>\n"
            f"<NBTOTDOSRSATRANSM>{counts['households']}</NBTOTDOSRSATRANSM>\n"
            "<NBTOTDOSRSATRANSMANO>0</NBTOTDOSRSATRANSMANO>\n</TransmissionFlux>\n</Racine>\n"
        )
    counts["bytes"] = path.stat().st_size
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Écrit un flux bénéficiaires RSA CAF/MSA synthétique (vrsb0801).")
    parser.add_argument("out", type=Path, help="fichier XML à écrire")
    parser.add_argument("--households", type=int, required=True, help="nombre de foyers")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mutate-from-seed", type=int, default=None, help="population de cette graine, modifiée")
    parser.add_argument("--mutate-share", type=float, default=0.0, help="part des foyers modifiés (0.05 = 5 %%)")
    parser.add_argument("--organisme", choices=("CAF", "MSA"), default="CAF")
    parser.add_argument("--encoding", default="windows-1252")
    parser.add_argument("--created-at", type=datetime.fromisoformat, default=None, help="AAAA-MM-JJTHH:MM:SS")
    args = parser.parse_args(argv)
    created_at = args.created_at
    if created_at is not None and created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=PARIS)
    started = time.perf_counter()
    counts = write_flux(
        args.out,
        households=args.households,
        seed=args.seed,
        organisme=args.organisme,
        encoding=args.encoding,
        created_at=created_at,
        mutate_from_seed=args.mutate_from_seed,
        mutate_share=args.mutate_share,
    )
    elapsed = time.perf_counter() - started
    print(
        f"{args.out} : {counts['households']} foyers, {counts['persons']} personnes, "
        f"{counts['mutated']} foyers modifiés, {counts['bytes'] / 1e6:.1f} Mo en {elapsed:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
