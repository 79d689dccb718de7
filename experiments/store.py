"""Writing results safely: nothing half-written, ever.

Every file is written under a temporary name in the same folder and renamed
into place (an atomic operation on one file system), so an interrupted run
leaves either the old file, the new file, or no file, never a corrupt one.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from experiments.errors import UsageError

_UMASK = os.umask(0)
os.umask(_UMASK)


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
