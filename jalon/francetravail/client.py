"""The one client of France Travail's partner services (contract: docs/france-travail.md).

Three operations: find a person's record by NIR and birth date (it answers a `jetonUsager`), read their registration
and accompaniment with that token, push an appointment's attendance. Every failure becomes a `FranceTravailError`
with a French message for the screen; the caller writes nothing when one is raised.

The real service and the simulator (`python -m jalon.francetravail.simulator`) answer the same contract: which one
Jalon talks to is a matter of settings (`FRANCE_TRAVAIL_API_URL`…), never of code.
"""

from dataclasses import dataclass
from datetime import date

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry


SEARCH_PATH = "/rechercher-usager/v2/usagers/par-datenaissance-et-nir"
STATUS_PATH = "/statut-usager/v1/statut"
ACCOMPANIMENT_PATH = "/accompagnement-usager/v1/accompagnement"
ATTENDANCE_PATH = "/rendez-vous-partenaire/v1/presences"
PERSON_TOKEN_HEADER = "ft-jeton-usager"  # noqa: S105 - a header name, not a secret

# Return codes of the search (« Rechercher usager »): found, unknown, several records.
FOUND, UNKNOWN, SEVERAL = "S001", "S002", "S003"

RETRY_LATER = "Réessayez plus tard."


class FranceTravailError(Exception):
    """A France Travail exchange that did not succeed; `message` is meant for the screen, `kind` for the code."""

    UNREACHABLE = "unreachable"
    SLOW = "slow"
    SERVER = "server"
    REFUSED = "refused"
    UNKNOWN_PERSON = "unknown_person"
    MISMATCH = "mismatch"
    INVALID = "invalid"

    def __init__(self, message: str, *, kind: str):
        super().__init__(message)
        self.message = message
        self.kind = kind

    @property
    def transient(self) -> bool:
        """Worth trying again later (the service was down, slow or in error), unlike a refusal or an unknown person."""
        return self.kind in (self.UNREACHABLE, self.SLOW, self.SERVER)


@dataclass(frozen=True)
class Registration:
    """The person's registration as a jobseeker (« inscription »)."""

    registered: bool
    registered_on: date | None
    category: str
    category_label: str
    state: str
    ended_on: date | None


@dataclass(frozen=True)
class Accompaniment:
    mode: str
    mode_label: str
    agency_code: str
    agency_name: str


@dataclass(frozen=True)
class Situation:
    """What France Travail says of one person, already checked against the NIR and birth date asked for."""

    registration: Registration
    accompaniment: Accompaniment | None


# Attendance values of the contract, from the carnet's (notebook.enums.Attendance values).
ATTENDANCE_CODES = {"present": "PRESENT", "excuse": "EXCUSE", "absent": "ABSENT"}


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        raise FranceTravailError(
            "La réponse de France Travail est illisible (date invalide).", kind=FranceTravailError.INVALID
        ) from None


def _nir13(nir: str) -> str:
    """The NIR without spaces and without its key: France Travail may send 13 or 15 characters."""
    return "".join(nir.split()).upper()[:13]


class FranceTravailClient:
    def __init__(
        self,
        *,
        base_url: str,
        token_url: str = "",
        client_id: str = "",
        client_secret: str = "",
        scope: str = "",
        timeout: float = 5,
        retries: int = 2,
    ):
        self.base_url = base_url.rstrip("/")
        self.token_url = token_url
        self.scope = scope
        self.client_id = client_id
        self.client_secret = client_secret
        self.timeout = timeout
        self.session = requests.Session()
        # Bounded retry on connection failures and server errors (the attendance push is idempotent on the
        # appointment's id, so POST is retried too); a read that times out is not retried: the user waits once.
        retry = Retry(
            total=retries,
            connect=retries,
            read=False,
            status=retries,
            status_forcelist=(500, 502, 503, 504),
            allowed_methods=None,
            backoff_factor=0.2,
            raise_on_status=False,
        )
        self.session.mount("http://", HTTPAdapter(max_retries=retry))
        self.session.mount("https://", HTTPAdapter(max_retries=retry))
        self._access_token = ""

    # --- transport ------------------------------------------------------------------------------------------------

    def _request(self, method: str, path: str, *, json=None, data=None, headers=None, url: str = "") -> dict:
        all_headers = {"Accept": "application/json", **(headers or {})}
        if not url and self.client_id:
            all_headers["Authorization"] = f"Bearer {self._token()}"
        try:
            response = self.session.request(
                method, url or self.base_url + path, json=json, data=data, headers=all_headers, timeout=self.timeout
            )
        except requests.Timeout:
            raise FranceTravailError(
                f"Le service France Travail n'a pas répondu dans le délai ({self.timeout:g} s). {RETRY_LATER}",
                kind=FranceTravailError.SLOW,
            ) from None
        except requests.RequestException:
            raise FranceTravailError(
                f"Le service France Travail est injoignable. {RETRY_LATER}", kind=FranceTravailError.UNREACHABLE
            ) from None
        if response.status_code >= 500:
            raise FranceTravailError(
                f"Le service France Travail est en erreur (code {response.status_code}). {RETRY_LATER}",
                kind=FranceTravailError.SERVER,
            )
        if response.status_code >= 400:
            raise FranceTravailError(
                f"Le service France Travail a refusé la demande (code {response.status_code}) : "
                "vérifiez la configuration de la connexion.",
                kind=FranceTravailError.REFUSED,
            )
        try:
            return response.json()
        except ValueError:
            raise FranceTravailError(
                "La réponse de France Travail est illisible.", kind=FranceTravailError.INVALID
            ) from None

    def _token(self) -> str:
        """An OAuth2 access token (client credentials, form-encoded as France Travail's « Connexion » expects), asked
        once per client: a client lives for one consultation or one push."""
        if not self._access_token:
            answer = self._request(
                "POST",
                "",
                url=self.token_url,
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                    "scope": self.scope,
                },
            )
            self._access_token = answer.get("access_token", "")
            if not self._access_token:
                raise FranceTravailError(
                    "France Travail n'a pas délivré de jeton d'accès : vérifiez les identifiants de la connexion.",
                    kind=FranceTravailError.REFUSED,
                )
        return self._access_token

    # --- operations -----------------------------------------------------------------------------------------------

    def person_token(self, *, nir: str, birth_date: date) -> str:
        """The `jetonUsager` of the person's France Travail record (FranceTravailError when unknown or ambiguous)."""
        data = self._request("POST", SEARCH_PATH, json={"nir": _nir13(nir), "dateNaissance": birth_date.isoformat()})
        code = data.get("codeRetour")
        if code == FOUND and data.get("jetonUsager"):
            return data["jetonUsager"]
        if code == SEVERAL:
            raise FranceTravailError(
                "France Travail connaît plusieurs dossiers pour ce NIR et cette date de naissance : "
                "rapprochez-vous de l'agence.",
                kind=FranceTravailError.UNKNOWN_PERSON,
            )
        raise FranceTravailError(
            "Aucun dossier France Travail ne correspond à ce NIR et cette date de naissance.",
            kind=FranceTravailError.UNKNOWN_PERSON,
        )

    def situation(self, *, nir: str, birth_date: date) -> Situation:
        """The person's registration and accompaniment. An answer about someone else (another NIR or birth date
        than asked) is refused: it is never returned."""
        token = self.person_token(nir=nir, birth_date=birth_date)
        status = self._request("GET", STATUS_PATH, headers={PERSON_TOKEN_HEADER: token})
        self._check_identity(status.get("etatCivil") or {}, nir=nir, birth_date=birth_date)
        accompaniment = self._request("GET", ACCOMPANIMENT_PATH, headers={PERSON_TOKEN_HEADER: token})
        self._check_identity(accompaniment.get("etatCivil") or {}, nir=nir, birth_date=birth_date)
        inscription = status.get("inscription") or {}
        registration = Registration(
            registered=inscription.get("etat") == "INSCRIT",
            registered_on=_date(inscription.get("dateInscription")),
            category=str(inscription.get("categorie") or ""),
            category_label=inscription.get("libelleCategorie") or "",
            state=inscription.get("etat") or "NON_INSCRIT",
            ended_on=_date(inscription.get("dateCessation")),
        )
        follow = accompaniment.get("accompagnement")
        return Situation(
            registration=registration,
            accompaniment=Accompaniment(
                mode=follow.get("modalite") or "",
                mode_label=follow.get("libelleModalite") or "",
                agency_code=(follow.get("agence") or {}).get("codeSafir") or "",
                agency_name=(follow.get("agence") or {}).get("libelle") or "",
            )
            if follow
            else None,
        )

    def attendance_push(self, *, nir: str, birth_date: date, appointment_id: int, starts_at, attendance: str) -> str:
        """Send an appointment's attendance; returns France Travail's reference of it. Sending the same appointment
        again answers the same reference (the service keys it on `idRendezVousPartenaire`)."""
        if attendance not in ATTENDANCE_CODES:
            raise FranceTravailError(
                "La présence doit être présent, excusé ou absent.", kind=FranceTravailError.INVALID
            )
        token = self.person_token(nir=nir, birth_date=birth_date)
        data = self._request(
            "POST",
            ATTENDANCE_PATH,
            headers={PERSON_TOKEN_HEADER: token},
            json={
                "idRendezVousPartenaire": str(appointment_id),
                "dateRendezVous": starts_at.isoformat(),
                "presence": ATTENDANCE_CODES[attendance],
            },
        )
        if not data.get("idPresence"):
            raise FranceTravailError(
                "France Travail n'a pas accusé réception de la présence.", kind=FranceTravailError.INVALID
            )
        return str(data["idPresence"])

    @staticmethod
    def _check_identity(identity: dict, *, nir: str, birth_date: date) -> None:
        if _nir13(identity.get("nir") or "") != _nir13(nir) or identity.get("dateNaissance") != birth_date.isoformat():
            raise FranceTravailError(
                "La réponse de France Travail ne correspond pas à cette personne (NIR ou date de naissance "
                "différents) : elle est écartée.",
                kind=FranceTravailError.MISMATCH,
            )


def client_from_settings() -> FranceTravailClient | None:
    """The client as configured, or None when no France Travail service is configured (the screens say so)."""
    if not settings.FRANCE_TRAVAIL_API_URL:
        return None
    return FranceTravailClient(
        base_url=settings.FRANCE_TRAVAIL_API_URL,
        token_url=settings.FRANCE_TRAVAIL_TOKEN_URL,
        scope=settings.FRANCE_TRAVAIL_SCOPE,
        client_id=settings.FRANCE_TRAVAIL_CLIENT_ID,
        client_secret=settings.FRANCE_TRAVAIL_CLIENT_SECRET,
        timeout=settings.FRANCE_TRAVAIL_TIMEOUT,
        retries=settings.FRANCE_TRAVAIL_RETRIES,
    )
