"""OpenAPI schema hooks: the answers every endpoint may give besides its success, declared once for all."""

from jalon.api.errors import ERROR_DETAIL, VALIDATION_ERRORS


DETAIL_COMPONENT = "Erreur"
VALIDATION_COMPONENT = "ErreursDeSaisie"

_DESCRIPTIONS = {
    "400": "Requête refusée : les messages disent pourquoi, champ par champ.",
    "401": "Authentification absente ou invalide.",
    "403": "Authentification absente ou action non permise.",
    "404": "Introuvable, ou hors de portée de l'utilisateur (les deux répondent de la même façon).",
    "415": "Format du corps de la requête non pris en charge ou illisible.",
    "429": "Trop de requêtes : réessayer plus tard.",
}


def _response(code: str, component: str) -> dict:
    return {
        "description": _DESCRIPTIONS[code],
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def error_responses(result, generator, request, public):
    """Adds the error answers to each operation: 400 where it takes input (body or query), 401/403/404 where an
    account is needed (a role outside the endpoint's gets 404, as on the screens), 404 where the path names a
    record, 415 where a body is read, 429 everywhere (throttling)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[DETAIL_COMPONENT] = ERROR_DETAIL
    schemas[VALIDATION_COMPONENT] = VALIDATION_ERRORS
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            query = any(parameter.get("in") == "query" for parameter in operation.get("parameters", []))
            secured = {} not in operation.get("security", [{}])
            codes = {"429": DETAIL_COMPONENT}
            if query or "requestBody" in operation:
                codes["400"] = VALIDATION_COMPONENT
            if "requestBody" in operation:
                codes["415"] = DETAIL_COMPONENT
            if secured:
                codes.update({"401": DETAIL_COMPONENT, "403": DETAIL_COMPONENT, "404": DETAIL_COMPONENT})
            if "{" in path:
                codes["404"] = DETAIL_COMPONENT
            for code, component in codes.items():
                responses.setdefault(code, _response(code, component))
    return result
