"""The teaching module runs as written: every command and code block of docs/exercises,
the quickstart notebook, and the generator of the instructor solutions.

The blocks are read from the Markdown itself, so a change to a sheet cannot
silently break it. They run in order, in a fresh folder per sheet, at a small
size: commands get ``--set`` overrides for a small world, one seed (two where a command needs them),
one worker and (stress) six years; sweep files are replaced by small copies, and Python blocks see
small default sizes. ``bash`` blocks are run command by command: ``nieuwkomers ...`` through
the console script's own entry point (`experiments.cli.main`) in this process,
to save the start-up time of a process per command (``nieuwkomers app`` is
started for real and asked for its page); ``python ...`` in a subprocess.
``python`` blocks share one namespace per sheet (like one Python session);
``python file=NAME`` blocks are saved as ``NAME`` instead of run; ``console``
blocks (set-up on a fresh clone) are shown, not run.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import re
import select
import shlex
import subprocess
import sys
import time
import tomllib
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import stop

import model.parameters as parameters
from experiments import cli
from experiments.sweep_spec import read_spec

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "docs" / "exercises"
SHEETS = sorted(EXERCISES.glob("[0-9][0-9]-*.md"))
NOTEBOOK = ROOT / "docs" / "notebooks" / "quickstart.ipynb"
BIN = Path(sys.executable).parent
SMALL = {"n_newcomers": 80, "n_residents": 800, "n_employers": 20, "grid_width": 30, "grid_height": 30}
MAX_SEEDS = 1
#: Commands that need two seeds: stress and design pair them, validate and a compare --posterior spread them.
TWO_SEEDS = {"stress", "design", "validate"}
STRESS_YEARS = 6  # the sheets' stress commands (no Python reads them) run six years, not ten
DESIGN_CAPS = {"--samples": 1, "--draws": 2, "--final-draws": 2, "--final-seeds": 2, "--finalists": 1}
DESIGN_WORLD = {"n_newcomers": 40, "n_residents": 300, "n_employers": 10, "grid_width": 20, "grid_height": 20}
SECTIONS = ("## What it is about", "## Learning goals", "## Predict first", "## Steps", "## Things to notice",
            "## Questions to discuss")
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<info>[^`\n]*)\n(?P<code>.*?)^(?P=indent)```[ \t]*$",
                   re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Block:
    """One fenced code block of a sheet."""

    sheet: str
    line: int
    language: str
    options: dict
    code: str

    def __str__(self) -> str:
        return f"{self.sheet}, {self.language} block at line {self.line}"


def code_blocks(path: Path) -> list[Block]:
    """Every fenced block of a Markdown file, in order (indented ones in lists too)."""
    text = path.read_text(encoding="utf-8")
    blocks = []
    for match in FENCE.finditer(text):
        words = match["info"].split()
        language = words[0] if words else ""
        options = dict(w.split("=", 1) for w in words[1:] if "=" in w)
        indent = len(match["indent"])
        code = "\n".join(line[indent:] for line in match["code"].splitlines())
        blocks.append(Block(path.name, text.count("\n", 0, match.start()) + 1, language, options, code))
    return blocks


def commands(code: str) -> list[str]:
    """The commands of a bash block: continuation lines joined, comments and blank lines dropped."""
    joined = re.sub(r"\\\n\s*", " ", code)
    out = []
    for line in joined.splitlines():
        line = line.split(" #", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if line:
            out.append(line)
    return out


# --- small versions of what students run ---------------------------------------------------


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return repr(value)


def toml_text(data: dict, prefix: str = "") -> str:
    """A small TOML writer for sweep files (scalars, lists, tables, arrays of tables)."""
    lines = [f"{k} = {toml_value(v)}" for k, v in data.items()
             if not isinstance(v, dict) and not (isinstance(v, list) and v and isinstance(v[0], dict))]
    for key, table in data.items():
        if isinstance(table, dict):
            name = f"{prefix}{key}"
            lines += ["", f"[{name}]", toml_text(table, prefix=f"{name}.")]
        elif isinstance(table, list) and table and isinstance(table[0], dict):
            for item in table:
                lines += ["", f"[[{prefix}{key}]]", toml_text(item)]
    return "\n".join(lines)


def small_sweep(path: Path, folder: Path) -> Path:
    """A copy of a sweep file with a small world, few seeds and a small sample."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data["parameters"] = {**data.get("parameters", {}), **SMALL}
    data["seeds"] = min(data.get("seeds", 1), MAX_SEEDS)
    sample = data.get("sample")
    if sample:
        sample["n"] = {"morris": 2, "sobol": 4}.get(sample.get("method"), min(sample.get("n", 8), 8))
    data["storage"] = {"part_runs": 500, "part_seconds": 60}  # one Parquet part, not one per run
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / path.name
    copy.write_text(toml_text(data) + "\n", encoding="utf-8")
    return copy


def seeds_for(argv: list[str]) -> int:
    """The most seeds (and posterior draws) a sheet's command gets in the test: one, or two where it needs two."""
    return 2 if argv[0] in TWO_SEEDS or "--posterior" in argv else MAX_SEEDS


def small_argv(command: str, workdir: Path) -> list[str]:
    """A sheet's command as argv, at small size (``nieuwkomers`` itself left out)."""
    argv = shlex.split(command)
    assert argv[0] in ("nieuwkomers", "python"), f"unexpected command {command!r}: extend this test"
    if argv[0] == "python":
        return [sys.executable, *argv[1:]]
    argv = argv[1:]
    sub = argv[0]
    for i, word in enumerate(argv):
        if word in ("--seeds", "--posterior"):
            argv[i + 1] = str(min(int(argv[i + 1]), seeds_for(argv)))
        if word.endswith(".toml"):
            argv[i] = str(small_sweep(ROOT / word, workdir / "small-sweeps"))
        if sub == "design" and word in DESIGN_CAPS:
            argv[i + 1] = str(min(int(argv[i + 1]), DESIGN_CAPS[word]))
    if sub == "design":  # some 50 runs of every package: a tiny world keeps them to seconds
        argv += [f"--set={name}={value}" for name, value in DESIGN_WORLD.items()]
    if sub == "stress" and "--years" not in argv:  # the surge and the cohorts after it fit in six years
        argv += ["--years", str(STRESS_YEARS)]
    if sub in ("run", "compare", "stress"):
        for name, value in SMALL.items():
            argv += ["--set", f"{name}={value}"]
    if sub in ("compare", "validate", "sweep", "sensitivity", "stress", "design") and "--workers" not in argv:
        argv += ["--workers", "1"]  # in this process: no fork from a test process that may hold threads
    if sub == "compare":  # the sheets' Python reads the tables; compare's figures are tested in test_compare.py
        argv += ["--no-figures"]
    if sub in ("compare", "validate") and "--seeds" not in argv:  # their default is 20 seeds
        argv += ["--seeds", str(seeds_for(argv))]
    return argv


def environment() -> dict:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["MPLBACKEND"] = "Agg"
    return env


def run_command(command: str, workdir: Path, where: Block, capsys=None) -> None:
    """Run one command of a bash block, as its sheet means it (in ``workdir``, the current folder)."""
    argv = shlex.split(command)
    if argv[0] == "make":  # the Makefile's targets exist and parse (running them is `make`'s business)
        done = subprocess.run(["make", "-n", *argv[1:]], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, f"{where}: {command!r}\n{done.stderr}"
        return
    if argv[:2] == ["nieuwkomers", "app"]:
        serve_app_once(where)
        return
    argv = small_argv(command, workdir)
    if argv[0] == sys.executable:
        done = subprocess.run(argv, cwd=workdir, env=environment(), capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{where}: {' '.join(argv)}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        return
    try:
        code = cli.main(argv)
    except SystemExit as exit_:  # argparse refuses bad options this way
        code = exit_.code
    if argv[0] == "validate":  # exit 1 means a band was missed: with two seeds that is noise, not a broken command
        assert code in (0, 1), f"{where}: nieuwkomers {' '.join(argv)} exited with {code}"
        return
    assert code == 0, f"{where}: nieuwkomers {' '.join(argv)} exited with {code}"


def serve_app_once(where: Block) -> None:
    """`nieuwkomers app` starts and serves its page (then it is stopped)."""
    app = subprocess.Popen([str(BIN / "nieuwkomers"), "app", "--no-open", "--port", "0"], env=environment(),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, url = time.monotonic() + 90, None
        while url is None and time.monotonic() < deadline:
            ready, _, _ = select.select([app.stdout], [], [], max(0.0, deadline - time.monotonic()))
            line = app.stdout.readline() if ready else ""
            if not line and (not ready or app.poll() is not None):
                break
            found = re.search(r"http://127\.0\.0\.1:\d+", line)
            url = found.group(0) if found else None
        assert url, f"{where}: the app printed no address"
        for _ in range(50):
            try:
                with urllib.request.urlopen(url, timeout=10) as page:
                    assert page.status == 200
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"{where}: {url} did not answer")
    finally:
        stop(app, timeout=20)


@pytest.fixture
def small_defaults(monkeypatch):
    """Python blocks build models at a small default size."""
    for name, value in SMALL.items():
        monkeypatch.setitem(parameters.DEFAULTS, name, value)
        monkeypatch.setitem(parameters.PARAMS, name, dataclasses.replace(parameters.PARAMS[name], default=value))


# --- the sheets -------------------------------------------------------------------------------


@pytest.mark.parametrize("sheet", SHEETS, ids=[s.stem for s in SHEETS])
def test_every_block_of_the_sheet_runs_at_small_size(sheet, tmp_path, monkeypatch, small_defaults):
    blocks = code_blocks(sheet)
    assert blocks, f"{sheet.name} has no code blocks"
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace: dict = {"__name__": "__main__"}
    saved = []
    try:
        for block in blocks:
            if block.language == "bash":
                for command in commands(block.code):
                    run_command(command, tmp_path, block)
            elif block.language == "python" and "file" in block.options:
                (tmp_path / block.options["file"]).write_text(block.code, encoding="utf-8")
                saved.append(Path(block.options["file"]).stem)
            elif block.language == "python":
                try:
                    exec(compile(block.code, f"{block}", "exec"), namespace)  # noqa: S102
                except Exception as err:
                    raise AssertionError(f"{block} raised {err!r}") from err
            else:
                pytest.fail(f"{block}: sheets use bash and python blocks only (console is for the README)")
    finally:
        for module in saved:
            sys.modules.pop(module, None)


def test_the_readme_commands_exist():
    for block in code_blocks(EXERCISES / "README.md"):
        if block.language == "bash":
            for command in commands(block.code):
                run_command(command, EXERCISES, block)


@pytest.mark.parametrize("sheet", SHEETS, ids=[s.stem for s in SHEETS])
def test_every_sheet_has_the_parts_of_an_exercise(sheet):
    text = sheet.read_text(encoding="utf-8")
    missing = [s for s in SECTIONS if s not in text]
    assert not missing, f"{sheet.name} lacks {missing}"
    assert (EXERCISES / "solutions" / sheet.name).exists(), f"no solution for {sheet.name}"
    assert sheet.name in (EXERCISES / "README.md").read_text(encoding="utf-8"), f"README does not list {sheet.name}"


def test_every_exercise_sweep_file_is_valid_and_used():
    sheets = "".join(s.read_text(encoding="utf-8") for s in SHEETS)
    for path in sorted((EXERCISES / "sweeps").glob("*.toml")):
        read_spec(path)
        assert f"docs/exercises/sweeps/{path.name}" in sheets, f"no sheet runs {path.name}"


# --- the notebook -----------------------------------------------------------------------------


def test_the_quickstart_notebook_runs_top_to_bottom(tmp_path):
    import nbclient  # make test installs .[dev]: missing, they fail here rather than skip
    import nbformat
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert 6 <= len(code) <= 12, "the quickstart should stay about ten cells"
    assert all(not c.get("outputs") for c in code), "commit the notebook without outputs"
    client = nbclient.NotebookClient(notebook, kernel_name="python3", timeout=300,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, errors


# --- the solutions ----------------------------------------------------------------------------


def skeleton(markdown: str) -> list[str]:
    """What must not change between a quick and a full run: headings, table headers, figures."""
    lines = markdown.splitlines()
    keep = [line for line in lines if line.startswith("#")]
    keep += [line for i, line in enumerate(lines)
             if line.startswith("|") and i + 1 < len(lines) and lines[i + 1].startswith("| ---")]
    keep += re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown)
    return keep


def shape(value):
    """The type structure of a numbers.json value (numbers may be null where a quick run has no data)."""
    if isinstance(value, dict):
        return "dict"
    if isinstance(value, list):
        return "list"
    if value is None or isinstance(value, bool | int | float):
        return "number"
    return type(value).__name__


def load_module(path: Path):
    """Import a Python file that is not in a package."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def quick_solutions(tmp_path_factory) -> tuple[Path, dict, dict]:
    """The solutions at small size, in two runs of the generator into one folder (each sheet made once).

    First ``--quick --only`` every sheet but 10, then ``--quick --only 10``: together the whole set, and
    the second run shows that ``--only`` keeps the other sheets. Returns the folder, and the numbers and
    Markdown files the first run wrote.
    """
    out = tmp_path_factory.mktemp("solutions") / "solutions"
    others = ",".join(str(n) for n in range(1, len(SHEETS) + 1) if SHEETS[n - 1].name != "10-for-whom.md")
    first = {}
    for only in (others, "10"):  # a process of its own: it runs models on a pool of forked workers
        done = subprocess.run([sys.executable, str(EXERCISES / "generate_solutions.py"), "--quick", "--only", only,
                               "--out", str(out)], cwd=ROOT, env=environment(), capture_output=True, text=True,
                              timeout=900)
        assert done.returncode == 0, done.stderr[-4000:]
        if not first:
            first = {"numbers": json.loads((out / "numbers.json").read_text(encoding="utf-8")),
                     "sheets": {p.name: p.read_text(encoding="utf-8") for p in out.glob("[0-9][0-9]-*.md")}}
    return out, first["numbers"], first["sheets"]


def test_the_solution_generator_reproduces_the_stored_solutions_format(quick_solutions):
    out = quick_solutions[0]
    stored_dir = EXERCISES / "solutions"
    stored_files = sorted(p.name for p in stored_dir.iterdir() if p.is_file())
    assert sorted(p.name for p in out.iterdir()) == stored_files
    for sheet in SHEETS:
        fresh = (out / sheet.name).read_text(encoding="utf-8")
        stored = (stored_dir / sheet.name).read_text(encoding="utf-8")
        assert skeleton(fresh) == skeleton(stored), f"{sheet.name}: headings, tables or figures differ"
        for figure in re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", stored):
            assert (stored_dir / figure).stat().st_size > 10_000, figure
        for figure in re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", fresh):
            assert (out / figure).stat().st_size > 10_000, figure
    fresh_numbers = json.loads((out / "numbers.json").read_text(encoding="utf-8"))
    stored_numbers = json.loads((stored_dir / "numbers.json").read_text(encoding="utf-8"))
    assert fresh_numbers.keys() == stored_numbers.keys()
    for exercise, numbers in stored_numbers.items():
        assert numbers.keys() == fresh_numbers[exercise].keys(), exercise
        for key, value in numbers.items():
            assert shape(value) == shape(fresh_numbers[exercise][key]), f"{exercise}: {key}"
    assert "Mode: `full`" in (stored_dir / "README.md").read_text(encoding="utf-8"), "stored solutions are not full size"


def test_the_solution_generator_with_only_makes_those_sheets_and_keeps_the_others(quick_solutions):
    """``--only``: the first run wrote every sheet but 10; ``--only 10`` then added sheet 10 (its own three
    comparisons, at small size) and left the other sheets' files and numbers as they were."""
    out, numbers_before, sheets_before = quick_solutions
    assert "10-for-whom" not in numbers_before and "10-for-whom.md" not in sheets_before, "--only wrote sheet 10"
    assert set(sheets_before) == {s.name for s in SHEETS} - {"10-for-whom.md"}
    numbers = json.loads((out / "numbers.json").read_text(encoding="utf-8"))
    assert set(numbers) == {*numbers_before, "10-for-whom"}
    assert {k: v for k, v in numbers.items() if k != "10-for-whom"} == numbers_before, "--only 10 changed others"
    for name, text in sheets_before.items():
        assert (out / name).read_text(encoding="utf-8") == text, f"--only 10 rewrote {name}"
    assert "(10-for-whom.md)" in (out / "README.md").read_text(encoding="utf-8"), "the index lists sheet 10"


def test_the_peaks_solution_runs_the_commands_of_its_sheet():
    solution = load_module(EXERCISES / "solution_09.py")
    sheet = " ".join((EXERCISES / "09-peaks.md").read_text(encoding="utf-8").split())
    for key, command in solution.COMMANDS.items():
        assert command in sheet, f"solution_09.COMMANDS[{key!r}] is not in 09-peaks.md"


def test_the_design_solution_runs_the_command_of_its_sheet():
    solution = load_module(EXERCISES / "solution_11.py")
    sheet = " ".join((EXERCISES / "11-spend-the-money.md").read_text(encoding="utf-8").split())
    for key, command in solution.COMMANDS.items():
        assert command in sheet, f"solution_11.COMMANDS[{key!r}] is not in 11-spend-the-money.md"


def test_the_worked_extension_keeps_its_promises():
    """The worked example's own tests (``docs/exercises/solutions/extension``), called here."""
    tests = load_module(EXERCISES / "solutions" / "extension" / "test_employer_discrimination.py")
    names = [name for name in dir(tests) if name.startswith("test_")]
    assert len(names) >= 5
    for name in names:
        function = getattr(tests, name)
        marks = getattr(function, "pytestmark", [])
        cases = [case for mark in marks if mark.name == "parametrize" for case in mark.args[1]] or [None]
        for case in cases:
            function(case) if case is not None else function()
