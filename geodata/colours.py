"""Colour distances as readers with colour-vision deficiencies see them.

Used to check that every pair of factions that can share a front stays apart:
the CIEDE2000 difference (Sharma, Wu and Dalal 2005) between two colours, for
normal vision and after simulating protanopia, deuteranopia and tritanopia
with the matrices of Machado, Oliveira and Fernandes (2009, severity 1.0).
"""

from __future__ import annotations

import itertools

import numpy as np

__all__ = ["VISIONS", "simulate", "ciede2000", "FRONT_PAIRS", "pair_distances"]

# Machado et al. 2009, severity 1.0, applied to linear RGB.
_MACHADO = {
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
         [-0.003882, -0.048116, 1.051998]]
    ),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
         [-0.011820, 0.042940, 0.968881]]
    ),
    "tritanopia": np.array(
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
         [0.004733, 0.691367, 0.303900]]
    ),
}  # fmt: skip
#: The ways of seeing checked: normal vision and the three dichromacies.
VISIONS = ("normal", *_MACHADO)

#: Pairs of factions whose land can meet at a front (fronts never cross a
#: border: the Syrian factions among themselves, the Iraqi ones, ISIS with all).
_SYRIA = ("SYGOV", "ISIS", "REBELS", "NUSRA", "SDF", "TURKEY")
_IRAQ = ("IQGOV", "ISIS", "KRG")
FRONT_PAIRS = tuple(
    sorted(
        set(itertools.combinations(sorted(_SYRIA), 2))
        | set(itertools.combinations(sorted(_IRAQ), 2))
    )
)


def _rgb(hex_colour: str) -> np.ndarray:
    h = hex_colour.lstrip("#")
    return np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)]) / 255.0


def _linear(c: np.ndarray) -> np.ndarray:
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _gamma(c: np.ndarray) -> np.ndarray:
    c = np.clip(c, 0.0, 1.0)
    return np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055)


def simulate(hex_colour: str, vision: str) -> np.ndarray:
    """Return the sRGB colour (0..1) a reader with ``vision`` sees."""
    rgb = _rgb(hex_colour)
    if vision == "normal":
        return rgb
    return _gamma(_MACHADO[vision] @ _linear(rgb))


def _lab(rgb: np.ndarray) -> np.ndarray:
    lin = _linear(rgb)
    m = np.array(
        [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
         [0.0193339, 0.1191920, 0.9503041]]
    )  # fmt: skip
    xyz = m @ lin / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def ciede2000(rgb1: np.ndarray, rgb2: np.ndarray) -> float:
    """CIEDE2000 colour difference of two sRGB colours (0..1 each).

    Examples
    --------
    >>> round(ciede2000(np.array([1.0, 1.0, 1.0]), np.array([0.0, 0.0, 0.0])), 1)
    100.0
    """
    L1, a1, b1 = _lab(rgb1)
    L2, a2, b2 = _lab(rgb2)
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    cm = (c1 + c2) / 2
    g = 0.5 * (1 - np.sqrt(cm**7 / (cm**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dl, dc = L2 - L1, c2p - c1p
    dh = h2p - h1p
    if c1p * c2p == 0:
        dh = 0.0
    elif dh > 180:
        dh -= 360
    elif dh < -180:
        dh += 360
    dhp = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    lm, cmp_ = (L1 + L2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        hm = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hm = (h1p + h2p) / 2
    else:
        hm = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * np.cos(np.radians(hm - 30))
        + 0.24 * np.cos(np.radians(2 * hm))
        + 0.32 * np.cos(np.radians(3 * hm + 6))
        - 0.20 * np.cos(np.radians(4 * hm - 63))
    )
    sl = 1 + 0.015 * (lm - 50) ** 2 / np.sqrt(20 + (lm - 50) ** 2)
    sc = 1 + 0.045 * cmp_
    sh = 1 + 0.015 * cmp_ * t
    rt = (
        -2
        * np.sqrt(cmp_**7 / (cmp_**7 + 25**7))
        * np.sin(np.radians(60 * np.exp(-(((hm - 275) / 25) ** 2))))
    )
    return float(
        np.sqrt((dl / sl) ** 2 + (dc / sc) ** 2 + (dhp / sh) ** 2 + rt * (dc / sc) * (dhp / sh))
    )


def pair_distances(colours: dict[str, str]) -> list[tuple[str, str, str, float]]:
    """CIEDE2000 of every front pair under every vision: ``(a, b, vision, distance)``."""
    return [
        (a, b, vision, ciede2000(simulate(colours[a], vision), simulate(colours[b], vision)))
        for a, b in FRONT_PAIRS
        for vision in VISIONS
    ]
