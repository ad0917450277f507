"""The person's own space shows panels that the apps above the carnet contribute (their exit and follow-up in
employment, their job offers). Each returns, for a person, nothing or a dict with the `template` to include and
what it shows — never what a professional wrote privately."""

from jalon.core.panels import PanelRegistry


person_space_panels = PanelRegistry()
