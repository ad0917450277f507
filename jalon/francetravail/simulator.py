"""A local France Travail: the contract of docs/france-travail.md served from a JSON file, to develop, demonstrate
and test without the real service (which is not reachable from a developer's machine).

    python -m jalon.francetravail.simulator --port 8765 --data jalon/francetravail/fixtures/simulator.json

`--mode` simulates the failures a Département meets: `down` (connections closed unanswered), `slow` (answers after
`--delay` seconds), `error` (503 on every call), `mismatch` (answers about someone else: another NIR and birth date).
Two routes are the simulator's own, for tests: GET /_simulateur/requetes (the calls received) and
GET /_simulateur/presences (the attendances received).

Standard library only: it must run anywhere Jalon runs, without Django.
"""

import argparse
import json
import secrets
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


MODES = ("normal", "down", "slow", "error", "mismatch")
PREFIX = "/partenaire"


class State:
    def __init__(self, *, people: list[dict], mode: str, delay: float):
        self.people = people
        self.mode = mode
        self.delay = delay
        self.tokens: dict[str, dict] = {}
        self.requests: list[str] = []
        self.attendances: dict[str, dict] = {}
        self.lock = threading.Lock()


def _nir13(nir: str) -> str:
    return "".join((nir or "").split()).upper()[:13]


class Handler(BaseHTTPRequestHandler):
    server_version = "SimulateurFranceTravail/1"
    state: State

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass  # quiet: the tests read the calls from /_simulateur/requetes

    # --- plumbing -------------------------------------------------------------------------------------------------

    def _send(self, status: int, body: dict | list) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            return json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return {}

    def _person(self) -> dict | None:
        return self.state.tokens.get(self.headers.get("ft-jeton-usager", ""))

    def _identity(self, person: dict) -> dict:
        identity = {
            "nom": person.get("nom", ""),
            "prenom": person.get("prenom", ""),
            "nir": person["nir"],
            "dateNaissance": person["dateNaissance"],
        }
        if self.state.mode == "mismatch":
            identity.update(nir="2990199999999", dateNaissance="1999-01-01")
        return identity

    def _dispatch(self, method: str) -> None:
        path = self.path.split("?", 1)[0]
        if path.startswith("/_simulateur/"):
            return self._own(path)
        with self.state.lock:
            self.state.requests.append(f"{method} {path}")
        mode = self.state.mode
        if mode == "down":
            # A service that is down: the connection closes without an answer.
            self.close_connection = True
            self.connection.close()
            return None
        if mode == "slow":
            time.sleep(self.state.delay)
        if mode == "error":
            return self._send(HTTPStatus.SERVICE_UNAVAILABLE, {"message": "Service momentanément indisponible"})
        route = {
            ("POST", "/connexion/oauth2/access_token"): self._access_token,
            ("POST", PREFIX + "/rechercher-usager/v2/usagers/par-datenaissance-et-nir"): self._search,
            ("GET", PREFIX + "/statut-usager/v1/statut"): self._status,
            ("GET", PREFIX + "/accompagnement-usager/v1/accompagnement"): self._accompaniment,
            ("POST", PREFIX + "/rendez-vous-partenaire/v1/presences"): self._attendance,
        }.get((method, path))
        if route is None:
            return self._send(HTTPStatus.NOT_FOUND, {"message": "Ressource inconnue"})
        return route()

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    # --- the simulator's own routes --------------------------------------------------------------------------------

    def _own(self, path: str) -> None:
        if path == "/_simulateur/requetes":
            return self._send(HTTPStatus.OK, {"requetes": list(self.state.requests)})
        if path == "/_simulateur/presences":
            return self._send(HTTPStatus.OK, {"presences": list(self.state.attendances.values())})
        return self._send(HTTPStatus.NOT_FOUND, {"message": "Ressource inconnue"})

    # --- the contract ----------------------------------------------------------------------------------------------

    def _access_token(self) -> None:
        self._send(HTTPStatus.OK, {"access_token": secrets.token_hex(16), "token_type": "Bearer", "expires_in": 1499})

    def _search(self) -> None:
        body = self._body()
        if not body.get("nir") or not body.get("dateNaissance"):
            return self._send(HTTPStatus.BAD_REQUEST, {"message": "nir et dateNaissance sont obligatoires"})
        found = [
            person
            for person in self.state.people
            if _nir13(person["nir"]) == _nir13(body["nir"]) and person["dateNaissance"] == body["dateNaissance"]
        ]
        if not found:
            return self._send(HTTPStatus.OK, {"codeRetour": "S002", "message": "Aucun usager trouvé"})
        if len(found) > 1:
            return self._send(HTTPStatus.OK, {"codeRetour": "S003", "message": "Plusieurs usagers trouvés"})
        token = secrets.token_urlsafe(24)
        with self.state.lock:
            self.state.tokens[token] = found[0]
        return self._send(
            HTTPStatus.OK,
            {"codeRetour": "S001", "message": "Usager trouvé", "jetonUsager": token, "topIdentiteCertifiee": "O"},
        )

    def _status(self) -> None:
        person = self._person()
        if person is None:
            return self._send(HTTPStatus.UNAUTHORIZED, {"message": "Jeton usager absent ou invalide"})
        return self._send(
            HTTPStatus.OK,
            {"etatCivil": self._identity(person), "inscription": person.get("inscription") or {"etat": "NON_INSCRIT"}},
        )

    def _accompaniment(self) -> None:
        person = self._person()
        if person is None:
            return self._send(HTTPStatus.UNAUTHORIZED, {"message": "Jeton usager absent ou invalide"})
        return self._send(
            HTTPStatus.OK, {"etatCivil": self._identity(person), "accompagnement": person.get("accompagnement")}
        )

    def _attendance(self) -> None:
        person = self._person()
        if person is None:
            return self._send(HTTPStatus.UNAUTHORIZED, {"message": "Jeton usager absent ou invalide"})
        body = self._body()
        key = body.get("idRendezVousPartenaire")
        if not key or body.get("presence") not in ("PRESENT", "EXCUSE", "ABSENT"):
            return self._send(HTTPStatus.BAD_REQUEST, {"message": "idRendezVousPartenaire et presence attendus"})
        with self.state.lock:
            known = self.state.attendances.get(key)
            created = known is None
            if created:
                known = {**body, "nir": person["nir"], "idPresence": f"PRES-{len(self.state.attendances) + 1:06d}"}
                self.state.attendances[key] = known
        # Idempotent on the partner's appointment id: sending it again answers the same reference.
        return self._send(HTTPStatus.CREATED if created else HTTPStatus.OK, {"idPresence": known["idPresence"]})


def make_server(*, host: str, port: int, people: list[dict], mode: str = "normal", delay: float = 3):
    handler = type("BoundHandler", (Handler,), {"state": State(people=people, mode=mode, delay=delay)})
    return ThreadingHTTPServer((host, port), handler)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Simulateur local des services partenaires de France Travail.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--data", required=True, help="fichier JSON des usagers (clé « usagers »)")
    parser.add_argument("--mode", choices=MODES, default="normal")
    parser.add_argument("--delay", type=float, default=3, help="secondes d'attente en mode slow")
    args = parser.parse_args(argv)
    with open(args.data, encoding="utf-8") as handle:
        people = json.load(handle)["usagers"]
    server = make_server(host=args.host, port=args.port, people=people, mode=args.mode, delay=args.delay)
    print(f"Simulateur France Travail ({args.mode}) sur http://{args.host}:{args.port}{PREFIX}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
