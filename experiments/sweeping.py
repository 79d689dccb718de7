"""Running a sweep, storing its runs as they finish, and reading it back.

`run_sweep` runs every (point, replicate) pair of a checked sweep file
(`experiments.sweep_spec`) on a backend (`experiments.executors`) and stores
each run as it finishes (`ResultStore`), in the files and parts that
``docs/sweeps.md`` describes. `load_sweep`, `load_by_group`
and `point_means` read a stored sweep back (sensitivity analysis reads the
last). See ``docs/sweeps.md``.

Longer than 400 lines because running, storing and resuming are one contract
(a part written is a run never repeated): `ResultStore`, `run_sweep` and
`claim_sweep_dir` are read together when that contract changes.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from tqdm import tqdm

from experiments.errors import UsageError
from experiments.executors import Backend, execute, open_backend
from experiments.provenance import MODEL_CODE, versions
from experiments.store import (
    SWEEP_LOCK,
    atomic_write,
    check_out_dir,
    clear_out_dir,
    file_sha256,
    holding,
    prepare_out_dir,
    remove_stale_staging,
    write_json,
    write_mark,
    write_text,
)
from experiments.sweep_spec import SweepSpec
from experiments.sweep_task import RunOutcome, run_task

# --- the sweep ------------------------------------------------------------------------


@dataclass
class SweepSummary:
    """What a sweep did.

    Attributes:
        out: The output directory.
        total: Runs in the sweep (points x seeds).
        already: Runs stored before this invocation (``--resume``).
        stored: Runs stored by this invocation.
        failed: Runs that raised in this invocation.
        seconds: Wall-clock time.
        backend: Where the runs executed.
        other_code: Runs computed by a worker whose model code differs from
            this process's (edited during the sweep, or another checkout).
    """

    out: Path
    total: int
    already: int = 0
    stored: int = 0
    failed: int = 0
    seconds: float = 0.0
    backend: str = ""
    other_code: int = 0

    def line(self) -> str:
        """One line for the terminal."""
        text = (f"sweep: {self.already + self.stored} of {self.total} runs stored in "
                f"{self.out / 'results'} ({self.stored} now, {self.already} before) in "
                f"{self.seconds:.1f} s on {self.backend}")
        if self.failed:
            text += f"; {self.failed} failed: see {self.out / 'failures.csv'}"
        if self.other_code:
            text += f"; {self.other_code} ran on other model code"
        return text


def run_sweep(
    spec: SweepSpec,
    out: str | os.PathLike,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    run: Callable[..., RunOutcome] = run_task,
    progress: bool = True,
    backend: Backend | None = None,
    force: bool = False,
) -> SweepSummary:
    """Run every (point, replicate) pair of ``spec`` not yet stored in ``out``.

    Args:
        spec: The checked sweep file.
        out: Output directory.
        workers, scheduler: Where to run (`experiments.executors.open_backend`).
        resume: Continue the sweep already in ``out``.
        run: The worker function (``run_task`` or a partial of it).
        progress: Show a progress bar on stderr.
        backend: An open backend to reuse, left open afterwards (``workers`` and ``scheduler`` ignored).
        force: Delete whatever ``out`` holds first (another sweep, other files) and start afresh.

    Raises:
        UsageError: If ``out`` holds another sweep, holds this one without
            ``resume``, is being written by another sweep, or the backend
            cannot be opened.
    """
    started = time.perf_counter()
    owned = backend is None
    if owned:  # first, so that a wrong address or worker count writes nothing
        backend = open_backend(workers, scheduler)
    cancel = True
    try:
        out = claim_sweep_dir(out, force)
        with holding(out, "sweep", SWEEP_LOCK):  # no second sweep (or any command) writes here meanwhile
            store = ResultStore(out, spec)
            done = store.prepare(resume)
            summary = SweepSummary(out, spec.n_runs, already=len(done), backend=backend.description)
            if len(done) == spec.n_runs:  # a resumed sweep that was already complete
                store.finish(summary, "complete")
                summary.seconds = time.perf_counter() - started
                cancel = False
                if spec.figures:
                    draw_figures(spec, out)
                return summary
            store.begin(summary)
            bar = tqdm(total=spec.n_runs, initial=len(done), unit="run", desc="sweep", file=sys.stderr,
                       disable=not progress, smoothing=0.05, mininterval=0.5, dynamic_ncols=True)
            status = "interrupted"
            try:
                with _sigterm_as_interrupt():
                    jobs = ((task,) for task in spec.tasks(skip=done))
                    for _, outcome in execute(backend, jobs, run, store.flush_if_due, _lost):
                        if outcome.code and outcome.code != MODEL_CODE:
                            if not summary.other_code:
                                tqdm.write(f"warning: run ({outcome.point_id}, {outcome.replicate}) "
                                           "ran on model code that differs from this process's (edited "
                                           "since the workers started, or another checkout)", file=sys.stderr)
                            summary.other_code += 1
                        if outcome.table is not None:
                            store.add(outcome)
                            summary.stored += 1
                        else:
                            store.add_failure(outcome)
                            summary.failed += 1
                            bar.set_postfix(failed=summary.failed, refresh=False)
                        bar.update(1)
                status = "complete" if not summary.failed else "complete with failures"
                cancel = False
            finally:
                bar.close()
                store.flush()
                summary.seconds = time.perf_counter() - started
                store.finish(summary, status)
    finally:
        if owned:
            backend.close(cancel=cancel)
    if spec.figures:
        draw_figures(spec, out)
    return summary


def _lost(task, err: BaseException) -> RunOutcome:
    """The outcome of a run that raised or whose worker died."""
    (task,) = task
    name = type(err).__name__
    text = str(err) or "the worker running it stopped"
    return RunOutcome(task.point_id, task.replicate, None, f"{name}: {text}", "worker")


# --- storage -------------------------------------------------------------------------


@dataclass
class ResultStore:
    """The output folder ``out`` of the sweep ``spec``: parts, points, failures and the sweep record."""

    out: Path
    spec: SweepSpec
    _buffer: list[pa.Table] = field(default_factory=list)
    _group_buffer: list[pa.Table] = field(default_factory=list)
    _group_schema: pa.Schema | None = None
    _buffer_runs: int = 0
    _last_flush: float = field(default_factory=time.monotonic)
    _next_part: int = 0
    _schema: pa.Schema | None = None
    _failures: dict[tuple[int, int], dict] = field(default_factory=dict)
    _failures_dirty: bool = False
    _record: dict = field(default_factory=dict)

    @property
    def results(self) -> Path:
        """The Parquet dataset folder."""
        return self.out / "results"

    @property
    def by_group(self) -> Path:
        """The per-group Parquet dataset folder (a sweep with ``by``); part N belongs to results' part N."""
        return self.out / "by_group"

    def prepare(self, resume: bool) -> set[tuple[int, int]]:
        """The (point, replicate) pairs stored; a `UsageError` if the folder holds another sweep, or this one
        without ``resume``."""
        record_path = self.out / "sweep.json"
        has_parts = self.results.is_dir() and any(self.results.glob("part-*.parquet"))
        if record_path.exists():
            try:
                old = json.loads(record_path.read_text(encoding="utf-8"))
                if not isinstance(old, dict):
                    raise ValueError("not a JSON object")
            except (OSError, ValueError) as err:
                raise UsageError(f"{record_path} is unreadable ({type(err).__name__}); use a new --out") from None
            if old.get("fingerprint") != self.spec.fingerprint():
                raise UsageError(f"--out {self.out} holds a different sweep (made from "
                                 f"{old.get('config', '?')}); use a new --out, or add --force to "
                                 "delete it and start this one")
            if not resume and (has_parts or self.out.joinpath("failures.csv").exists()):
                raise UsageError(f"--out {self.out} already holds this sweep; add --resume to "
                                 "continue it, --force to start it again, or use a new --out")
            self._restore_missing_plan(old)
            check_plan(self.out, old)
        elif has_parts:
            raise UsageError(f"--out {self.out} holds results but no sweep.json; use a new --out")
        for folder in (self.results, self.by_group) if self.spec.by else (self.results,):
            folder.mkdir(exist_ok=True)
            for stale in folder.glob(".part-*.tmp"):  # a part being written when killed
                stale.unlink(missing_ok=True)
        if self.spec.by:
            # A per-group part is written just before its results part: one without it (killed in
            # between) holds runs that count as not done, and that will run again.
            for orphan in self.by_group.glob("part-*.parquet"):
                if not (self.results / orphan.name).exists():
                    orphan.unlink()
        done: set[tuple[int, int]] = set()
        if has_parts:
            dataset = ds.dataset(self.results, format="parquet")
            self._schema = dataset.schema
            pairs = dataset.to_table(columns=["point_id", "replicate"]).group_by(
                ["point_id", "replicate"]).aggregate([])
            done = set(zip(pairs["point_id"].to_pylist(), pairs["replicate"].to_pylist(), strict=True))
            done = {(p, r) for p, r in done if p < self.spec.n_points and r < self.spec.seeds}
            numbers = [int(p.stem.split("-")[1]) for p in self.results.glob("part-*.parquet")]
            self._next_part = max(numbers) + 1
        failures = self.out / "failures.csv"
        if resume and failures.exists():
            with failures.open(newline="", encoding="utf-8") as f:
                for row in csv.DictReader(f):
                    key = (int(row["point_id"]), int(row["replicate"]))
                    if key not in done:
                        self._failures[key] = row
        return done

    def _restore_missing_plan(self, record: dict) -> None:
        """Write ``points.csv`` / ``design.csv`` again from the sweep file where they were deleted."""
        plan = record.get("plan_sha256")
        if isinstance(plan, dict) and any(not (self.out / str(name)).exists() for name in plan):
            self._write_plan()
            print(f"nieuwkomers sweep: wrote {self.out / 'points.csv'} again from the sweep file",
                  file=sys.stderr)

    def _write_plan(self) -> dict[str, str]:
        """Write ``points.csv`` (and ``design.csv``); their checksums."""
        spec = self.spec
        points = self.out / "points.csv"
        atomic_write(points, lambda tmp: spec.points.to_csv(tmp, index=False))
        plan = {"points.csv": file_sha256(points)}
        if spec.design is not None:
            design = pd.DataFrame(spec.design, columns=spec.problem["names"])
            design.insert(0, "point_id", range(len(design)))
            atomic_write(self.out / "design.csv", lambda tmp: design.to_csv(tmp, index=False))
            plan["design.csv"] = file_sha256(self.out / "design.csv")
        return plan

    def begin(self, summary: SweepSummary) -> None:
        """Write the sweep record, the points and a copy of the sweep file before any run."""
        spec = self.spec
        write_mark(self.out, "sweep")
        write_text(spec.text, self.out / "sweep.toml")
        plan = self._write_plan()
        self._write_failures()
        self._record = {
            "command": "sweep",
            "config": str(spec.path),
            "fingerprint": spec.fingerprint(),
            "method": spec.method,
            "policy": spec.policy,
            "years": spec.years,
            "seeds": spec.seeds,
            "root_seed": spec.root_seed,
            "common_seeds": spec.common_seeds,
            "swept": list(spec.swept),
            "parameters": spec.parameters,
            "metrics": list(spec.metrics),
            "months_kept": list(spec.months) if spec.months is not None else "all",
            "by": [",".join(g) for g in spec.by],
            "points": spec.n_points,
            "runs": spec.n_runs,
            "versions": versions("pandas", model_code=True),
            "backend": summary.backend,
            "started": _now(),
            "status": "running",
            "plan_sha256": plan,  # checked on --resume and when read back: a damaged plan is found
        }
        if spec.problem is not None:
            self._record["problem"] = spec.problem
            self._record["sample"] = spec.sample
        write_json(self._record, self.out / "sweep.json")

    def add(self, outcome: RunOutcome) -> None:
        """Buffer one run's rows; write a part when enough have gathered."""
        table, self._schema = _conform(outcome.table, self._schema)
        self._buffer.append(table)
        if outcome.by_group is not None:
            groups, self._group_schema = _conform(outcome.by_group, self._group_schema)
            self._group_buffer.append(groups)
        self._buffer_runs += 1
        key = (outcome.point_id, outcome.replicate)
        if self._failures.pop(key, None) is not None:
            self._failures_dirty = True
        self.flush_if_due()

    def add_failure(self, outcome: RunOutcome) -> None:
        """Record one failed run (written to failures.csv with the next part)."""
        task = self.spec.task(outcome.point_id, outcome.replicate)
        self._failures[(outcome.point_id, outcome.replicate)] = {
            "point_id": outcome.point_id, "replicate": outcome.replicate, "seed": task.seed,
            "policy": task.policy, **{k: v for k, v in task.swept.items() if k != "policy"},
            "error": outcome.error, "where": outcome.where,
        }
        self._failures_dirty = True
        self.flush_if_due()

    def flush_if_due(self) -> None:
        """Write a part if the buffer is full or ``part_seconds`` have passed."""
        due = time.monotonic() - self._last_flush >= self.spec.part_seconds
        if self._buffer_runs >= self.spec.part_runs or (due and (self._buffer or self._failures_dirty)):
            self.flush()

    def flush(self) -> None:
        """Write the buffered runs as one part (and failures.csv if it changed)."""
        if self._buffer:
            name = f"part-{self._next_part:05d}.parquet"
            if self._group_buffer:  # first: a results part is what makes its runs count as done
                groups = pa.concat_tables(self._group_buffer)
                atomic_write(self.by_group / name, lambda tmp: pq.write_table(groups, tmp))
            table = pa.concat_tables(self._buffer)
            atomic_write(self.results / name, lambda tmp: pq.write_table(table, tmp))
            self._next_part += 1
            self._buffer, self._group_buffer, self._buffer_runs = [], [], 0
        if self._failures_dirty:
            self._write_failures()
        self._last_flush = time.monotonic()

    def _write_failures(self) -> None:
        columns = ["point_id", "replicate", "seed", "policy",
                   *[k for k in self.spec.swept if k != "policy"], "error", "where"]
        rows = sorted(self._failures.values(), key=lambda r: (int(r["point_id"]), int(r["replicate"])))
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        write_text(text.getvalue(), self.out / "failures.csv")
        self._failures_dirty = False

    def finish(self, summary: SweepSummary, status: str) -> None:
        """Update the sweep record at the end (complete, or interrupted)."""
        record = self._record or json.loads((self.out / "sweep.json").read_text(encoding="utf-8"))
        record.update({
            "status": status,
            "finished": _now(),
            "seconds_this_session": round(summary.seconds, 3),
            "runs_stored": summary.already + summary.stored,
            "runs_failed": len(self._failures),
            "runs_on_other_model_code": summary.other_code,
            "parts": self._next_part,
        })
        write_json(record, self.out / "sweep.json")


def claim_sweep_dir(out: str | os.PathLike, force: bool) -> Path:
    """The sweep's ``--out``: new, empty, or marked by a sweep; with ``force``, emptied first.

    A sweep is stored as it runs (so that it can ``--resume``), so unlike the other commands it is
    not written aside and swapped in; `experiments.store.check_out_dir` says what is refused.
    """
    remove_stale_staging(out, "sweep")
    out = check_out_dir(out, "sweep", force)
    if force:
        clear_out_dir(out, "sweep")
    return prepare_out_dir(out)


def check_plan(out: Path, record: dict) -> None:
    """The sweep's plan (``points.csv``, ``design.csv``) is the one its record's checksums name.

    Sweeps stored before the checksums were kept have none to check.

    Raises:
        UsageError: Naming the damaged or missing file and how to restore it.
    """
    plan = record.get("plan_sha256")
    if not isinstance(plan, dict):
        return
    for name, expected in plan.items():
        path = Path(out) / str(name)
        try:
            found = file_sha256(path)
        except FileNotFoundError:
            found = None
        except OSError as err:
            raise UsageError(f"{path} cannot be read ({err.strerror or err})") from None
        if found is None:
            raise UsageError(f"{path} is missing; run the same sweep with --resume to write it again")
        if found != expected:
            raise UsageError(f"{path} was changed or damaged (its checksum differs from the one in sweep.json): "
                             "its points no longer match the stored runs; restore it, or delete it and run the "
                             "same sweep with --resume to write it again from the sweep file")


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """Treat SIGTERM (a cluster job's time limit, `kill`) like Ctrl-C: write what is done, then stop."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def draw_figures(spec: SweepSpec, out: Path) -> list[Path]:
    """Draw the sweep file's ``[[figures]]`` into ``out/figures/`` (PNG)."""
    from viz.sweep_figures import metric_over_parameters

    folder = out / "figures"
    folder.mkdir(exist_ok=True)
    written = []
    for fig_spec in spec.figures:
        df = load_sweep(out, [fig_spec["metric"]], [fig_spec["year"]], tidy=False)
        fig = metric_over_parameters(df, fig_spec["metric"], fig_spec["x"], fig_spec["y"],
                                     year=fig_spec["year"], kind=fig_spec["kind"])
        axes = "-".join(a for a in (fig_spec["x"], fig_spec["y"]) if a)
        path = folder / f"{fig_spec['metric']}-year{fig_spec['year']:g}-{axes}.png"
        atomic_write(path, lambda tmp, fig=fig: fig.savefig(tmp, format="png", dpi=130))
        written.append(path)
    return written


# --- reading a sweep back ----------------------------------------------------------------


def load_sweep(
    out: str | os.PathLike,
    metrics: list[str] | None = None,
    years: list[float] | None = None,
    tidy: bool = True,
) -> pd.DataFrame:
    """A stored sweep as one DataFrame.

    Args:
        out: The sweep's output directory.
        metrics: Metrics to keep (default: every stored one).
        years: Years to keep (default: every stored month).
        tidy: One row per point x replicate x month x metric, with columns
            ``metric`` and ``value`` (for seaborn); if False, one column per metric.

    Returns:
        ``point_id``, ``replicate``, the swept parameters, ``policy``, ``seed``,
        ``month``, ``year`` and the metrics (tidy: ``metric``, ``value``),
        sorted by point, replicate and month.

    Raises:
        UsageError: If ``out`` holds no results or a metric is not stored.
    """
    results = Path(out) / "results"
    if not results.is_dir() or not any(results.glob("part-*.parquet")):
        raise UsageError(f"{out} holds no sweep results (expected {results}/part-*.parquet)")
    dataset = ds.dataset(results, format="parquet")
    record = json.loads((Path(out) / "sweep.json").read_text(encoding="utf-8"))
    check_plan(Path(out), record)
    stored = record["metrics"]
    metrics = list(metrics) if metrics is not None else stored
    for name in metrics:
        if name not in stored:
            raise UsageError(f"metric {name!r} is not stored in {out} (stored: {', '.join(stored)})")
    keys = [c for c in dataset.schema.names if c not in stored]
    condition = None
    if years is not None:
        months = [int(round(12 * y)) for y in years]
        condition = ds.field("month").isin(months)
    df = dataset.to_table(columns=[*keys, *metrics], filter=condition).to_pandas()
    df = df.sort_values(["point_id", "replicate", "month"], kind="stable").reset_index(drop=True)
    if not tidy:
        return df
    return df.melt(id_vars=keys, value_vars=metrics, var_name="metric", value_name="value")


def load_by_group(out: str | os.PathLike) -> pd.DataFrame:
    """A stored sweep's outcomes per group (a sweep file with ``by``), one row per run, group, metric and horizon.

    Returns:
        ``point_id``, ``replicate``, the swept parameters, ``policy, seed, grouping,
        group, metric, horizon_kind, horizon, value, n_newcomers``, sorted by point,
        replicate, grouping, metric, horizon kind and horizon. Summarise with
        `experiments.summary.summarise_runs` (e.g. per point: ``keys=["point_id", ...]``)
        or pandas.

    Raises:
        UsageError: If ``out`` holds no per-group results.
    """
    folder = Path(out) / "by_group"
    if not folder.is_dir() or not any(folder.glob("part-*.parquet")):
        raise UsageError(f"{out} holds no per-group results (a sweep file with by = [...] writes {folder}/)")
    df = ds.dataset(folder, format="parquet").to_table().to_pandas()
    keys = ["point_id", "replicate", "grouping", "metric", "horizon_kind", "horizon"]
    return df.sort_values(keys, kind="stable").reset_index(drop=True)


def point_means(out: str | os.PathLike, metric: str, year: float) -> pd.DataFrame:
    """Mean of one metric at one year over each point's replicates (for sensitivity analysis): one row per
    stored point, ``point_id``, the swept values, ``mean``, ``replicates``."""
    df = load_sweep(out, [metric], [year], tidy=False)
    if df.empty:
        raise UsageError(f"no stored rows at year {year:g} in {out}")
    swept = json.loads((Path(out) / "sweep.json").read_text(encoding="utf-8"))["swept"]
    group = ["point_id", *[c for c in swept if c in df.columns]]
    means = df.groupby(group, sort=True)[metric].agg(["mean", "count"]).reset_index()
    return means.rename(columns={"count": "replicates"})


__all__ = ["ResultStore", "SweepSummary", "execute", "load_by_group", "load_sweep", "point_means", "run_sweep"]


def _conform(table: pa.Table, schema: pa.Schema | None) -> tuple[pa.Table, pa.Schema]:
    """``table`` in the schema of the parts written before (the first table sets it), and that schema."""
    if schema is None:
        return table, table.schema
    return (table if table.schema == schema else table.select(schema.names).cast(schema)), schema
