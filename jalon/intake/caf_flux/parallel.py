"""Parse a flux in a child process while the importer matches and writes: the two cores work at once.

The child only parses (pure Python + lxml, no database) and sends batches of parsed households through a
pipe; the importer receives them in file order. Small files are parsed in-process: a child costs more
than it saves.

Households skipped by their fingerprint (FluxUnchanged) are not sent one by one: a batch carries how many there were
(SkippedHouseholds), and only what a later household of the file needs to be rejected as a repeat of one of them.
"""

import gc
import multiprocessing
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from jalon.intake.caf_flux.parser import (
    FluxError,
    FluxHeader,
    FluxHousehold,
    FluxRejection,
    FluxUnchanged,
    FluxUnchangedRun,
    read_flux,
)


PARALLEL_MIN_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class SkippedHouseholds:
    """Households of a batch skipped by their fingerprint and addressed to an accepted Département: how many, and,
    for the household that follows this record, the earlier skipped households it repeats (their matricule's key or
    a person's NIR, with their line), which the importer must know to reject it as it would have."""

    count: int
    keys: tuple[tuple[tuple[str, str, str], int], ...] = ()
    nirs: tuple[tuple[str, int], ...] = ()


Item = FluxHousehold | FluxRejection | FluxUnchanged | SkippedHouseholds


def _batches(
    items: Iterable[FluxHousehold | FluxRejection | FluxUnchanged | FluxUnchangedRun],
    batch_size: int,
    accepts_departement: Callable[[str], bool] | None,
) -> Iterator[list[Item]]:
    """Lists of batch_size file items (a skipped household counts as one: the batches are those of the file), with the
    skipped households folded into SkippedHouseholds records. A skipped household addressed to a Département the
    import does not accept is sent as it is (the importer refuses the file there)."""
    batch: list[Item] = []
    size = pending = 0
    # Keys and NIRs of the skipped households so far: none repeats another household met before it (the reader
    # parses those), so each has one line: skipped one by one, their line; in runs, their position in the file, which
    # the runs' line_of turns into a line (see FluxUnchangedRun.positions).
    skipped_keys: dict[tuple[str, str, str], int] = {}
    skipped_nirs: dict[str, int] = {}
    run_keys: dict[tuple[str, str, str], int] = {}
    run_nirs: dict[str, int] = {}
    # Runs not yet in run_keys and run_nirs: those are needed only once a parsed household follows (never in a file of
    # unchanged households).
    unindexed: list[FluxUnchangedRun] = []
    line_of: Callable[[int], int] | None = None

    def index_runs() -> None:
        for run in unindexed:
            run_keys.update(zip(run.keys, run.positions, strict=True))
            run_nirs.update(zip(run.nirs, map(run.positions.__getitem__, run.nir_of), strict=True))
        unindexed.clear()

    def line(key, lines: dict, positions: dict) -> int | None:
        if key in lines:
            return lines[key]
        if key in positions:
            return positions[key] if line_of is None else line_of(positions[key])
        return None

    accepted: dict[str, bool] = {}  # by IDEPARTE: a file names one Département, or a few

    def accepts(partner: str) -> bool:
        if partner not in accepted:
            accepted[partner] = accepts_departement is not None and accepts_departement(partner)
        return accepted[partner]

    def one_by_one():
        # A run is folded whole when every Département it names is accepted; else its households come one by one.
        for item in items:
            if isinstance(item, FluxUnchangedRun):
                if accepts_departement is not None and all(accepts(partner) for partner in set(item.partners)):
                    yield item
                else:
                    yield from item.households()
            else:
                yield item

    for item in one_by_one():
        if isinstance(item, FluxUnchangedRun):
            line_of = item.line_of  # the same for every run of the file
            unindexed.append(item)
            left = item.count
            while left:
                taken = min(left, batch_size - size)
                pending += taken
                size += taken
                left -= taken
                if size >= batch_size:
                    batch.append(SkippedHouseholds(pending))
                    pending = 0
                    yield batch
                    batch, size = [], 0
            continue
        if accepts_departement is not None and isinstance(item, FluxUnchanged) and accepts(item.partner_departement):
            pending += 1
            skipped_keys[(item.organisme, item.organisme_code, item.matricule)] = item.line
            for nir in item.nirs:
                skipped_nirs[nir] = item.line
        else:
            if isinstance(item, FluxHousehold) and (skipped_keys or run_keys or unindexed):
                index_runs()
                key = (item.organisme, item.organisme_code, item.matricule)
                first = line(key, skipped_keys, run_keys)
                keys = ((key, first),) if first is not None else ()
                nirs = tuple(
                    (person.nir, nir_line)
                    for person in item.persons
                    if person.nir and (nir_line := line(person.nir, skipped_nirs, run_nirs)) is not None
                )
                if keys or nirs:
                    batch.append(SkippedHouseholds(pending, keys, nirs))
                    pending = 0
            batch.append(item)
        size += 1
        if size >= batch_size:
            if pending:
                batch.append(SkippedHouseholds(pending))
                pending = 0
            yield batch
            batch, size = [], 0
    if pending:
        batch.append(SkippedHouseholds(pending))
    yield batch


def _child(path: str, sender, batch_size: int, known_fingerprints, accepts_departement) -> None:
    # What the child inherits from the importer is never garbage here: its collections need not walk it.
    gc.freeze()
    try:
        header, items = read_flux(
            path,
            progress=lambda done: sender.send(("progress", done)),
            known_fingerprints=known_fingerprints,
            runs=True,
            halves=True,  # this process runs no other thread
        )
        sender.send(("header", header))
        for batch in _batches(items, batch_size, accepts_departement):
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
    accepts_departement: Callable[[str], bool] | None = None,
) -> tuple[FluxHeader, Iterator[list[Item]]]:
    """Like read_flux, but yields lists of items; raises FluxError exactly where read_flux would.

    With accepts_departement (which says whether an IDEPARTE is accepted), skipped households come as
    SkippedHouseholds records, else one FluxUnchanged each."""
    return FluxBatches(
        path,
        batch_size=batch_size,
        progress=progress,
        known_fingerprints=known_fingerprints,
        accepts_departement=accepts_departement,
    ).read()


class FluxBatches:
    """read_flux_batches started ahead: a large file's parsing process starts at once, and read() waits for its
    header. close() stops a parsing process whose output will not be read."""

    def __init__(
        self,
        path: Path,
        *,
        batch_size: int,
        progress: Callable[[int], None] | None = None,
        known_fingerprints: Collection[str] | None = None,
        accepts_departement: Callable[[str], bool] | None = None,
    ):
        self._path, self._batch_size, self._progress = path, batch_size, progress
        self._known, self._accepts = known_fingerprints, accepts_departement
        self._child = None
        if path.stat().st_size < PARALLEL_MIN_BYTES or "fork" not in multiprocessing.get_all_start_methods():
            return  # read in-process, by read()
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        _widen(sender)
        # Forked: the child inherits the fingerprints and the Département check without their being pickled.
        self._child = context.Process(
            target=_child,
            args=(str(path), sender, batch_size, known_fingerprints, accepts_departement),
            daemon=True,
        )
        self._child.start()
        sender.close()

    def read(self) -> tuple[FluxHeader, Iterator[list[Item]]]:
        if self._child is None:
            header, items = read_flux(self._path, progress=self._progress, known_fingerprints=self._known, runs=True)
            return header, _batches(items, self._batch_size, self._accepts)
        messages = _messages(self._receiver, self._child, self._progress)
        self._child = None  # the messages' iterator stops it
        header = next(messages)
        return header, messages  # type: ignore[return-value]

    def close(self) -> None:
        if self._child is not None:
            self._receiver.close()
            self._child.kill()
            self._child.join()
            self._child = None


# The pipe's buffer: a dozen batches of a monthly file (a few changed households each), so that the parsing process
# reads on while the importer writes, instead of waiting for it on a full pipe (64 kB by default on Linux).
PIPE_BYTES = 1 << 20


def _widen(connection) -> None:
    try:
        import fcntl  # noqa: PLC0415 - Linux only

        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass  # not Linux, or above the system's limit (fs.pipe-max-size): the default size works, only slower


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
