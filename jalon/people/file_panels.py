"""The person's file shows panels that the apps above `people` contribute (the DSP, the orientation, the delays…).
`people` knows none of them. A contributor returns a dict of names the file's template reads under `file.panels`."""

from jalon.core.panels import PanelRegistry


person_file_panels = PanelRegistry()
contribute = person_file_panels.contribute


def panels_for(*, actor, person) -> dict:
    return person_file_panels.gather(actor=actor, person=person)
