"""Threads that each evaluate indicators on their own database connection, so that a computation keeps both of the
server's cores busy: PostgreSQL runs one query per connection on one core, and the indicators of a day are
independent once the day's segment batch is committed. Each task runs in its own transaction with the batch's
settings; the threads close their connections when the computation ends."""

import queue
import threading
from concurrent.futures import Future

from django.db import connections, transaction

from jalon.observatory.routers import primary


class Inline:
    """Runs each task at once, on the caller's connection and in its transaction (SQLite, or a caller already in
    a transaction whose rows other connections cannot see)."""

    def submit(self, function, *args) -> Future:
        future: Future = Future()
        future.set_result(function(*args))  # a failure is raised here, and rolls the caller's transaction back
        return future

    def close(self) -> None:
        pass


class Workers:
    """`size` threads taking tasks in the order they were submitted (a task may wait for an earlier one)."""

    def __init__(self, size: int, settings):
        self.settings = settings  # run at the start of each task's transaction (`SET LOCAL …`)
        self.tasks: queue.SimpleQueue = queue.SimpleQueue()
        self.futures: list[Future] = []
        self.threads = [threading.Thread(target=self._work, daemon=True) for _ in range(size)]
        for thread in self.threads:
            thread.start()

    def submit(self, function, *args) -> Future:
        future: Future = Future()
        self.futures.append(future)
        self.tasks.put((future, function, args))
        return future

    def close(self) -> None:
        """Cancels the tasks not started (after a failure), waits for the running ones, and stops the threads."""
        for future in self.futures:
            future.cancel()
        for _ in self.threads:
            self.tasks.put(None)
        for thread in self.threads:
            thread.join()

    def _work(self) -> None:
        try:
            while (task := self.tasks.get()) is not None:
                future, function, args = task
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    with primary(), transaction.atomic():
                        self.settings()
                        result = function(*args)
                except Exception as error:
                    future.set_exception(error)
                else:
                    future.set_result(result)  # committed: what it wrote is visible to the other connections
        finally:
            connections.close_all()  # this thread's connections only
