"""Panels that the apps above contribute to a screen of an app below, which knows none of them: each contributor
registers its function when Django starts (its `AppConfig.ready`), and the screen asks them in that order."""

from collections.abc import Callable


class PanelRegistry:
    def __init__(self) -> None:
        self._contributors: list[Callable[..., dict]] = []

    def contribute(self, function: Callable[..., dict]) -> Callable[..., dict]:
        if function not in self._contributors:
            self._contributors.append(function)
        return function

    def gather(self, **context) -> dict:
        """One dict of every contributor's names (for a template that reads them by name)."""
        merged: dict = {}
        for contributor in self._contributors:
            merged.update(contributor(**context))
        return merged

    def each(self, **context) -> list[dict]:
        """The non-empty panels, in order (for a template that includes each panel's own `template`)."""
        return [panel for contributor in self._contributors if (panel := contributor(**context))]
