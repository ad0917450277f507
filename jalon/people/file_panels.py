"""The person's file shows panels that the apps above `people` contribute (the DSP, the orientation, the delays…).
`people` knows none of them: each app registers its function when Django starts (its `AppConfig.ready`), and the
file asks them in that order. A contributor returns a dict of names the file's template reads under `file.panels`."""

from collections.abc import Callable


_contributors: list[Callable[..., dict]] = []


def contribute(function: Callable[..., dict]) -> Callable[..., dict]:
    if function not in _contributors:
        _contributors.append(function)
    return function


def panels_for(*, actor, person) -> dict:
    panels: dict = {}
    for contributor in _contributors:
        panels.update(contributor(actor=actor, person=person))
    return panels
