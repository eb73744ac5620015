"""Score the report reader on the reports under tests/reports (see expected.json there).

Run ``python -m tests.reader_eval`` for the figures; tests/unit/test_reader.py
checks them against the targets.
"""

from __future__ import annotations

import json
from pathlib import Path

from geodata import load_builtin
from geodata.reader import read_report
from tests.paths import REPORTS


def _group(kind: str) -> str:
    return "change" if kind in ("capture", "loss") else kind


def _match(expected: dict, claim) -> bool:
    if claim.gazetteer_id != expected["place"] or _group(claim.kind) != _group(expected["kind"]):
        return False
    for key in ("controller", "previous"):
        if expected.get(key) and getattr(claim, key) != expected[key]:
            return False
    want, got = expected.get("date"), claim.date
    return not (want and got and not (got.startswith(want) or want.startswith(got)))


def evaluate(folder: Path = REPORTS, dataset=None) -> dict:
    """Place and claim recall and precision over one folder's reports."""
    dataset = dataset or load_builtin()
    spec = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    totals = {"places_expected": 0, "places_found": 0, "places_right": 0,
              "claims_expected": 0, "claims_found": 0, "claims_right": 0, "claims_extra": 0,
              "published_expected": 0, "published_right": 0}  # fmt: skip
    details = {}
    for name, want in spec.items():
        if name.startswith("_"):
            continue
        path = folder / want.get("file", f"{name}.txt")
        report = read_report(
            path.read_text(encoding="utf-8"), dataset, published=want.get("published_given")
        )
        found_places = {p.gazetteer_id for p in report.places}
        expected_places = set(want["places"])
        totals["places_expected"] += len(expected_places)
        totals["places_found"] += len(found_places)
        totals["places_right"] += len(found_places & expected_places)
        hit = [any(_match(e, c) for c in report.claims) for e in want["claims"]]
        relevant = [
            c for c in report.claims
            if not any(_match(e, c) for e in want.get("optional", []))
            or any(_match(e, c) for e in want["claims"])
        ]  # fmt: skip
        right = [c for c in relevant if any(_match(e, c) for e in want["claims"])]
        totals["claims_expected"] += len(want["claims"])
        totals["claims_right"] += sum(hit)
        totals["claims_found"] += len(relevant)
        totals["claims_extra"] += len(relevant) - len(right)
        if want.get("published"):
            totals["published_expected"] += 1
            totals["published_right"] += report.published == want["published"]
        details[name] = {
            "missed_places": sorted(expected_places - found_places),
            "extra_places": sorted(found_places - expected_places),
            "missed_claims": [e for e, h in zip(want["claims"], hit, strict=True) if not h],
            "extra_claims": [
                (c.gazetteer_id, c.kind, c.controller, c.previous, c.date)
                for c in relevant
                if c not in right
            ],  # fmt: skip
            "published": report.published,
        }
    t = totals
    t["place_recall"] = t["places_right"] / max(1, t["places_expected"])
    t["place_precision"] = t["places_right"] / max(1, t["places_found"])
    t["claim_recall"] = t["claims_right"] / max(1, t["claims_expected"])
    t["claim_precision"] = (t["claims_found"] - t["claims_extra"]) / max(1, t["claims_found"])
    return {"totals": t, "details": details}


if __name__ == "__main__":
    import sys

    folders = [REPORTS / a for a in sys.argv[1:]] or [REPORTS]
    for folder in folders:
        result = evaluate(folder)
        t = result["totals"]
        print(
            f"{folder.name}: places recall {t['place_recall']:.0%} "
            f"precision {t['place_precision']:.0%}; claims recall {t['claim_recall']:.0%} "
            f"precision {t['claim_precision']:.0%} ({t['claims_right']}/{t['claims_expected']} "
            f"found, {t['claims_extra']} extra of {t['claims_found']}); "
            f"published {t['published_right']}/{t['published_expected']}"
        )
        for name, d in result["details"].items():
            if d["missed_places"] or d["extra_places"] or d["missed_claims"] or d["extra_claims"]:
                print(" ", name, json.dumps(d, ensure_ascii=False))
