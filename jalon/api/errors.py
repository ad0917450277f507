from django.core.exceptions import ValidationError
from rest_framework import status
from rest_framework.response import Response


# The shapes of the API's error answers, for the schema: `{"detail": "…"}` for 401/403/404/429, and for 400
# either `{"errors": {field: [messages]}}` (a service's refusal) or `{field: [messages]}` (a malformed input).
ERROR_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERRORS = {
    "type": "object",
    "description": "Messages par champ (les erreurs générales sous « __all__ » ou « non_field_errors »).",
    "additionalProperties": True,
}


def service_error_response(error: ValidationError) -> Response:
    """A service's refusal as a 400 answer: field errors by field, the others under "__all__"."""
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)
