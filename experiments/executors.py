"""Where runs execute: in this process, in a local process pool, or on a Dask cluster.

Every command that runs many models (``compare``, ``validate``, ``sweep``,
``sensitivity``, ``calibrate``) runs them here, through one code path:
`open_backend` picks the backend from ``--workers`` / ``--scheduler``
(`add_backend_arguments`), and `execute` submits a bounded number of runs,
yields whichever finishes first and submits more (`run_in_order` on top of it
returns the results in job order, with a progress bar). Every backend is a
`concurrent.futures.Executor`; ``calibrate`` hands it to pyabc's
``ConcurrentFutureSampler``.

The backends: ``workers=1`` runs one after another in this process; ``workers=N``
(default: all cores) is a `ProcessPoolExecutor` of N processes (`_process_pool`) that die
with this process whatever kills it (`die_with_parent`) and are stopped at once on Ctrl-C,
SIGTERM or an error (`stop_workers`); ``scheduler="tcp://HOST:PORT"`` is
``dask.distributed.Client(address).get_executor()``, every worker with this project
installed at the same version.

Longer than 400 lines because starting a pool, keeping its workers tied to
this process and stopping them on every kind of exit are one lifecycle, and
each backend must honour all of it.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import ctypes
import ctypes.util
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from tqdm import tqdm

from experiments.errors import UsageError
from experiments.inputs import check_range, number_type
from experiments.runner import freeze_imports

# Modules the fork server imports once, so that every worker process starts warm.
PRELOAD = ["experiments.sweep_task", "experiments.comparison.running", "experiments.targets"]
# No tqdm monitor thread: it would outlive the first progress bar, and a process running a thread no
# longer forks its pools (`_process_pool`), so every later pool would start from the slower fork server
# (a script calling `compare` twice paid seconds per call). Our bars advance once per run and refresh then.
tqdm.monitor_interval = 0
WORKER_WAIT_SECONDS = 120
MAX_POOL_RESTARTS = 5  # a pool whose workers keep dying (out of memory) is not restarted again
WINDOW_PER_SLOT = 2  # runs submitted ahead per slot: enough to keep every worker busy, memory stays flat
WATCH_SECONDS = 1.0  # how often a worker checks that its parent is alive
STOP_WAIT_SECONDS = 5.0  # a worker asked to stop (SIGTERM) gets this long before SIGKILL
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies
DEFERRED_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
_ADDRESS = re.compile(r"^(?:(tcp|tls|ucx|inproc|ws|wss)://)?[^\s/:]+:\d+$")  # a port is required


def cpu_count() -> int:
    """Cores this process may use (respects CPU affinity and container limits where Python can see them)."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13+
        return os.process_cpu_count() or 1
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class SerialExecutor(cf.Executor):
    """Runs each submitted call at once, in this process: the one-worker backend."""

    def submit(self, fn, /, *args, **kwargs) -> cf.Future:
        """Call ``fn`` now and return a finished future."""
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as err:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(err)
        return future


@dataclass
class Backend:
    """An executor plus what the sweep needs to know about it.

    Attributes:
        kind: "serial", "processes" or "dask".
        description: One line for the log and ``sweep.json``.
        executor: The executor runs are submitted to.
        workers: Local processes (serial/processes only).
        client: The Dask client (dask only).
        restarts: How often a broken local pool was replaced (`restart`).
    """

    kind: str
    description: str
    executor: cf.Executor
    workers: int = 1
    client: Any = None
    restarts: int = 0

    def slots(self) -> int:
        """How many runs can execute at the same time right now."""
        if self.client is not None:
            try:
                return max(1, sum(self.client.nthreads().values()))
            except Exception:  # noqa: BLE001 - a slow scheduler reply is no reason to stop
                return 1
        return self.workers

    def restart(self) -> None:
        """Replace a broken local pool (a worker process died) by a fresh one."""
        if self.kind != "processes":
            return
        stop_workers(self.executor)
        self.executor = _process_pool(self.workers)
        self.restarts += 1

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        self.close(cancel=kind is not None)  # on an error or Ctrl-C, queued runs never start

    def close(self, cancel: bool = False) -> None:
        """Shut the executor down (cancelling queued runs if ``cancel``) and disconnect."""
        try:
            if self.client is not None:  # Dask's executor has no cancel_futures
                self.executor.shutdown(wait=not cancel)
            elif cancel and self.kind == "processes":  # stopped: the runs in flight are not waited for
                stop_workers(self.executor)
            else:
                self.executor.shutdown(wait=True, cancel_futures=cancel)
        finally:
            if self.client is not None:
                self.client.close()


def add_backend_arguments(parser: argparse.ArgumentParser) -> None:
    """``--workers N`` or ``--scheduler ADDRESS``: where a many-runs command runs."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=number_type(int, "--workers"), metavar="N",
                       help="local worker processes (default: all cores; 1 runs in this process)")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786 (see docs/sweeps.md)")


def open_backend(workers: int | None = None, scheduler: str | None = None, jobs: int | None = None) -> Backend:
    """The backend for ``--workers N`` (None: every core; 1: this process) or ``--scheduler ADDRESS``.

    ``jobs``: how many runs there are, if known (no more local processes are started).

    Raises:
        UsageError: For a bad worker count or address, an unreachable scheduler,
            or Dask workers that cannot import this project.
    """
    if scheduler is not None:
        return _dask_backend(scheduler)
    n = cpu_count() if workers is None else workers
    check_range(n, "--workers", 1, 1024)
    if jobs is not None:
        n = max(1, min(n, jobs))
    if n == 1:
        return Backend("serial", "1 worker (this process)", SerialExecutor(), workers=1)
    return Backend("processes", f"{n} local worker processes", _process_pool(n), workers=n)


def _process_pool(n: int) -> cf.ProcessPoolExecutor:
    """``n`` worker processes, forked from this one if that is safe, else from a fork server.

    A plain fork is fastest (the workers inherit everything imported here), but
    forking a process that runs other threads can deadlock; so only a process
    with one thread forks, and it forks every worker at once, now, before any
    thread (a progress bar's) starts. Otherwise the workers come from a fork
    server that imports `PRELOAD` once.
    """
    parent = (os.getpid(),)
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        pool = cf.ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork"),
                                      initializer=_init_worker, initargs=parent)
        with _ctrl_c_deferred():
            pool.submit(_started).result()  # a fork pool starts all its workers at the first submit
        return pool
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return cf.ProcessPoolExecutor(max_workers=n, mp_context=context, initializer=_init_worker, initargs=parent)


def _started() -> None:
    """A no-op run: submitting it starts the pool's workers."""


def _init_worker(parent: int) -> None:
    """Workers leave Ctrl-C to the parent, which stops them; die with it; freeze what they imported."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for number in DEFERRED_SIGNALS[1:]:  # SIGTERM, SIGHUP: a worker just stops (not the parent's handler)
        signal.signal(number, signal.SIG_DFL)
    die_with_parent(parent)
    freeze_imports()


def die_with_parent(parent: int) -> None:
    """End this (worker) process as soon as ``parent``, the process that made the pool, is gone.

    A worker blocked on its task pipe would otherwise wait for ever, holding its memory. Two guards:
    on Linux the kernel sends SIGKILL when the worker's parent process ends (``PR_SET_PDEATHSIG``; a
    fork server ends with the pool's process), and a daemon thread checks every `WATCH_SECONDS`.
    """
    start_parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - an unusual libc: the watchdog remains
            pass
    if not _alive(parent):
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(WATCH_SECONDS)
            if os.getppid() != start_parent or not _alive(parent):
                os._exit(1)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - alive, someone else's (a reused pid)
        return True
    return True


def stop_workers(executor: cf.ProcessPoolExecutor) -> None:
    """Stop a process pool now: queued runs cancelled, workers terminated (killed after a few seconds)."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(timeout=1.0)


def execute(
    backend: Backend,
    jobs: Iterable[tuple],
    run: Callable[..., Any],
    tick: Callable[[], None] = lambda: None,
    lost: Callable[[tuple, BaseException], Any] | None = None,
) -> Iterator[tuple[int, Any]]:
    """Call ``run(*job)`` for every job on ``backend``; yield ``(position, result)`` as runs finish.

    At most `WINDOW_PER_SLOT` runs per slot are submitted at once, so memory
    stays flat however many jobs there are (``jobs`` is consumed lazily).

    Args:
        backend, jobs: Where to run, and the arguments of each run.
        run: A module-level function (it is pickled to the workers).
        tick: Called about once a second while waiting (to write parts on time).
        lost: Without it, a run that raises stops everything (the error is raised here). With it,
            a failed run yields ``lost(job, error)`` instead, and a pool whose worker process died
            (out of memory, a crash) is restarted and the work goes on.
    """
    pending: dict[cf.Future, tuple[int, tuple]] = {}
    jobs = enumerate(jobs)
    exhausted = False
    window, window_checked = WINDOW_PER_SLOT * backend.slots(), time.monotonic()
    while True:
        if backend.client is not None and time.monotonic() - window_checked > 10:
            window, window_checked = WINDOW_PER_SLOT * backend.slots(), time.monotonic()  # clusters grow
        while not exhausted and len(pending) < window:
            item = next(jobs, None)
            if item is None:
                exhausted = True
                break
            with _ctrl_c_deferred():
                pending[backend.executor.submit(run, *item[1])] = item
        if not pending:
            return
        finished, _ = cf.wait(pending, timeout=1.0, return_when=cf.FIRST_COMPLETED)
        broken = False
        for future in finished:
            i, job = pending.pop(future)
            if lost is None:
                yield i, future.result()
                continue
            try:
                yield i, future.result()
            except cf.process.BrokenProcessPool as err:
                broken = True
                yield i, lost(job, err)
            except Exception as err:  # noqa: BLE001 - e.g. Dask's KilledWorker, or the run's own error
                yield i, lost(job, err)
        if broken:
            yield from _after_broken_pool(backend, pending, lost)
        tick()


@contextlib.contextmanager
def _ctrl_c_deferred() -> Iterator[None]:
    """Hold Ctrl-C (and SIGTERM, SIGHUP where handled) back until the block is done, then act on it.

    A submit may start a worker process and wait for it; interrupted half-way,
    the worker is left starting while its parent quits, and dies with a traceback.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list = []
    previous = {}
    for number in DEFERRED_SIGNALS:
        handler = signal.getsignal(number)
        if callable(handler):  # a Python handler (Ctrl-C's, the command line's); defaults stay as they are
            previous[number] = handler
            signal.signal(number, lambda *received: caught.append(received))
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if caught:
            number, frame = caught[0]
            previous[number](number, frame)


def _after_broken_pool(backend: Backend, pending: dict, lost: Callable) -> Iterator[tuple[int, Any]]:
    """Results of the runs still pending when a worker died, then a fresh pool."""
    cf.wait(pending, timeout=5.0)  # the pool marks every queued run as failed
    for future, (i, job) in pending.items():
        if future.done() and not future.cancelled() and future.exception() is None:
            yield i, future.result()  # finished just before the pool broke
        else:
            yield i, lost(job, RuntimeError("a worker process died; the pool was restarted"))
    pending.clear()
    if backend.restarts >= MAX_POOL_RESTARTS:
        raise RuntimeError(f"worker processes died {backend.restarts + 1} times (out of memory?); stopping")
    backend.restart()


def run_in_order(backend: Backend, run: Callable[..., Any], jobs: list[tuple], desc: str, unit: str = "run",
                 progress: bool = True, on_result: Callable[[int, Any], Any] | None = None) -> list:
    """Every ``run(*job)``, on ``backend``, with a progress bar; the results in job order.

    ``on_result(position, result)``, if given, is called as each run finishes and its return value
    is kept instead of the result (to write and drop large parts as they come).
    """
    results: list = [None] * len(jobs)
    with tqdm(total=len(jobs), desc=desc, unit=unit, file=sys.stderr, disable=not progress,
              dynamic_ncols=True) as bar:
        for i, result in execute(backend, jobs, run):
            results[i] = on_result(i, result) if on_result else result
            bar.update()
    return results


def _dask_backend(address: str) -> Backend:
    if not _ADDRESS.match(address):
        raise UsageError(f"--scheduler {address!r} is not an address: expected tcp://HOST:PORT "
                         "(or tls://HOST:PORT)")
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - a dependency of the project
        raise UsageError("--scheduler needs dask.distributed: pip install 'dask[distributed]'") from None
    if address.startswith("tls://"):
        import dask

        tls = dask.config.get("distributed.comm.tls")
        if not (tls.get("ca-file") and tls.get("client", {}).get("cert")):
            raise UsageError(f"--scheduler {address}: no TLS certificates configured for this client; "
                             "set distributed.comm.tls.ca-file and .client.cert/.key in Dask's config "
                             "(see docs/sweeps.md)")
    try:
        client = Client(address, timeout="15s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as err:
        raise UsageError(f"--scheduler {address}: cannot reach a Dask scheduler ({err})") from None
    try:
        if not client.nthreads():
            print(f"waiting up to {WORKER_WAIT_SECONDS} s for a worker to join {address} ...",
                  file=sys.stderr)
            try:
                client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
            except TimeoutError:
                raise UsageError(f"--scheduler {address}: no worker joined within "
                                 f"{WORKER_WAIT_SECONDS} s (start one with: dask worker {address})") from None
        _check_workers(client, address)
    except BaseException:
        client.close()
        raise
    n_workers = len(client.nthreads())
    threads = sum(client.nthreads().values())
    return Backend("dask", f"Dask cluster at {address} ({n_workers} workers, {threads} threads)",
                   client.get_executor(pure=False), client=client)


def _check_workers(client, address: str) -> None:
    """Every worker can import the project, at the same version as here."""
    from experiments.provenance import versions

    here = versions("pandas", model_code=True)
    try:
        there = client.run(versions, "pandas", model_code=True)
    except (ImportError, AttributeError) as err:
        raise UsageError(f"--scheduler {address}: the workers cannot import this project ({err}); "
                         "install it on every worker (pip install -e .)") from None
    for worker, found in there.items():
        if found != here:
            diff = ", ".join(f"{k} {found.get(k)} (here {v})" for k, v in here.items() if found.get(k) != v)
            print(f"warning: worker {worker} runs different versions: {diff}; results may differ",
                  file=sys.stderr)
