from rest_framework.pagination import LimitOffsetPagination


DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Pagination(LimitOffsetPagination):
    """Every list of the API: `limit` (50 by default) is capped at 200, so that no call can pull a whole
    département at once (nor send a number PostgreSQL cannot hold); a partner pages with `offset`."""

    default_limit = DEFAULT_LIMIT
    max_limit = MAX_LIMIT
    limit_query_description = f"Nombre de résultats par page ({DEFAULT_LIMIT} par défaut, {MAX_LIMIT} au plus)."
    offset_query_description = "Rang du premier résultat renvoyé (0 pour le premier)."

    def get_schema_operation_parameters(self, view):
        limit, offset = super().get_schema_operation_parameters(view)
        # A larger `limit` is not refused but capped: the schema says where the cap is.
        limit["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}
        offset["schema"] = {"type": "integer", "minimum": 0}
        return [limit, offset]
