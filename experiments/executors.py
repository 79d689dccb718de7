"""Where runs execute: in this process, in a local process pool, or on a Dask cluster.

Every backend is a `concurrent.futures.Executor`, so the sweep has one code
path: submit a bounded number of runs, collect whichever finishes first, submit
more. `open_backend` picks the backend from the command-line options:

- ``workers=1``: runs one after another in this process (no pool to start);
- ``workers=N`` (default: all cores): a `ProcessPoolExecutor` with N processes,
  started with the ``forkserver`` method (safe with threads; the project is
  imported once in the fork server, so workers start fast);
- ``scheduler="tcp://HOST:PORT"``: ``dask.distributed.Client(address).get_executor()``.
  Every worker must have this project installed (same version).
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any

from experiments.cli import UsageError
from experiments.runner import freeze_imports

# Modules the fork server imports once, so that every worker process starts warm.
PRELOAD = ["experiments.sweep_task"]
WORKER_WAIT_SECONDS = 120
_ADDRESS = re.compile(r"^(?:(tcp|tls|ucx|inproc|ws|wss)://)?[^\s/:]+(?::\d+)?$")


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
    """

    kind: str
    description: str
    executor: cf.Executor
    workers: int = 1
    client: Any = None
    restarts: int = field(default=0)

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
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = _process_pool(self.workers)
        self.restarts += 1

    def close(self, cancel: bool = False) -> None:
        """Shut the executor down (cancelling queued runs if ``cancel``) and disconnect."""
        try:
            if self.client is not None:  # Dask's executor has no cancel_futures
                self.executor.shutdown(wait=not cancel)
            else:
                self.executor.shutdown(wait=not cancel, cancel_futures=cancel)
        finally:
            if self.client is not None:
                self.client.close()


def open_backend(workers: int | None = None, scheduler: str | None = None) -> Backend:
    """The backend for ``--workers N`` or ``--scheduler ADDRESS``.

    Raises:
        UsageError: For a bad worker count or address, an unreachable scheduler,
            or Dask workers that cannot import this project.
    """
    if scheduler is not None:
        return _dask_backend(scheduler)
    n = cpu_count() if workers is None else workers
    if not 1 <= n <= 1024:
        raise UsageError(f"--workers {n} is not allowed: expected an integer in [1, 1024]")
    if n == 1:
        return Backend("serial", "1 worker (this process)", SerialExecutor(), workers=1)
    return Backend("processes", f"{n} local worker processes", _process_pool(n), workers=n)


def _process_pool(n: int) -> cf.ProcessPoolExecutor:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return cf.ProcessPoolExecutor(max_workers=n, mp_context=context, initializer=freeze_imports)


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
    except (OSError, TimeoutError) as err:
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
    from experiments.sweep_task import versions

    here = versions()
    try:
        there = client.run(versions)
    except (ImportError, AttributeError) as err:
        raise UsageError(f"--scheduler {address}: the workers cannot import this project ({err}); "
                         "install it on every worker (pip install -e .)") from None
    for worker, found in there.items():
        if found != here:
            diff = ", ".join(f"{k} {found.get(k)} (here {v})" for k, v in here.items() if found.get(k) != v)
            print(f"warning: worker {worker} runs different versions: {diff}; results may differ",
                  file=sys.stderr)
