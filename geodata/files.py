"""Writing files safely: all at once or not at all.

The command line writes every ``--out`` file with :func:`write_atomic`, and
the dashboard writes its static assets with it, so a reader (a browser, a
web server, another process) never sees a half-written file. Only the
standard library is imported: copying assets needs no geopandas.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(path, data: bytes) -> Path:
    """Write ``data`` to ``path`` all at once or not at all.

    The bytes go to a new hidden file in the same folder, are flushed to disk,
    then renamed over ``path`` (:func:`os.replace`, atomic on one file
    system). A file replaced keeps its permissions (and its owner and group
    where the user may set them). On any error the temporary file is removed
    and ``path`` is left as it was. ``path`` must be a regular file or not
    exist: devices, pipes and symbolic links are for the caller to handle (see
    :func:`geodata.cli.output_target`), never replaced here.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OSError
        When the folder does not exist or is not writable, the disk is full,
        or ``path`` is not a regular file.
    """
    path = Path(path)
    folder = path.parent
    try:
        old = os.lstat(path)  # the file replaced keeps its mode (and owner, where allowed)
    except FileNotFoundError:
        old = None
    if old is not None and not stat.S_ISREG(old.st_mode):
        raise OSError(errno.EINVAL, f"not a regular file: {path}")
    tmp = folder / f".{path.name}.{secrets.token_hex(4)}.part"
    # O_EXCL: never follow or reuse an existing file; 0o666 minus the umask,
    # like any file the user creates.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        if old is not None:
            os.fchmod(fd, stat.S_IMODE(old.st_mode))
            with contextlib.suppress(OSError):
                os.fchown(fd, old.st_uid, old.st_gid)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
