"""Path converters shared by the URL patterns."""

# PostgreSQL's bigint, the type of every primary key (DEFAULT_AUTO_FIELD is BigAutoField).
ID_MAX = 2**63 - 1


class IdConverter:
    """A database id in a path: a positive integer that fits a bigint. A larger number matches no pattern (404),
    instead of reaching the database as a number it cannot hold (500)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= ID_MAX:
            raise ValueError(value)  # no match: the resolver answers 404
        return number

    def to_url(self, value) -> str:
        return str(value)
