"""Developer tool: print who gets what on every URL (not a test). Run inside `manage.py shell` on a world."""

from tests.access.probe import ANONYMOUS, Prober, url_names
from tests.access.spec import ENTRIES
from tests.access.world import PERSONAS


def discover(world):
    prober = Prober(world)
    personas = [*PERSONAS, ANONYMOUS]
    for name in url_names():
        entry = ENTRIES.get(name)
        if entry is None:
            print(f"{name:45} NO ENTRY")
            continue
        for case in entry.cases:
            row = []
            for persona in personas:
                answer = prober.ask(persona, name, **case.request(world))
                row.append(f"{persona}={answer.status}")
            print(f"{name:45} {case.label:10} " + " ".join(row))
