from django.core.exceptions import ValidationError
from rest_framework import status
from rest_framework.response import Response


def service_error_response(error: ValidationError) -> Response:
    """A service's refusal as a 400 answer: field errors by field, the others under "__all__"."""
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)
