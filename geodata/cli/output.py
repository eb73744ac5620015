"""Where the ``frontline`` command line writes: ``--out`` files and streams, JSON on
stdout, what was written, a progress bar."""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geodata.values import or_none

from .args import CliError

__all__ = [
    "Output",
    "dump",
    "event_records",
    "iso",
    "output_path",
    "output_target",
    "progress_bar",
    "report",
    "size_text",
    "state_records",
    "write_output",
]


def dump(obj) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def iso(value) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def state_records(state) -> list[dict]:
    """Turn :func:`~geodata.timeline.control_at` output into JSON-ready dicts."""
    return [
        {
            "id": row.id,
            "name": row.name,
            "lat": round(row.geometry.y, 5),
            "lon": round(row.geometry.x, 5),
            "controller": or_none(row.controller),
            "status": row.status,
            "contested_by": or_none(row.contested_by),
            "since": iso(row.since),
            "since_precision": or_none(row.since_precision),
        }
        for row in state.itertuples()
    ]


def event_records(events: pd.DataFrame) -> list[dict]:
    """Turn events into JSON-ready dicts (dates as ISO strings, blanks as null)."""
    out = []
    for row in events.to_dict("records"):
        row = {k: v for k, v in row.items() if k != "when"}
        for key in ("date", "end_date"):
            row[key] = iso(row[key])
        out.append({k: (None if v == "" else or_none(v)) for k, v in row.items()})
    return out


#: Paths that name this process's own output streams: written in place, like ``-``.
_STREAM_PATHS = re.compile(r"^/(dev/(stdout|stderr|fd/\d+)|proc/self/fd/\d+)$")


@dataclass(frozen=True)
class Output:
    """Where ``--out`` writes: ``path`` (a regular file, replaced atomically) or a
    ``stream`` (``-`` for stdout, or a device such as ``/dev/null``, written in place)."""

    path: Path
    stream: bool = False

    def __str__(self) -> str:
        return "standard output" if str(self.path) == "-" else str(self.path)

    @property
    def to_stdout(self) -> bool:
        return str(self.path) in ("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")


def output_target(text: str) -> Output:
    """Decide how ``--out TEXT`` is written, refusing what must not be replaced.

    ``-``, ``/dev/stdout`` and character devices (``/dev/null``, a terminal)
    are streams, written in place and never replaced. A symbolic link is
    followed when it points to a file in its own folder (the link stays);
    pipes, sockets, folders and links pointing elsewhere are refused.

    Raises
    ------
    CliError
        With exit status 2 and the reason.
    """
    if text == "-" or _STREAM_PATHS.match(text):
        return Output(Path(text), stream=True)
    out = Path(text).expanduser()
    try:
        link = out.is_symlink()
        info = out.stat() if out.exists() else None
    except OSError as exc:
        raise CliError(f"--out {text}: {exc.strerror or exc}", 2) from None
    if link and info is None:
        raise CliError(f"--out {text} is a symbolic link to nothing; expected a file name", 2)
    if info is not None and stat.S_ISCHR(info.st_mode):
        return Output(out, stream=True)
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise CliError(f"--out {text} is a folder; expected a file name", 2)
    if info is not None and not stat.S_ISREG(info.st_mode):
        kind = "a named pipe" if stat.S_ISFIFO(info.st_mode) else "a special file"
        raise CliError(
            f"--out {text} is {kind}; expected a regular file name, - for "
            "standard output, or a device such as /dev/null",
            2,
        )
    if link:
        target = out.resolve()
        if target.parent != out.parent.resolve():
            raise CliError(
                f"--out {text} is a symbolic link to {target}, outside its folder: "
                "give that file's own path, or remove the link",
                2,
            )
        out = target  # the link's own file is replaced, the link kept
    return Output(out)


def output_path(text: str, suffixes: dict[str, str], given: str | None) -> tuple[Output, str]:
    """Check ``--out`` before any work: what it is (:func:`output_target`), its
    folder exists and is writable.

    Returns the output and the format (``given``, or read from the suffix).
    """
    out = output_target(text)
    fmt = given
    if fmt is None:
        fmt = suffixes.get(out.path.suffix.lower()) if not out.stream else None
        if fmt is None:
            known = ", ".join(sorted(suffixes))
            suffix = out.path.suffix if not out.stream else ""
            raise CliError(
                f"--out {text}: cannot tell the format from the suffix "
                f"{suffix or '(none)'!r}; expected one of {known}",
                2,
            )
    if out.stream:
        return out, fmt
    folder = out.path.parent
    if not folder.is_dir():
        raise CliError(f"--out {text}: no such folder {str(folder)!r}", 2)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CliError(f"--out {text}: the folder {str(folder)!r} is not writable", 1)
    return out, fmt


def write_output(out: Output, content: bytes) -> None:
    from geodata.files import write_atomic

    try:
        if str(out.path) == "-":
            sys.stdout.flush()
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()
        elif out.stream:
            # A device is written in place: opened without O_CREAT, never replaced.
            fd = os.open(out.path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
            with os.fdopen(fd, "wb") as stream:
                stream.write(content)
        else:
            write_atomic(out.path, content)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise CliError(f"cannot write {out}: {exc.strerror or exc}") from None


def report(out: Output, args, record: dict, text: str) -> None:
    """Say what was written (``--json``: as JSON), on stdout unless the file went there."""
    stream = sys.stderr if out.to_stdout else sys.stdout
    if args.json:
        json.dump(record, stream, ensure_ascii=False, indent=2, default=str)
        stream.write("\n")
    else:
        print(text, file=stream)


def size_text(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def progress_bar(stream, label: str):
    """A ``progress(done, total)`` callback drawing a bar on ``stream``."""
    tty = stream.isatty()
    state = {"last": -1}

    def progress(done: int, total: int) -> None:
        if tty:
            width = 30
            filled = round(width * done / max(total, 1))
            stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            if done == total:
                stream.write("\n")
            stream.flush()
        else:
            # Logs get a line per tenth, not a carriage-return animation.
            tenth = done * 10 // max(total, 1)
            if tenth != state["last"]:
                state["last"] = tenth
                print(f"{label}: {done}/{total}", file=stream, flush=True)

    return progress
