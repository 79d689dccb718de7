"""Reading a file as data: a regular file of bounded size, never a device or a pipe.

A path that reaches the model or the command line may come from a user
(``--set arrival_series=...``, a sweep file, a posterior folder). `read_bounded`
is the one place such a file is opened: without blocking (a FIFO never hangs
the process), checked to be a regular file before a byte is read (so
``/dev/zero`` is refused, not read until the kernel stops it), and read up to
a limit. Callers turn its `OSError` into their own one-line message, naming
the file and the problem and never what the file holds.
"""

from __future__ import annotations

import errno
import os
import stat


def read_bounded(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Raises:
        OSError: If it cannot be opened (the usual errno), is not a regular
            file (``EINVAL``, "not a regular file") or is larger (``EFBIG``,
            "larger than ...").
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise OSError(errno.EFBIG, f"larger than {size_text(limit)}")
        return b"".join(chunks)
    finally:
        os.close(fd)


def size_text(limit: int) -> str:
    """A byte count as people write it: ``1 MB``, ``256 kB``."""
    return f"{limit / 2**20:g} MB" if limit >= 2**20 else f"{limit / 2**10:g} kB"
