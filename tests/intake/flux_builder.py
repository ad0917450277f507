"""Hand-written CAF/MSA flux files for tests: each household stated precisely, valid against vrsb0801."""

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class P:
    nom: str
    prenom: str
    dtnai: str
    nir: str | None = None
    role: str = "DEM"
    sexe: str = "2"
    subject: bool | None = True
    nomnai: str = ""


@dataclass
class H:
    matricule: str
    persons: list[P]
    state: int = 2
    suspension: tuple[str, str] | None = None  # (MOTISUSVERSRSA, date)
    closure: tuple[str, str] | None = None  # (MOTICLORSA, DTCLORSA)
    commune: tuple[str, str, str] = ("40192", "40000", "Mont-de-Marsan")
    street: str = "RUE DES PINS"
    homeless: bool = False
    request_date: str = "2024-01-15"
    extra: dict = field(default_factory=dict)


def _person(p: P) -> str:
    nir = f"<NIR>{p.nir}</NIR>\n" if p.nir else ""
    subject = (
        f"<MontantCalculDroitRSAPersonne>\n<TOPPERSDRODEVORSA>{int(p.subject)}</TOPPERSDRODEVORSA>\n"
        "</MontantCalculDroitRSAPersonne>\n"
        if p.subject is not None
        else ""
    )
    prestations = "".join(
        f"<Prestations>\n<NATPREST>{nature}</NATPREST>\n<ROLEPERS>{p.role}</ROLEPERS>\n"
        f"<TOPCHAPERS>{int(p.role == 'ENF')}</TOPCHAPERS>\n</Prestations>\n"
        for nature in ("PFA", "RSA")
    )
    return (
        "<Personne>\n<Identification>\n"
        f"<NOM>{p.nom}</NOM>\n<NOMNAI>{p.nomnai or p.nom}</NOMNAI>\n<PRENOM>{p.prenom}</PRENOM>\n"
        f"<NOMCOMNAI>Mont-de-Marsan</NOMCOMNAI>\n<DTNAI>{p.dtnai}</DTNAI>\n{nir}<SEXE>{p.sexe}</SEXE>\n"
        f"</Identification>\n<DossierCAF>\n<TOPRESPDOS>{int(p.role == 'DEM')}</TOPRESPDOS>\n"
        f"<DDRATDOS>2024-01-15</DDRATDOS>\n</DossierCAF>\n{prestations}{subject}</Personne>\n"
    )


def household(h: H) -> str:
    code, postal, city = h.commune
    suspension = (
        f"<SuspensionVersement>\n<MOTISUSVERSRSA>{h.suspension[0]}</MOTISUSVERSRSA>\n"
        f"<DDSUSVERSRSA>{h.suspension[1]}</DDSUSVERSRSA>\n</SuspensionVersement>\n"
        if h.suspension
        else ""
    )
    closure = (
        f"<FinDroit>\n<MOTICLORSA>{h.closure[0]}</MOTICLORSA>\n<DTCLORSA>{h.closure[1]}</DTCLORSA>\n</FinDroit>\n"
        if h.closure
        else ""
    )
    return (
        "<InfosFoyerRSA>\n<IdentificationRSA>\n<Organisme>\n<FONORG>CAF</FONORG>\n<NUMORG>401</NUMORG>\n"
        f"<MATRICULE>{h.matricule}</MATRICULE>\n</Organisme>\n"
        "<Partenaire>\n<TYPEPARTE>CG</TYPEPARTE>\n<IDEPARTE>040</IDEPARTE>\n</Partenaire>\n"
        f"<DemandeRSA>\n<DTDEMRSA>{h.request_date}</DTDEMRSA>\n<NUMDEMRSA>{h.matricule.zfill(10)}R</NUMDEMRSA>\n"
        "</DemandeRSA>\n</IdentificationRSA>\n"
        + "".join(_person(p) for p in h.persons)
        + "<DonneesAdministratives>\n<SituationFamille>\n<SITFAM>CEL</SITFAM>\n"
        "<DDSITFAM>2020-01-01</DDSITFAM>\n</SituationFamille>\n<Adresse>\n<TroncCommunAdresse>\n<RGADR>1</RGADR>\n<PAYS>FRA</PAYS>\n"
        "<TYPEADR>P</TYPEADR>\n<ETATADR>CO</ETATADR>\n</TroncCommunAdresse>\n<AdresseDetailleeFrance>\n"
        "<COMPLIDEADR></COMPLIDEADR>\n<COMPLADR></COMPLADR>\n<NUMVOIE>3</NUMVOIE>\n<LIBTYPEVOIE>RUE</LIBTYPEVOIE>\n"
        f"<NOMVOIE>{h.street}</NOMVOIE>\n<LIEUDIST></LIEUDIST>\n<NUMCOM>{code}</NUMCOM>\n"
        f"<CODEPOS>{postal}</CODEPOS>\n<NOMCOM>{city}</NOMCOM>\n</AdresseDetailleeFrance>\n</Adresse>\n"
        "</DonneesAdministratives>\n"
        f"<PrestationRSA>\n<SituationDossierRSA>\n<EtatDossierRSA>\n<ETATDOSRSA>{h.state}</ETATDOSRSA>\n"
        f"</EtatDossierRSA>\n{suspension}{closure}</SituationDossierRSA>\n<DetailDroitRSA>\n"
        f"<TroncCommunDroitRSA>\n<TOPSANSDOMFIXE>{int(h.homeless)}</TOPSANSDOMFIXE>\n<ORIDEMRSA>RSA</ORIDEMRSA>\n"
        "</TroncCommunDroitRSA>\n"
        "</DetailDroitRSA>\n</PrestationRSA>\n</InfosFoyerRSA>\n"
    )


def flux(households: list[H], *, created: str = "2026-11-01", encoding: str = "windows-1252") -> bytes:
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<Racine>\n<IdentificationFlux>\n<APPLIEME>CRI</APPLIEME>\n'
        "<NUMVERSIONAPPLIEME>0801</NUMVERSIONAPPLIEME>\n<TYPEFLUX>M</TYPEFLUX>\n<NATFLUX>B</NATFLUX>\n"
        f"<DTCREAFLUX>{created}</DTCREAFLUX>\n<HEUCREAFLUX>04:30:00</HEUCREAFLUX>\n<DTREF>{created}</DTREF>\n"
        "</IdentificationFlux>\n"
        + "".join(household(h) for h in households)
        + f"<TransmissionFlux>\n<NBTOTDOSRSATRANSM>{len(households)}</NBTOTDOSRSATRANSM>\n"
        "<NBTOTDOSRSATRANSMANO>0</NBTOTDOSRSATRANSMANO>\n</TransmissionFlux>\n</Racine>\n"
    )
    return text.encode(encoding)


def write(tmp_path: Path, name: str, households: list[H], **kwargs) -> Path:
    path = tmp_path / name
    path.write_bytes(flux(households, **kwargs))
    return path
