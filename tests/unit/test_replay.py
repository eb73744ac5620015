"""Replays: the dates of the frames, GIF and MP4."""

import io

import pandas as pd
import pytest
from PIL import Image

from geodata.replay import TooManyFrames, VideoUnavailable, render_replay, replay_dates
from geodata.timeline import change_dates

DATE = "2016-03-27"


def test_replay_dates(builtin):
    month = replay_dates(builtin, "2016-01-31", "2016-05-15", step="month")
    assert [d.strftime("%m-%d") for d in month] == ["01-31", "02-29", "03-31", "04-30", "05-15"]
    week = replay_dates(builtin, "2016-01-01", "2016-01-29", step="week")
    assert len(week) == 5 and week[-1] == pd.Timestamp("2016-01-29")
    event = replay_dates(builtin, "2016-01-01", "2016-12-31", step="event")
    changes = change_dates(builtin)
    inner = changes[(changes > "2016-01-01") & (changes < "2016-12-31")]
    assert list(event) == [pd.Timestamp("2016-01-01"), *inner, pd.Timestamp("2016-12-31")]
    assert len(replay_dates(builtin, DATE, DATE, step="event")) == 1
    with pytest.raises(ValueError, match="after the end"):
        replay_dates(builtin, "2017-01-01", "2016-01-01")
    with pytest.raises(ValueError, match="expected a step"):
        replay_dates(builtin, "2016-01-01", "2017-01-01", step="day")


def test_gif_has_one_frame_per_date(builtin):
    calls = []
    gif = render_replay(
        builtin,
        "2016-01-01",
        "2016-03-27",
        step="month",
        dpi=72,
        progress=lambda i, n: calls.append((i, n)),
    )
    image = Image.open(io.BytesIO(gif))
    assert image.format == "GIF" and image.n_frames == 4
    assert image.size[0] == 7 * 72
    assert calls == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    image.seek(3)
    assert image.info["duration"] >= 2500  # the last frame lingers


def test_replay_frame_cap(builtin):
    with pytest.raises(TooManyFrames, match="choose a coarser step \\(month\\)"):
        render_replay(builtin, "2015-01-01", "2015-12-31", step="week", max_frames=10)


def test_mp4_without_imageio_ffmpeg(builtin, monkeypatch):
    import geodata.replay as replay

    monkeypatch.setattr(replay, "mp4_available", lambda: False)
    with pytest.raises(VideoUnavailable, match="imageio-ffmpeg"):
        render_replay(builtin, "2016-01-01", "2016-02-01", fmt="mp4", dpi=72)


def test_mp4(builtin):
    pytest.importorskip("imageio_ffmpeg")
    mp4 = render_replay(builtin, "2016-01-01", "2016-02-01", fmt="mp4", dpi=72)
    assert mp4[4:8] == b"ftyp"
