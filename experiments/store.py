"""Writing results safely: nothing half-written, ever, and nothing of yours overwritten.

Every file is written under a temporary name in the same folder and renamed
into place (an atomic operation on one file system), so an interrupted run
leaves either the old file, the new file, or no file, never a corrupt one.

A command's ``--out`` folder (`OutputFolder`) is written whole: the command
writes into a hidden sibling folder and, once everything is written, swaps it
in place of ``--out``. A finished folder holds only that run's files, and a
failed run leaves ``--out`` as it was. ``--out`` must be empty, missing, or an
earlier output of the same command (recognised by the marker file
`OUTPUT_MARKER` the command leaves, or by its own record for folders written
before the marker existed); anything else is refused unless ``--force``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from experiments.errors import UsageError

_UMASK = os.umask(0)
os.umask(_UMASK)


OUTPUT_MARKER = ".nieuwkomers-output.json"
# The record each command writes: how folders written before the marker are recognised.
RECORDS = {"run": "run.json", "compare": "compare.json", "validate": "validation.csv", "sweep": "sweep.json"}


def add_out_arguments(parser: argparse.ArgumentParser, required: bool = True,
                      help: str = "output directory") -> None:
    """``--out DIR`` and ``--force``, the same for every command that writes a folder."""
    parser.add_argument("--out", required=required, metavar="DIR",
                        help=f"{help}: a new or empty folder, or an earlier output of this command "
                             "(replaced as a whole)")
    parser.add_argument("--force", action="store_true",
                        help="write to --out even if it holds other files (they are deleted)")


def output_of(folder: Path) -> str | None:
    """The command whose output ``folder`` is (from its marker or its record), else None."""
    try:
        return json.loads((folder / OUTPUT_MARKER).read_text(encoding="utf-8"))["command"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    for command, record in RECORDS.items():
        path = folder / record
        if command in ("run", "compare", "sweep"):
            try:
                if json.loads(path.read_text(encoding="utf-8")).get("command", command) == command:
                    return command
            except (OSError, ValueError, AttributeError):
                continue
        elif path.is_file():
            return command
    return None


def check_out_dir(path: str | os.PathLike, command: str, force: bool = False) -> Path:
    """Check that ``--out`` may receive the output of ``command``.

    Args:
        path: The ``--out`` folder.
        command: The command about to write ("run", "compare", ...).
        force: Accept a folder that holds other files (they will be deleted).

    Returns:
        The folder as a Path.

    Raises:
        UsageError: If it is a file, the current folder (or holds it), or a
            non-empty folder that is not an earlier output of ``command`` (without ``force``).
    """
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {str(out)!r} is not a writable directory (a file is in the way)")
    if not out.is_dir() or not any(out.iterdir()):
        return out
    here = Path.cwd().resolve()
    if out.resolve() in (here, *here.parents):
        raise UsageError(f"--out {str(out)!r} is the current folder or holds it; name a subfolder, "
                         "e.g. --out results/run1")
    if force:
        return out
    other = output_of(out)
    if other == command:
        return out
    what = f"holds the output of `nieuwkomers {other}`" if other else "holds files that this command did not write"
    raise UsageError(f"--out {str(out)!r} {what}; choose a new or empty folder, or add --force to "
                     "delete what it holds and write there")


class OutputFolder:
    """A command's ``--out`` folder, written in a hidden sibling and swapped into place when complete.

    Use it as a context manager: files go into ``staging``; on success the
    folder is swapped in (``--out`` then holds this run's files only), on an
    exception the staging folder is deleted and ``--out`` is left as it was::

        with OutputFolder(args.out, "run", args.force) as folder:
            write_json(record, folder.staging / "run.json")
        print(f"wrote {folder.path}")

    Attributes:
        path: The ``--out`` folder.
        command: The command writing it.
        staging: Where the files are written until `commit`.
    """

    def __init__(self, path: str | os.PathLike, command: str, force: bool = False):
        """Check ``--out`` (see `check_out_dir`) and make the staging folder beside it.

        Raises:
            UsageError: If ``--out`` is refused or its parent folder is not writable.
        """
        self.path = check_out_dir(path, command, force)
        self.command = command
        target = self.path.resolve()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.new-"))
        except OSError as err:
            raise UsageError(f"--out {str(self.path)!r} is not a writable directory "
                             f"({err.strerror or err})") from None
        os.chmod(self.staging, 0o777 & ~_UMASK)
        self.committed = False

    def commit(self) -> Path:
        """Leave the marker, swap the staging folder in place of ``--out`` and delete the old one."""
        files = sorted(p.relative_to(self.staging).as_posix() for p in self.staging.rglob("*") if p.is_file())
        write_json({"command": self.command, "files": files}, self.staging / OUTPUT_MARKER)
        target = self.path.resolve()
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old-"))
            os.replace(target, old / "out")
        os.replace(self.staging, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        self.committed = True
        return self.path

    def discard(self) -> None:
        """Delete the staging folder (nothing, once committed)."""
        if not self.committed:
            shutil.rmtree(self.staging, ignore_errors=True)

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def clear_out_dir(path: str | os.PathLike) -> None:
    """Delete everything in a folder (moved aside first, so the folder is never half-emptied)."""
    target = Path(path).resolve()
    if not target.is_dir() or not any(target.iterdir()):
        return
    old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old-"))
    os.replace(target, old / "out")
    target.mkdir()
    shutil.rmtree(old, ignore_errors=True)


def prepare_out_dir(path: str | os.PathLike) -> Path:
    """Create ``path`` if needed and check that it can be written to.

    Raises:
        UsageError: If it is not a directory or not writable.
    """
    out = Path(path)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=out, prefix=".probe-", delete=True)
        probe.close()
    except OSError as err:
        raise UsageError(f"--out {str(out)!r} is not a writable directory ({err.strerror or err})") from None
    return out


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` and rename the result to ``path``."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_parquet(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write a DataFrame as Parquet, atomically."""
    return atomic_write(path, lambda tmp: df.to_parquet(tmp, index=False))


def write_text(text: str, path: str | os.PathLike) -> Path:
    """Write text, atomically."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_json(data: dict, path: str | os.PathLike) -> Path:
    """Write JSON, atomically."""
    return write_text(json.dumps(data, indent=2, default=str) + "\n", path)
