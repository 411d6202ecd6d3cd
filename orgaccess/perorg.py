"""Work spread over many orgs at once, for the commands that read a whole fleet.

The platform limits requests per (client, org), not per client, so orgs can be read in
parallel without coming near the limit; the client and the snapshot are thread-safe.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from multiprocessing import connection
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

from orgaccess import collector

T = TypeVar("T")

# Each org is a few calls in a row, each a round trip: 48 keeps the process busy while they wait (at
# 1,000 orgs and 20 ms a call, `orgaccess drift` took 6.4 s against 8.2 s with 16). Below the
# client's default connection pool (64), so no thread waits for a connection.
WORKERS = 48


def for_each_org(
    orgs: Iterable[str],
    work: Callable[[str], T],
    *,
    done: Callable[[str], None] = lambda _org: None,
    workers: int = WORKERS,
) -> dict[str, T]:
    """`work(org)` for every org, in parallel; results by org, in the order given. `done(org)` is
    called on this thread, as each org is finished.

    The first failure is raised once the running calls finish; orgs not started yet are not
    started, so one unreachable org does not cost a wait on every other one.
    """
    orgs = list(dict.fromkeys(orgs))
    results = _TakingTurns(orgs, work).run(max(1, min(workers, len(orgs))), done)
    return {org: results[org] for org in orgs}


class _TakingTurns(Generic[T]):
    """Threads that each take the next org themselves: a future per org, submitted while the threads
    already ran, cost a tenth more CPU (2,500 orgs of six 20 ms calls on 48 threads: 2.0 s against 1.8 s)."""

    def __init__(self, orgs: list[str], work: Callable[[str], T]) -> None:
        self._pending = iter(orgs)
        self._work = work
        self._taking = threading.Lock()
        self._stopped = threading.Event()
        self._results: dict[str, T] = {}
        # (org, None) finished, (org, error) failed, (None, None) a thread ended.
        self._finished: queue.SimpleQueue[tuple[str | None, BaseException | None]] = queue.SimpleQueue()

    def run(self, workers: int, done: Callable[[str], None]) -> dict[str, T]:
        threads = [threading.Thread(target=self._take_turns, name="orgaccess-org", daemon=True) for _ in range(workers)]
        try:
            for thread in threads:
                thread.start()
            failure = self._collect(len(threads), done)
        finally:
            self._stopped.set()
            for thread in threads:
                if thread.ident is not None:  # started
                    thread.join()
        if failure is not None:
            raise failure
        return self._results

    def _take_turns(self) -> None:
        try:
            while (org := self._next()) is not None:
                try:
                    self._results[org] = self._work(org)
                except BaseException as exc:  # raised on the calling thread, as a future would
                    self._stopped.set()
                    self._finished.put((org, exc))
                    return
                self._finished.put((org, None))
        finally:
            self._finished.put((None, None))

    def _next(self) -> str | None:
        with self._taking:
            return None if self._stopped.is_set() else next(self._pending, None)

    def _collect(self, running: int, done: Callable[[str], None]) -> BaseException | None:
        """`done` for each org finished until the first failure, which is returned once every thread ended."""
        failure: BaseException | None = None
        while running:
            org, error = self._finished.get()
            if org is None:
                running -= 1
            elif failure is None and error is not None:
                failure = error
            elif failure is None:
                done(org)
        return failure


# A fleet's read is CPU-bound in one process past a few thousand orgs (the client's work per call, and
# 48 threads taking turns at one interpreter lock): at 5,000 orgs `orgaccess drift` spent 20 s of CPU
# for 20 s of wall time. A process costs about 0.5 s of CPU to start, so one is worth it per this many orgs.
ORGS_PER_PROCESS = 1000

# A reading process is batch work paced by the platform's answers, so it yields the cores to whatever
# else wants them, at the `nice` command's own step. Where the platform shares the machine (the
# emulator of the demo and the benchmarks) it served a 5,000-org genesys-cloud drift 2 s sooner: it
# had waited 2.2-2.6 s for a core behind the readers, 0.5-0.7 s after. Against a platform elsewhere,
# and on cores nothing else wants, nothing changes.
NICENESS = 10

X = TypeVar("X")

# work(share, done): the results of a share of the orgs, by org; `done(org)` as each is finished.
ShareWork = Callable[[dict[str, X], Callable[[str], None]], dict[str, T]]


def processes_for(orgs: int) -> int:
    """How many processes read `orgs` orgs: at most one per core this process may run on."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, orgs // ORGS_PER_PROCESS))


def in_processes(
    work: ShareWork[X, T],
    by_org: dict[str, X],
    processes: int,
    *,
    done: Callable[[str], None] = lambda _org: None,
) -> dict[str, T]:
    """`work(share, done)` for `processes` shares of `by_org` (each org's input), each share in a fresh
    process; the results by org, in the order of `by_org`.

    `work` and the inputs must pickle (`work`: a module-level function or a partial of one): they are
    sent to the processes where these are spawned rather than forked (`_may_fork`). The first failure
    is raised as it was raised in its process, and the other processes are stopped.
    """
    orgs = list(by_org)
    shares = [{org: by_org[org] for org in orgs[i::processes]} for i in range(min(processes, len(orgs)))]
    forking = _may_fork()
    context = multiprocessing.get_context("fork" if forking else "spawn")
    running: dict[Connection, BaseProcess] = {}
    try:
        # A forked copy inherits every object made so far (at 5,000 orgs the declarations and the plan,
        # 230,000 of them), and its collections walked them again: half a second inside them, in each one.
        with collector.frozen() if forking else nullcontext():
            handoffs = [_start(context, work, share, forking, running) for share in shares]
        _hand_out(work, handoffs)
        results: dict[str, T] = {}
        for result in _collect(running, done):
            results.update(result)
        return {org: results[org] for org in orgs}
    finally:
        for stopped in running.values():
            stopped.terminate()
            stopped.join()


def _collect(running: dict[Connection, BaseProcess], done: Callable[[str], None]) -> Iterator[dict[str, Any]]:
    """Each share's result as it arrives, `done` for each org finished meanwhile; a share's failure raised."""
    waiting = set(running)
    while waiting:
        for reader in connection.wait(list(waiting)):
            assert isinstance(reader, Connection)
            try:
                what, value = reader.recv()
            except EOFError:
                process = running[reader]
                process.join(5)
                raise RuntimeError(
                    f"a process reading orgs ended without an answer (exit code {process.exitcode})"
                ) from None
            if what == "done":
                done(value)
                continue
            waiting.discard(reader)
            if what == "failed":
                raise value
            yield value


def _may_fork() -> bool:
    """Whether the processes may be forked: where fork is the platform's own way (Linux), and while
    this process runs no other thread, since a fork copies every lock as it is, held by threads that
    do not exist in the copy. Otherwise each process is spawned: it imports orgaccess and is sent
    its share, which at 5,000 orgs costs each a second of CPU before its first call."""
    return sys.platform == "linux" and threading.active_count() == 1


def _start(
    context: Any,
    work: ShareWork[Any, Any],
    share: dict[str, Any],
    forked: bool,
    running: dict[Connection, BaseProcess],
) -> tuple[Connection | None, dict[str, Any]]:
    """Starts a process reading `share`, kept in `running` by its answers' end; the end to hand it its
    work through, if spawned, and its share."""
    answers, process, work_out = _started(context, work, share, forked)
    running[answers] = process
    return work_out, share


def _hand_out(work: ShareWork[Any, Any], handoffs: list[tuple[Connection | None, dict[str, Any]]]) -> None:
    """Each spawned process's work and share, once all have started: a spawned process takes them only
    when its imports are done, and a share given as the process's argument held up the start of the
    next one until then."""
    for work_out, share in handoffs:
        if work_out is not None:
            with work_out:
                work_out.send((work, share))


def _started(
    context: Any, work: ShareWork[Any, Any], share: dict[str, Any], forked: bool
) -> tuple[Connection, BaseProcess, Connection | None]:
    """A process reading `share`, the end its answers come from and, spawned, the end to send it its
    work through; forked, it has its work already (its memory is a copy of this process's)."""
    answers, answers_in = context.Pipe(duplex=False)
    work_in = work_out = None
    if forked:
        process = context.Process(target=_run_forked, args=(work, share, answers_in), daemon=True)
    else:
        work_in, work_out = context.Pipe(duplex=False)
        process = context.Process(target=_run_spawned, args=(work_in, answers_in), daemon=True)
    process.start()
    answers_in.close()
    if work_in is not None:
        work_in.close()
    return answers, process, work_out


def _run_forked(work: ShareWork[Any, Any], share: dict[str, Any], answers: Connection) -> None:
    _answer(lambda: (work, share), answers)


def _run_spawned(work_in: Connection, answers: Connection) -> None:
    def received() -> tuple[ShareWork[Any, Any], dict[str, Any]]:
        with work_in:
            return work_in.recv()

    _answer(received, answers)


def _answer(take: Callable[[], tuple[ShareWork[Any, Any], dict[str, Any]]], answers: Connection) -> None:
    """Runs the work `take` gives on its share, and sends back each org done, then the result or the failure."""
    # Ctrl-C reaches the whole process group: the caller stops this process, which has nothing to say.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    collector.seldom()
    if hasattr(os, "nice"):
        os.nice(NICENESS)
    try:
        work, share = take()
        result = work(share, lambda org: answers.send(("done", org)))
    except Exception as exc:  # every failure goes back to the caller, which raises it
        answers.send(("failed", _portable(exc)))
    else:
        answers.send(("result", result))
    finally:
        answers.close()


def _portable(exc: Exception) -> Exception:
    """`exc` if it survives a trip to another process as itself, else a RuntimeError with its words."""
    try:
        back = pickle.loads(pickle.dumps(exc))
    except Exception:  # whatever does not pickle is sent as text
        back = None
    if type(back) is type(exc) and str(back) == str(exc):
        return exc
    return RuntimeError(f"{type(exc).__name__}: {exc}")
