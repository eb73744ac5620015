"""Faction colours stay apart for every reader (issue: colour-blind safety)."""

import colorsys

import numpy as np
import pytest

from geodata.colours import FRONT_PAIRS, VISIONS, ciede2000, pair_distances, simulate
from geodata.factions import FACTIONS
from geodata.style import PRINT_COLORS, UNKNOWN_COLOR, fill_opacity

THEATRE_LAND = PRINT_COLORS["theatre_land"]


def blend(colour: str, alpha: float, background: str = THEATRE_LAND) -> str:
    c = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    b = np.array([int(background[i : i + 2], 16) for i in (1, 3, 5)])
    mixed = np.round(alpha * c + (1 - alpha) * b).astype(int)
    return "#" + "".join(f"{v:02x}" for v in mixed)


def test_ciede2000_known_values():
    # Sharma, Wu and Dalal (2005) give 0 for identical colours; black/white is 100.
    white, black = np.ones(3), np.zeros(3)
    assert ciede2000(white, white) == pytest.approx(0.0, abs=1e-9)
    assert ciede2000(white, black) == pytest.approx(100.0, abs=0.01)
    # Symmetric.
    a, b = simulate("#d43300", "normal"), simulate("#66bd70", "normal")
    assert ciede2000(a, b) == pytest.approx(ciede2000(b, a), abs=1e-9)


def test_machado_keeps_greys_grey():
    for vision in VISIONS:
        grey = simulate("#808080", vision)
        assert np.ptp(grey) < 0.02, vision


@pytest.mark.parametrize("medium", ["colour", "core fill"])
def test_every_front_pair_differs_by_ciede2000_10(medium):
    colours = {code: f.color for code, f in FACTIONS.items()}
    if medium == "core fill":
        colours = {k: blend(v, fill_opacity("print")) for k, v in colours.items()}
    close = [(a, b, v, round(d, 1)) for a, b, v, d in pair_distances(colours) if d < 10]
    assert close == [], close
    assert len(FRONT_PAIRS) == 18  # 15 Syrian pairs and 3 Iraqi pairs (ISIS in both)


def test_nominal_tints_stay_apart_and_recognisable():
    core = {k: blend(f.color, fill_opacity("print")) for k, f in FACTIONS.items()}
    light = {k: blend(f.color, fill_opacity("print", "nominal")) for k, f in FACTIONS.items()}
    # Lighter by design: the fronts and the legend carry the rest; still apart.
    assert min(d for *_, d in pair_distances(light)) >= 4.5
    for code in FACTIONS:
        if code in ("ISIS", "NUSRA"):
            continue  # greys: no hue to keep
        h_core = colorsys.rgb_to_hls(*simulate(core[code], "normal"))[0]
        h_light = colorsys.rgb_to_hls(*simulate(light[code], "normal"))[0]
        assert abs(h_core - h_light) < 0.05, code  # the same faction, lighter


def test_unknown_land_is_not_mistaken_for_a_faction():
    unknown = blend(UNKNOWN_COLOR, fill_opacity("print", "nominal"))
    for code, faction in FACTIONS.items():
        for tier in ("core", "nominal"):
            tint = blend(faction.color, fill_opacity("print", tier))
            d = ciede2000(simulate(unknown, "normal"), simulate(tint, "normal"))
            assert d >= 3, (code, tier, d)
