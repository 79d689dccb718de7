"""Writing results safely: nothing half-written, nothing of yours deleted, nothing left behind.

Every file is written under a temporary name in the same folder and renamed
into place (an atomic operation on one file system), so an interrupted run
leaves either the old file, the new file, or no file, never a corrupt one.

A command's ``--out`` folder:

- **Is the command's own only by its mark.** A command that writes a folder
  leaves `OUTPUT_MARKER` in it: the command, the version, every file with its
  size and checksum, and a signature over all of that. ``--out`` must be new,
  empty, or marked by the same command and holding nothing else: a folder
  that is unmarked, marked by another command, holds a file the command did not
  write, or a file changed since it was written, is refused (one line, exit 2)
  unless ``--force``. A file's name (``run.json``, ``validation.csv``) proves
  nothing.
- **Is never taken from a live process.** While a command writes, it holds a
  lock (`LOCK_FILE`, an ``flock``, in its staging folder; a sweep's
  ``.sweep.lock`` in its folder); ``--force`` refuses a folder whose lock is
  held, naming the command and its process.
- **Is written whole** (`OutputFolder`): into a hidden sibling
  (``.NAME.new-XXXXXXXX``) that is swapped in when complete, so a failed run
  leaves ``--out`` as it was. Where the folder cannot be swapped (a mount
  point, a parent folder that is not writable, a rename the file system
  refuses) the files are moved in one by one, each atomically, and the mark
  is written last.
- **Leaves nothing behind.** A staging folder whose lock is free was left by a
  command that was killed; the next command that writes to the same ``--out``
  removes it and says so (`remove_stale_staging`).

Longer than 400 lines because the mark, the locks, the staging folder and the
swap are one contract (a folder is taken only if its mark, its lock and its
staging all agree), and splitting them would spread that contract over modules.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from experiments.errors import UsageError
from experiments.provenance import package_version
from model.files import read_bounded

_UMASK = os.umask(0)
os.umask(_UMASK)

OUTPUT_MARKER = ".nieuwkomers-output.json"
LOCK_FILE = ".nieuwkomers.lock"  # held (flock) by the process writing a staging folder or a growing folder
SWEEP_LOCK = ".sweep.lock"  # held by the sweep writing its folder
FRESH_LOCK_SECONDS = 60.0  # an empty, unlocked lock file younger than this may be about to be taken: left alone
OWN_NAMES = frozenset({OUTPUT_MARKER, LOCK_FILE, SWEEP_LOCK, "lost+found"})  # never "files of yours"
IN_PLACE_PREFIX = ".nieuwkomers.new-"  # the staging folder inside --out when --out cannot be swapped
HASHED_UP_TO = 16 * 2**20  # files up to this size are checksummed in the mark; larger ones by size
MARK_FORMAT = 2
MAX_MARK_BYTES = 4 * 2**20
MAX_LISTED = 20_000  # files walked in a marked folder before it is taken for something else
_SALT = b"nieuwkomers output mark\n"
_SUFFIX_LENGTH = 8  # tempfile.mkdtemp's random part
#: A rename of the folder itself fails with these where the folder cannot be swapped (a mount point,
#: another file system, a folder the parent does not let us move): its files are moved in one by one.
UNSWAPPABLE = frozenset({errno.EBUSY, errno.EXDEV, errno.EPERM, errno.EACCES, errno.EINVAL})


def add_out_arguments(parser: argparse.ArgumentParser, required: bool = True,
                      help: str = "output directory") -> None:
    """``--out DIR`` and ``--force``, the same for every command that writes a folder."""
    parser.add_argument("--out", required=required, metavar="DIR",
                        help=f"{help}: a new or empty folder, or an earlier output of this command "
                             "(recognised by the mark it left, replaced as a whole)")
    parser.add_argument("--force", action="store_true",
                        help="write to --out even if it holds other files (they are deleted); never "
                             "a folder that a running command is writing")


def _say(command: str, text: str) -> None:
    print(f"nieuwkomers {command}: {text}", file=sys.stderr)


def _out_text(path: Path | str) -> str:
    """``path`` for a message, shortened when absurdly long."""
    text = str(path)
    return repr(text if len(text) <= 120 else text[:60] + "..." + text[-40:])


# --- the mark -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """What `OUTPUT_MARKER` says about a folder.

    Attributes:
        command: The command that wrote the folder.
        files: Relative path -> ``{"size": ..., "sha256": ...}`` of every file it wrote;
            None for a folder that grows as the command runs (a sweep, a calibration).
        complete: False while files are being moved in one by one.
    """

    command: str
    files: dict[str, dict] | None
    complete: bool = True


def _signature(body: dict) -> str:
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(_SALT + text.encode("utf-8")).hexdigest()


def file_sha256(path: str | os.PathLike) -> str:
    """The SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_record(path: Path) -> dict:
    """Size and (up to `HASHED_UP_TO`) SHA-256 of a file, as the mark keeps them."""
    size = path.stat().st_size
    return {"size": size, "sha256": file_sha256(path)} if size <= HASHED_UP_TO else {"size": size}


def write_mark(folder: Path, command: str, files: dict[str, dict] | None = None,
               complete: bool = True) -> Path:
    """Leave the signed mark of ``command`` in ``folder`` (``files`` None: a folder that grows)."""
    body = {"command": command, "version": package_version("nieuwkomers"), "format": MARK_FORMAT, "complete": complete,
            "written": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "files": files}
    return write_json({**body, "signature": _signature(body)}, Path(folder) / OUTPUT_MARKER)


def read_mark(folder: Path) -> Mark | None:
    """The mark in ``folder``, or None if there is none or it is not one this project signed."""
    try:
        data = json.loads(read_bounded(Path(folder) / OUTPUT_MARKER, MAX_MARK_BYTES).decode("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("command"), str):
        return None
    signature = data.pop("signature", None)
    files = data.get("files")
    if signature is None:  # written before marks were signed: a list of names, or a sweep's bare mark
        if files is None and data.keys() == {"command"} and data["command"] == "sweep":
            return Mark("sweep", None)
        if isinstance(files, list) and all(isinstance(f, str) for f in files) and data.keys() == {"command", "files"}:
            return Mark(data["command"], {f: {} for f in files})
        return None
    if signature != _signature(data):
        return None
    if files is not None and not (isinstance(files, dict) and all(
            isinstance(k, str) and isinstance(v, dict) for k, v in files.items())):
        return None
    return Mark(data["command"], files, complete=data.get("complete") is not False)


def output_of(folder: str | os.PathLike) -> str | None:
    """The command whose output ``folder`` is, by its mark (None: unmarked)."""
    mark = read_mark(Path(folder))
    return mark.command if mark else None


def _listing(folder: Path, limit: int = MAX_LISTED) -> list[str] | None:
    """Every file under ``folder`` (relative, '/'-separated), our own lock, mark and staging aside.

    None if there are more than ``limit``: a folder that big is not a command's output.
    """
    found: list[str] = []
    for root, dirs, files in os.walk(folder):
        top = Path(root) == folder
        if top:
            dirs[:] = [d for d in dirs if not d.startswith(IN_PLACE_PREFIX) and d != "lost+found"]
        for name in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            if top and name in OWN_NAMES:
                continue
            found.append(Path(root, name).relative_to(folder).as_posix())
            if len(found) > limit:
                return None
    return found


def _entries(folder: Path) -> list[str]:
    """Top-level names in ``folder`` but our own locks and staging and ``lost+found`` (without them: empty)."""
    return [e.name for e in folder.iterdir()
            if e.name not in (LOCK_FILE, SWEEP_LOCK, "lost+found") and not e.name.startswith(IN_PLACE_PREFIX)]


def _changed(path: Path, record: dict) -> bool:
    try:
        if "size" in record and path.stat().st_size != record["size"]:
            return True
        return "sha256" in record and file_record(path).get("sha256") != record["sha256"]
    except OSError:
        return False


def _not_ours(folder: Path, mark: Mark) -> tuple[list[str], list[str]]:
    """Files in a marked folder that its command did not write, and files changed since it wrote them."""
    if mark.files is None:  # a growing folder (sweep, calibration): its command never deletes
        return [], []
    listing = _listing(folder)
    if listing is None:
        return ["(more than 20,000 files)"], []
    others = [f for f in listing if f not in mark.files]
    changed = [] if not mark.complete else [
        f for f in listing if f in mark.files and _changed(folder / f, mark.files[f])]
    return others, changed


def _some(names: list[str], n: int = 3) -> str:
    shown = ", ".join(names[:n])
    return shown + (f" and {len(names) - n} more" if len(names) > n else "")


# --- locks ----------------------------------------------------------------------------------


class Lock:
    """An exclusive ``flock`` on a lock file, with the holder's command and process id in it.

    A lock dies with its process (the kernel releases it), so a lock file
    whose lock can be taken was left by a process that is gone.
    """

    def __init__(self, path: Path, command: str):
        """Take the lock.

        Raises:
            BlockingIOError: If another process holds it.
            OSError: If the lock file cannot be created.
        """
        self.path = Path(path)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666 & ~_UMASK)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BaseException:
            os.close(self.fd)
            raise
        os.ftruncate(self.fd, 0)
        os.write(self.fd, json.dumps({"command": command, "pid": os.getpid()}).encode())

    def release(self, unlink: bool = False) -> None:
        """Let go (deleting the lock file first if ``unlink``)."""
        if self.fd < 0:
            return
        if unlink:
            with contextlib.suppress(OSError):
                self.path.unlink()
        os.close(self.fd)
        self.fd = -1


def lock_holder(path: Path) -> dict | None:
    """Who holds the lock on ``path`` (``{"command": ..., "pid": ...}``), or None if nobody does."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW)
    except PermissionError:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            return None
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        try:
            info = json.loads(os.read(fd, 4096).decode("utf-8"))
            return info if isinstance(info, dict) else {}
        except (OSError, ValueError):
            return {}
    except OSError:
        return None
    finally:
        os.close(fd)  # closing also releases a lock taken here
    return None


def _staging_folders(out: Path) -> list[tuple[Path, str]]:
    """Our staging folders for ``out``: hidden siblings ``.NAME.new-*`` / ``.NAME.old-*`` and, inside it,
    ``.nieuwkomers.new-*`` (with the kind: "new" or "old")."""
    found = []
    out = Path(os.path.abspath(out))
    for kind in ("new", "old"):
        prefix = f".{out.name}.{kind}-"
        with contextlib.suppress(OSError):
            for entry in out.parent.iterdir():
                if entry.name.startswith(prefix) and len(entry.name) == len(prefix) + _SUFFIX_LENGTH \
                        and entry.is_dir() and not entry.is_symlink():
                    found.append((entry, kind))
    with contextlib.suppress(OSError):
        for entry in out.iterdir():
            if entry.name.startswith(IN_PLACE_PREFIX) and entry.is_dir() and not entry.is_symlink():
                found.append((entry, "new"))
    return found


def live_writer(out: str | os.PathLike, ignore: Path | None = None) -> dict | None:
    """The process holding a lock in ``out`` or its staging folders (``ignore``: one's own), or None."""
    out = Path(out)
    candidates = [out / LOCK_FILE, out / SWEEP_LOCK]
    candidates += [folder / LOCK_FILE for folder, _ in _staging_folders(out) if folder != ignore]
    for path in candidates:
        holder = lock_holder(path)
        if holder is not None:
            return holder
    return None


def _writer_text(holder: dict) -> str:
    command = holder.get("command") if isinstance(holder.get("command"), str) else None
    pid = holder.get("pid") if isinstance(holder.get("pid"), int) else None
    who = f"`nieuwkomers {command}`" if command else "another nieuwkomers command"
    return who + (f" (process {pid})" if pid else "")


def _just_made(lock: Path) -> bool:
    """An empty lock file made moments ago: its maker may be between creating it and taking the lock."""
    try:
        info = lock.stat()
    except OSError:
        return False
    return info.st_size == 0 and time.time() - info.st_mtime < FRESH_LOCK_SECONDS


def remove_stale_staging(out: str | os.PathLike, command: str) -> list[Path]:
    """Remove (and name on stderr) the staging folders of ``out`` whose lock nobody holds; returns them.

    A staging folder is ours by its name *and* its lock file. If a command was killed half-way
    through a swap (``out`` gone, the earlier output aside in ``.NAME.old-*``), that is put back.
    """
    out = Path(os.path.abspath(out))
    removed = []
    for folder, kind in _staging_folders(out):
        lock = folder / LOCK_FILE
        if not lock.is_file() or lock_holder(lock) is not None or _just_made(lock):
            continue  # not ours to judge (no lock file yet), being written right now, or about to be
        try:
            left_by = json.loads(lock.read_text(encoding="utf-8")).get("command")
        except (OSError, ValueError, AttributeError):
            left_by = None
        by = f"`nieuwkomers {left_by}`" if isinstance(left_by, str) else "a command"
        earlier = folder / "out"
        if kind == "old" and earlier.is_dir() and not out.exists():
            try:
                os.replace(earlier, out)
                _say(command, f"put back {out}: {by} was stopped while replacing it")
            except OSError:
                pass
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append(folder)
            _say(command, f"removed {folder}, a staging folder left by {by} that was stopped before it finished")
    return removed


# --- checking --out -----------------------------------------------------------------------------


MAX_NAME = 240  # characters of --out's last part: room for the staging folder's suffix within 255


def check_out_dir(path: str | os.PathLike, command: str, force: bool = False,
                  ignore: Path | None = None) -> Path:
    """``--out`` as a Path, checked to receive the output of ``command`` (the rules of the module).

    ``force`` accepts a folder that holds other files (they will be deleted); ``ignore`` is one's
    own staging folder (its lock is one's own).

    Raises:
        UsageError: If it is a file, cannot be used (a name too long, no access), is or holds the
            current folder, is being written by a live process (even with ``force``), or holds
            anything but this command's own marked output (without ``force``).
    """
    out = Path(path)
    shown = _out_text(out)
    name = Path(os.path.abspath(out)).name
    if len(os.fsencode(name)) > MAX_NAME:
        raise UsageError(f"--out {shown}: the folder's name is too long ({len(name)} characters; at most "
                         f"{MAX_NAME})")
    try:
        is_dir = out.is_dir()
        if not is_dir and (out.exists() or out.is_symlink()):
            raise UsageError(f"--out {shown} is not a writable directory (a file is in the way)")
        entries = _entries(out) if is_dir else []
    except OSError as err:
        raise UsageError(f"--out {shown} cannot be used ({err.strerror or err})") from None
    if entries:
        here = Path.cwd().resolve()
        if out.resolve() in (here, *here.parents):
            raise UsageError(f"--out {shown} is the current folder or holds it; name a subfolder, "
                             "e.g. --out results/run1")
    holder = live_writer(out, ignore)
    if holder is not None:
        raise UsageError(f"--out {shown} is being written by {_writer_text(holder)} right now; let it "
                         "finish or stop it, or choose another folder")
    if not entries or force:
        return out
    fix = "choose a new or empty folder, or add --force to delete what it holds and write there"
    mark = read_mark(out)
    if mark is None:
        raise UsageError(f"--out {shown} holds files that `nieuwkomers {command}` did not write "
                         f"({_some(sorted(entries))}); {fix}")
    if mark.command != command:
        raise UsageError(f"--out {shown} holds the output of `nieuwkomers {mark.command}`; {fix}")
    others, changed = _not_ours(out, mark)
    if others:
        raise UsageError(f"--out {shown} holds an earlier output of `nieuwkomers {command}` and files it did "
                         f"not write ({_some(others)}); move them away, or add --force to delete them")
    if changed:
        raise UsageError(f"--out {shown} holds an earlier output of `nieuwkomers {command}`, but "
                         f"{_some(changed)} changed after it was written; keep a copy, or add --force to "
                         "replace it")
    return out


# --- writing a folder whole ------------------------------------------------------------------------


class OutputFolder:
    """A command's ``--out`` folder, written in a hidden sibling and swapped into place when complete.

    Use it as a context manager: files go into ``staging``; on success the
    folder is swapped in (``--out`` then holds this run's files and its mark
    only), on an exception the staging folder is deleted and ``--out`` is left
    as it was::

        with OutputFolder(args.out, "run", args.force) as folder:
            write_json(record, folder.staging / "run.json")
        print(f"wrote {folder.path}")

    Where ``--out`` cannot be swapped, the staging folder is made inside it and the files move in
    one by one; the earlier output's files not written again are deleted after, the mark last.

    Attributes:
        path: The ``--out`` folder.
        command: The command writing it.
        staging: Where the files are written until `commit`.
        in_place: True when the files will be moved in one by one.
    """

    def __init__(self, path: str | os.PathLike, command: str, force: bool = False):
        """Remove stale staging, check ``--out`` (see `check_out_dir`) and make the locked staging folder.

        Raises:
            UsageError: If ``--out`` is refused or cannot be written.
        """
        remove_stale_staging(path, command)
        self.path = check_out_dir(path, command, force)
        self.command, self.force = command, force
        self.committed = False
        target = Path(os.path.abspath(self.path))
        self._earlier = read_mark(target) if target.is_dir() else None
        self.in_place = target.is_dir() and os.path.ismount(target)
        try:
            if not self.in_place:
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    self.staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.new-"))
                except OSError as err:
                    if not (target.is_dir() and err.errno in (errno.EACCES, errno.EPERM, errno.EROFS)):
                        raise
                    self.in_place = True  # a writable folder in a parent we may not write: fill it in place
            if self.in_place:
                self.staging = Path(tempfile.mkdtemp(dir=target, prefix=IN_PLACE_PREFIX))
            self._lock = Lock(self.staging / LOCK_FILE, command)
        except OSError as err:
            if getattr(self, "staging", None) is not None:
                shutil.rmtree(self.staging, ignore_errors=True)
            raise UsageError(f"--out {_out_text(self.path)} is not a writable directory "
                             f"({err.strerror or err})") from None
        os.chmod(self.staging, 0o777 & ~_UMASK)

    def _written(self) -> dict[str, dict]:
        files = {}
        for path in sorted(self.staging.rglob("*")):
            rel = path.relative_to(self.staging).as_posix()
            if rel != LOCK_FILE and rel != OUTPUT_MARKER and (path.is_file() or path.is_symlink()):
                files[rel] = file_record(path)
        return files

    def commit(self) -> Path:
        """Leave the mark and swap the staging folder in place of ``--out`` (or move its files in)."""
        files = self._written()
        target = Path(os.path.abspath(self.path))
        try:  # --out may have been taken while this command ran (another command started writing there)
            check_out_dir(target, self.command, self.force, ignore=self.staging)
        except UsageError as err:
            return self._elsewhere(target, err)
        if self.in_place:
            self._move_in(target, files)
        else:
            write_mark(self.staging, self.command, files)
            try:
                self._swap(target)
            except OSError as err:
                if err.errno not in UNSWAPPABLE or not target.is_dir():
                    raise
                (self.staging / OUTPUT_MARKER).unlink(missing_ok=True)
                self._move_in(target, files)
        self.committed = True
        return self.path

    def _elsewhere(self, target: Path, why: UsageError) -> Path:
        """Keep this run's files when ``--out`` was taken meanwhile: beside it, under a new name."""
        number = 1
        while os.path.lexists(target.parent / f"{target.name}-{number}"):  # a broken link counts too
            number += 1
        instead = target.parent / f"{target.name}-{number}"
        if self.in_place:  # the staging folder is inside --out: make it visible there
            instead = target / f"nieuwkomers-{self.command}-{self.staging.name[-_SUFFIX_LENGTH:]}"
        write_mark(self.staging, self.command, self._written())
        os.replace(self.staging, instead)
        self._lock.path = instead / LOCK_FILE
        self._lock.release(unlink=True)
        self.committed = True
        self.path = instead
        _say(self.command, f"--out changed while this command ran ({why}); its results are in {instead}")
        return instead

    def _swap(self, target: Path) -> None:
        """Rename the staging folder to ``target``, the earlier output aside and then deleted."""
        if not target.exists():
            os.replace(self.staging, target)
            self._lock.path = target / LOCK_FILE  # the lock file came along into target
            self._lock.release(unlink=True)
            return
        old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old-"))
        old_lock = Lock(old / LOCK_FILE, self.command)
        try:
            os.replace(target, old / "out")
        except OSError:
            old_lock.release()
            shutil.rmtree(old, ignore_errors=True)
            raise
        try:
            os.replace(self.staging, target)
        except OSError:
            os.replace(old / "out", target)  # put the earlier output back
            old_lock.release()
            shutil.rmtree(old, ignore_errors=True)
            raise
        self._lock.path = target / LOCK_FILE
        self._lock.release(unlink=True)
        shutil.rmtree(old, ignore_errors=True)
        old_lock.release()

    def _move_in(self, target: Path, files: dict[str, dict]) -> None:
        """Move the staged files into ``target`` one by one (each atomically), then the mark."""
        earlier = set(self._earlier.files) if self._earlier and self._earlier.files else set()
        # While files move in, the folder is marked as this command's, not complete, listing old and new.
        write_mark(target, self.command, {f: {} for f in sorted(earlier | set(files))}, complete=False)
        for rel in files:
            destination = target / rel
            destination.parent.mkdir(parents=True, exist_ok=True)
            if destination.is_dir() and not destination.is_symlink():
                shutil.rmtree(destination)  # --force: a folder of the same name was in the way
            _place(self.staging / rel, destination)
        if self.force:
            leftovers = set(_listing(target, limit=10**9) or ()) - set(files)
        else:
            leftovers = earlier - set(files)
        for rel in sorted(leftovers):
            with contextlib.suppress(FileNotFoundError):
                (target / rel).unlink()
        _remove_empty_folders(target, keep={Path(rel).parent.as_posix() for rel in files})
        write_mark(target, self.command, files)
        self._lock.release()
        shutil.rmtree(self.staging, ignore_errors=True)

    def discard(self) -> None:
        """Delete the staging folder (nothing, once committed)."""
        if not self.committed:
            self._lock.release()
            shutil.rmtree(self.staging, ignore_errors=True)

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def _place(source: Path, destination: Path) -> None:
    """Move one file into place atomically (copied first when it comes from another file system)."""
    try:
        os.replace(source, destination)
    except OSError as err:
        if err.errno != errno.EXDEV:
            raise
        atomic_write(destination, lambda tmp: shutil.copyfile(source, tmp))


def _remove_empty_folders(target: Path, keep: set[str]) -> None:
    for root, dirs, files in os.walk(target, topdown=False):
        here = Path(root)
        rel = here.relative_to(target).as_posix()
        if here == target or rel in keep or here.name == "lost+found" or here.name.startswith(IN_PLACE_PREFIX):
            continue
        if not dirs and not files:
            with contextlib.suppress(OSError):
                here.rmdir()


def clear_out_dir(path: str | os.PathLike, command: str = "sweep") -> None:
    """Delete everything in a folder (moved aside first, so the folder is never half-emptied).

    A folder that cannot be moved (a mount point) is emptied entry by entry.
    """
    target = Path(os.path.abspath(path))
    if not target.is_dir() or not any(target.iterdir()):
        return
    old, lock = None, None
    try:
        old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old-"))
        lock = Lock(old / LOCK_FILE, command)
        os.replace(target, old / "out")
    except OSError as err:
        if lock is not None:
            lock.release()
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        if err.errno not in UNSWAPPABLE and err.errno != errno.EROFS:
            raise
        for entry in target.iterdir():
            if entry.name == "lost+found":
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        return
    target.mkdir()
    shutil.rmtree(old, ignore_errors=True)
    lock.release()


def claim_growing_folder(path: str | os.PathLike, command: str, resume: bool, what: str) -> Path:
    """The ``--out`` of a command that writes as it goes and never deletes (calibrate, design's search).

    New, empty, or an earlier ``what``'s (marked by ``command``); with ``resume``, the folder as it is.
    The mark is (re)written: a folder that grows, with no list of files to check.

    Raises:
        UsageError: For a folder that holds other files, or one a running command is writing.
    """
    out = check_out_dir(path, command, force=True)  # a file in the way, a bad name, a live writer
    if not resume and out.is_dir() and any(out.iterdir()):
        mark = read_mark(out)
        if mark is None or mark.command != command:
            raise UsageError(f"--out {out} holds files that are not an earlier {what}'s; choose a new or empty "
                             f"folder ({command} never deletes)")
    out = prepare_out_dir(out)
    write_mark(out, command)
    return out


def move_in(staging: Path, out: Path) -> None:
    """A report's files from ``staging`` into the folder ``out``, each atomically, and ``figures/`` as a whole.

    The earlier ``figures/`` ends in ``staging`` (to be deleted with it).
    """
    for item in sorted(staging.iterdir()):
        if item.is_file():
            os.replace(item, out / item.name)
    if (out / "figures").is_dir():
        os.replace(out / "figures", staging / "old-figures")
    if (staging / "figures").is_dir():
        os.replace(staging / "figures", out / "figures")


def prepare_out_dir(path: str | os.PathLike) -> Path:
    """Create ``path`` if needed and check that it can be written to (else `UsageError`)."""
    out = Path(path)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=out, prefix=".probe-", delete=True)
        probe.close()
    except OSError as err:
        raise UsageError(f"--out {_out_text(out)} is not a writable directory ({err.strerror or err})") from None
    return out


@contextlib.contextmanager
def holding(folder: Path, command: str, lock_name: str = LOCK_FILE):
    """Hold the lock of a folder that a command writes as it goes (a sweep, a calibration), or `UsageError`."""
    path = Path(folder) / lock_name
    try:
        lock = Lock(path, command)
    except BlockingIOError:
        holder = lock_holder(path) or {}
        raise UsageError(f"--out {_out_text(folder)} is being written by {_writer_text(holder)} right now") from None
    except OSError as err:
        raise UsageError(f"--out {_out_text(folder)} is not a writable directory ({err.strerror or err})") from None
    try:
        yield lock
    finally:
        lock.release()


# --- atomic files -----------------------------------------------------------------------------------


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` and rename the result to ``path``."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:100]}.", suffix=".tmp")
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


def rewrite_readme_block(readme: Path, markers: tuple[str, str], block: str, figure: Path, image: Path) -> Path:
    """``--readme`` (compare, stress, design): the README's generated block and its figure, rewritten.

    What lies between the markers (`experiments.inputs.check_readme` found them before the runs)
    becomes ``block``; ``figure`` is copied to ``image`` (relative to the README's folder), and that
    path is returned.
    """
    target = readme.parent / image
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, lambda tmp: shutil.copyfile(figure, tmp))
    start, end = markers
    head, rest = readme.read_text(encoding="utf-8").split(start, 1)
    _, tail = rest.split(end, 1)
    write_text(f"{head}{start}\n{block}\n{end}{tail}", readme)
    return target
