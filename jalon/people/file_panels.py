"""The person's file shows panels that the apps above `people` contribute (the DSP, the orientation, the delays…).
`people` knows none of them. A contributor returns a dict of names the file's template reads under `file.panels`.

The printed file (PDF) asks the same apps to word their panels: a printer receives the gathered panels and returns
the sections it prints, in the order of the screen."""

from dataclasses import dataclass, field

from jalon.core.panels import PanelRegistry


person_file_panels = PanelRegistry()
contribute = person_file_panels.contribute

person_file_printers = PanelRegistry()
contribute_printer = person_file_printers.contribute


@dataclass(frozen=True)
class FileSection:
    """A titled part of the printed file: one line per item, or `empty` when there is none."""

    title: str
    lines: list[str] = field(default_factory=list)
    empty: str = ""
    intro: str = ""


def panels_for(*, actor, person) -> dict:
    return person_file_panels.gather(actor=actor, person=person)


def printed_sections(*, actor, person, panels: dict) -> list[FileSection]:
    """The sections the apps above print from the panels already gathered (no second reading of their data)."""
    return [
        section
        for sections in person_file_printers.each(actor=actor, person=person, panels=panels)
        for section in sections
    ]
