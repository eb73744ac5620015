"""Replay animations: the map stepping through time, as an animated GIF or an MP4.

Each frame is a report map (:func:`geodata.render.render_frame`) with its date
in the title and a bar showing where it falls in the replayed range; all
frames share one legend (every faction seen in the range) so nothing jumps.
GIF needs only Pillow (a matplotlib dependency); MP4 needs the optional
``imageio-ffmpeg`` package (``pip install 'frontline-atlas[video]'``), whose
wheel ships its own ffmpeg.

Frames are rendered one by one and handed to the encoder, so memory grows with
the compressed frames, not with the raw images.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable

import numpy as np
import pandas as pd

from .dataset import Dataset
from .scene import build_scene
from .timeline import change_dates, control_at, to_date

__all__ = [
    "STEPS",
    "REPLAY_FORMATS",
    "MAX_FRAMES",
    "TooManyFrames",
    "VideoUnavailable",
    "replay_dates",
    "render_replay",
    "mp4_available",
    "too_many_hint",
]

STEPS = ("event", "week", "month")
REPLAY_FORMATS = ("gif", "mp4")
MAX_FRAMES = 400
LAST_FRAME_MS = 2500


class TooManyFrames(ValueError):
    """A replay would have more frames than allowed."""


class VideoUnavailable(RuntimeError):
    """MP4 was asked for but ``imageio-ffmpeg`` is not installed."""


def too_many_hint(step: str) -> str:
    """What to suggest when a replay has too many frames."""
    coarser = STEPS[STEPS.index(step) + 1 :] if step in STEPS else ()
    if coarser:
        return f"choose a coarser step ({' or '.join(coarser)}) or a shorter range"
    return "choose a shorter range"


def mp4_available() -> bool:
    """Whether MP4 replays can be written (``imageio-ffmpeg`` importable)."""
    try:
        import imageio_ffmpeg  # noqa: F401
    except ImportError:
        return False
    return True


def replay_dates(dataset: Dataset, start, end, *, step: str = "month") -> pd.DatetimeIndex:
    """Return the dates of a replay's frames, oldest first.

    Parameters
    ----------
    dataset : Dataset
    start, end : str or datetime-like
        First and last frame (inclusive); ``start <= end``.
    step : {"event", "week", "month"}, default "month"
        ``"event"``: a frame on every date the map changes (epoch starts);
        ``"week"``/``"month"``: every 7 days / every calendar month from
        ``start``. The first frame is always ``start`` and the last ``end``.

    Returns
    -------
    pandas.DatetimeIndex

    Raises
    ------
    ValueError
        For an unknown step or ``start`` after ``end``.

    Examples
    --------
    >>> from geodata import load_builtin
    >>> dates = replay_dates(load_builtin(), "2016-01-01", "2016-03-15", step="month")
    >>> list(dates.strftime("%m-%d"))
    ['01-01', '02-01', '03-01', '03-15']
    """
    if step not in STEPS:
        raise ValueError(f"expected a step {', '.join(map(repr, STEPS))}, got {step!r}")
    start, end = to_date(start), to_date(end)
    if start > end:
        raise ValueError(f"the start {start.date()} is after the end {end.date()}")
    if step == "event":
        changes = change_dates(dataset)
        inner = changes[(changes > start) & (changes < end)]
        dates = [start, *inner, end]
    elif step == "week":
        dates = [*pd.date_range(start, end, freq="7D"), end]
    else:
        months = (end.year - start.year) * 12 + end.month - start.month
        # Each date from the start (not from the previous one): 31 Jan, 29 Feb, 31 Mar.
        dates = [start + pd.DateOffset(months=k) for k in range(months + 1)]
        dates = [d for d in dates if d <= end] + [end]
    return pd.DatetimeIndex(dates).as_unit("ns").unique().sort_values()


def _legend_factions(dataset: Dataset, dates) -> list[str]:
    seen: set[str] = set()
    for date in dates:
        seen |= set(control_at(dataset, date)["controller"].dropna())
    return sorted(seen)


def render_replay(
    dataset: Dataset,
    start,
    end,
    *,
    step: str = "month",
    fmt: str = "gif",
    dpi: int = 100,
    width_in: float = 7.0,
    extent="theatre",
    frame_ms: int = 700,
    progress: Callable[[int, int], None] | None = None,
    max_frames: int = MAX_FRAMES,
) -> bytes:
    """Render an animated replay of the map from ``start`` to ``end``.

    Parameters
    ----------
    dataset : Dataset
    start, end : str or datetime-like
    step : {"event", "week", "month"}, default "month"
        See :func:`replay_dates`.
    fmt : {"gif", "mp4"}, default "gif"
    dpi : int, default 100
        72..300; with ``width_in`` sets the pixel size (700 px wide by default).
    width_in : float, default 7.0
    extent : str or tuple, default "theatre"
        See :func:`geodata.extent.resolve_extent`.
    frame_ms : int, default 700
        How long each frame shows (the last one at least 2.5 s).
    progress : callable, optional
        Called as ``progress(done, total)``: once with ``done=0`` before the
        first frame, then after every frame.
    max_frames : int, default 400

    Returns
    -------
    bytes
        The GIF or MP4 file.

    Raises
    ------
    TooManyFrames
        When the range and step give more than ``max_frames`` frames.
    VideoUnavailable
        For ``fmt="mp4"`` without ``imageio-ffmpeg``.
    ValueError
        For a bad step, format, dpi, extent or date range.
    """
    from .extent import check_extent
    from .render import check_dpi

    fmt = str(fmt).lower()
    if fmt not in REPLAY_FORMATS:
        raise ValueError(f"expected a replay format {', '.join(REPLAY_FORMATS)}, got {fmt!r}")
    dpi = check_dpi(dpi)
    extent = check_extent(extent)
    if not 50 <= int(frame_ms) <= 10_000:
        raise ValueError(f"expected a frame duration between 50 and 10000 ms, got {frame_ms!r}")
    dates = replay_dates(dataset, start, end, step=step)
    if len(dates) > max_frames:
        raise TooManyFrames(
            f"{len(dates)} frames from {dates[0].date()} to {dates[-1].date()} by {step}: "
            f"the limit is {max_frames}; {too_many_hint(step)}"
        )
    if fmt == "mp4" and not mp4_available():
        raise VideoUnavailable(
            "MP4 needs the optional package imageio-ffmpeg "
            "(pip install 'frontline-atlas[video]'); GIF works without it"
        )
    frames = _frames(dataset, dates, dpi=dpi, width_in=width_in, extent=extent, progress=progress)
    durations = [int(frame_ms)] * len(dates)
    durations[-1] = max(int(frame_ms), LAST_FRAME_MS)
    if fmt == "gif":
        return _encode_gif(frames, durations)
    return _encode_mp4(frames, durations)


def _frames(dataset, dates, *, dpi, width_in, extent, progress):
    """Yield one RGB array per date (rendered lazily, reported to ``progress``)."""
    from .render import render_frame

    legend = _legend_factions(dataset, dates)
    timeline = (dates[0], dates[-1])
    total = len(dates)
    if progress is not None:
        progress(0, total)
    for i, date in enumerate(dates, start=1):
        scene = build_scene(dataset, date, extent=extent)
        yield render_frame(
            scene,
            dpi=dpi,
            width_in=width_in,
            timeline=timeline,
            legend_factions=legend,
            town_labels="fit",
        )
        if progress is not None:
            progress(i, total)


def _encode_gif(frames, durations) -> bytes:
    from PIL import Image

    images = []
    for frame in frames:
        # An adaptive palette per frame, without dithering: the flat fills
        # stay flat (and compress well) and no frame lacks a faction colour.
        image = Image.fromarray(frame, mode="RGB")
        images.append(
            image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        )
    buffer = io.BytesIO()
    first, rest = images[0], images[1:]
    first.save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=rest,
        duration=durations,
        loop=0,
        optimize=False,
        disposal=1,
    )
    return buffer.getvalue()


def _encode_mp4(frames, durations) -> bytes:
    import imageio_ffmpeg

    fps = 10
    fd, path = tempfile.mkstemp(suffix=".mp4", prefix="frontline-replay-")
    os.close(fd)
    writer = None
    try:
        for frame, ms in zip(frames, durations, strict=False):
            # H.264 wants dimensions divisible by 16: pad with white.
            h, w = frame.shape[:2]
            ph, pw = -h % 16, -w % 16
            if ph or pw:
                frame = np.pad(frame, ((0, ph), (0, pw), (0, 0)), constant_values=255)
            if writer is None:
                writer = imageio_ffmpeg.write_frames(
                    path,
                    (frame.shape[1], frame.shape[0]),
                    fps=fps,
                    codec="libx264",
                    pix_fmt_out="yuv420p",
                    quality=7,
                    macro_block_size=16,
                    output_params=["-movflags", "+faststart"],
                )
                writer.send(None)  # start the generator
            frame = np.ascontiguousarray(frame)
            for _ in range(max(1, round(ms * fps / 1000))):
                writer.send(frame)
        if writer is not None:
            writer.close()
            writer = None
        with open(path, "rb") as file:
            return file.read()
    finally:
        if writer is not None:
            writer.close()
        os.unlink(path)
