"""Estimated territories and front lines from who holds which town.

Method
------
All the land is assigned, in two tiers per faction. Each country (Syria,
Iraq) is partitioned on its own into one cell per town: the land closer to
that town than to any other town of the country (its Voronoi cell), so a
cell never crosses the border and borders are never fronts. Each cell is
split once into a **core**, the part within the town's reach, and a
**nominal** periphery, the rest. The reach adapts to how dense the towns are:
``reach_factor`` times the distance to the town's second-nearest neighbour,
kept between ``min_reach_km`` and ``max_reach_km``.

In two sentences: *a faction's core is the land within reach of the towns it
holds; every other km² belongs, as nominal land, to the holder of the nearest
town of the same country, so the desert between two factions is split along
the line of equal distance.* Land whose nearest town has no known holder at
the date is land of unknown holder (faction ``"UNKNOWN"``).

The cells, cores and peripheries are fixed per place and computed once per
dataset: an epoch only relabels them (its controller per town), areas are
sums of precomputed areas, and a front is where two differently labelled
cells meet. For drawing, the labelled cells of each country are dissolved
and their boundaries smoothed as a coverage (Chaikin corner cutting of every
shared arc, the country's outline kept as it is), so front lines are
continuous curves without a staircase of cell corners and neighbouring
zones still share their edges exactly. A front is drawn solid (tier
``"core"``) where towns of both sides are within reach and dashed
(``"nominal"``) elsewhere.

Geometry is computed in a Lambert azimuthal equal-area projection centred on
the theatre (:data:`geodata.borders.EQUAL_AREA_CRS`), so areas are true and
distances near-true, and returned in EPSG:4326.

Modules, in the order the data flows:

- :mod:`.cells`: the fixed cells per town, split into core and nominal;
- :mod:`.smoothing`: smoothing a coverage's shared edges;
- :mod:`.epoch`: one epoch's zones and fronts (cells labelled and dissolved);
- :mod:`.layers`: :func:`territories`, :func:`front_lines`, :func:`territory_geojson`;
- :mod:`.areas`: :func:`area_split`, :func:`area_series`.

Caching: the cells are made once per dataset, and a country's zones are
reused when its towns are labelled as before. Whole epochs are cached where
they are shown (the dashboard), not here.
"""

from .areas import area_series, area_split
from .cells import DEFAULT_MAX_REACH_KM, DEFAULT_MIN_REACH_KM, DEFAULT_REACH_FACTOR, TIERS
from .layers import front_lines, territories, territory_geojson

__all__ = [
    "DEFAULT_MAX_REACH_KM",
    "DEFAULT_MIN_REACH_KM",
    "DEFAULT_REACH_FACTOR",
    "TIERS",
    "territories",
    "front_lines",
    "area_series",
    "area_split",
    "territory_geojson",
]
