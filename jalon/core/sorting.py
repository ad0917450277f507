"""Sorting a list by one of its columns: `?tri=nom` ascending, `?tri=-nom` descending. Each list declares its
sortable columns (URL key → the fields to order by) and its default; anything else in the URL falls back to the
default, so a hand-edited address never errors."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import F, QuerySet


PARAMETER = "tri"


@dataclass(frozen=True)
class Sorting:
    columns: dict[str, tuple[str, ...]]
    default: str  # a key of `columns`, « -key » for descending

    def state(self, request) -> "SortState":
        asked = request.GET.get(PARAMETER, "") or self.default
        key = asked.removeprefix("-")
        if key not in self.columns:
            asked, key = self.default, self.default.removeprefix("-")
        return SortState(sorting=self, key=key, descending=asked.startswith("-"), query=request.GET.copy())

    def apply(self, queryset: QuerySet, state: "SortState") -> QuerySet:
        """Ordered by the column, empty values last either way, then by primary key so pages never overlap."""
        fields = self.columns[state.key]
        order = [F(f).desc(nulls_last=True) if state.descending else F(f).asc(nulls_last=True) for f in fields]
        return queryset.order_by(*order, "-pk" if state.descending else "pk")


@dataclass(frozen=True)
class SortState:
    sorting: Sorting
    key: str
    descending: bool
    query: object  # the request's QueryDict, copied

    def apply(self, queryset: QuerySet) -> QuerySet:
        """The queryset in this order: what a list's selectors and its export take, so both follow the screen."""
        return self.sorting.apply(queryset, self)

    def url_for(self, key: str) -> str:
        """The list sorted by `key`: ascending first, reversed when already sorted so; back to the first page."""
        query = self.query.copy()  # type: ignore[attr-defined]
        query.pop("page", None)
        query[PARAMETER] = f"-{key}" if key == self.key and not self.descending else key
        return "?" + urlencode(query, doseq=True)

    def aria_for(self, key: str) -> str:
        if key != self.key:
            return "none"
        return "descending" if self.descending else "ascending"
