"""Parse a flux in a child process while the importer matches and writes: the two cores work at once.

The child only parses (pure Python + lxml, no database) and sends batches of parsed households through a
pipe; the importer receives them in file order. Small files are parsed in-process: a child costs more
than it saves.
"""

import multiprocessing
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

from jalon.intake.caf_flux.parser import (
    FluxError,
    FluxHeader,
    FluxHousehold,
    FluxRejection,
    FluxUnchanged,
    read_flux,
)


PARALLEL_MIN_BYTES = 20 * 1024 * 1024
Item = FluxHousehold | FluxRejection | FluxUnchanged


def _child(path: str, sender, batch_size: int, known_fingerprints) -> None:
    try:
        header, items = read_flux(
            path, progress=lambda done: sender.send(("progress", done)), known_fingerprints=known_fingerprints
        )
        sender.send(("header", header))
        batch: list[Item] = []
        for item in items:
            batch.append(item)
            if len(batch) >= batch_size:
                sender.send(("items", batch))
                batch = []
        sender.send(("items", batch))
        sender.send(("end", None))
    except FluxError as error:
        sender.send(("error", str(error)))
    finally:
        sender.close()


def read_flux_batches(
    path: Path,
    *,
    batch_size: int,
    progress: Callable[[int], None] | None = None,
    known_fingerprints: Collection[str] | None = None,
) -> tuple[FluxHeader, Iterator[list[Item]]]:
    """Like read_flux, but yields lists of items; raises FluxError exactly where read_flux would."""
    if path.stat().st_size < PARALLEL_MIN_BYTES or "fork" not in multiprocessing.get_all_start_methods():
        header, items = read_flux(path, progress=progress, known_fingerprints=known_fingerprints)
        return header, _in_process(items, batch_size)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    # Forked: the child inherits the fingerprints without their being pickled.
    child = context.Process(target=_child, args=(str(path), sender, batch_size, known_fingerprints), daemon=True)
    child.start()
    sender.close()
    messages = _messages(receiver, child, progress)
    header = next(messages)
    return header, messages  # type: ignore[return-value]


def _in_process(items, batch_size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    yield batch


def _messages(receiver, child, progress):
    try:
        while True:
            try:
                kind, payload = receiver.recv()
            except EOFError as exc:
                raise FluxError("La lecture du fichier s'est arrêtée de façon inattendue.") from exc
            if kind == "progress":
                if progress is not None:
                    progress(payload)
            elif kind in ("header", "items"):
                yield payload
            elif kind == "error":
                raise FluxError(payload)
            else:
                return
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
