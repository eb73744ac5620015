"""Run every benchmark, print a table and write bench/RESULTS.md."""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import traceback
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).parent


@dataclass
class Results:
    rows: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def add(self, name, value, unit, target, met):
        self.rows.append((name, value, unit, target, met))
        shown = f"{value:,.2f} {unit}" if isinstance(value, float | int) else str(value)
        flag = "" if met is None else ("  ok" if met else "  MISSED")
        print(f"{name:<66} {shown:>14}  {target}{flag}", flush=True)

    def markdown(self) -> str:
        lines = ["| benchmark | result | target | met |", "|---|---|---|---|"]
        for name, value, unit, target, met in self.rows:
            shown = f"{value:,.2f} {unit}" if isinstance(value, float | int) else str(value)
            mark = "" if met is None else ("yes" if met else "**no**")
            lines.append(f"| {name.strip()} | {shown} | {target} | {mark} |")
        return "\n".join(lines)


def machine() -> str:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    chromium = "absent"
    if os.path.exists("/usr/bin/chromium"):
        proc = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True)
        chromium = proc.stdout.strip()
    versions = ", ".join(
        f"{name} {metadata.version(name)}"
        for name in ("pandas", "geopandas", "shapely", "streamlit", "streamlit-folium", "folium")
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    git = ["git", "-C", str(HERE.parent)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "app.py", "dashboard", "geodata"],
        capture_output=True,
        text=True,
    )
    code = f"commit {commit.stdout.strip() or 'unknown'}" + (
        " with uncommitted changes to the app" if dirty.stdout.strip() else ""
    )
    return (
        f"- CPU: {cpu}, {os.cpu_count()} cores; memory {mem}; load average {load} "
        "(1, 5, 15 min) at the start\n"
        f"- {platform.platform()}; Python {platform.python_version()}\n"
        f"- {versions}; {chromium}\n"
        f"- code: {code}"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", nargs="*", help="sections: core export browser load compare")
    args = parser.parse_args(argv)
    sections = set(args.only or ["core", "export", "browser", "load", "compare"])
    results = Results()
    header = machine()  # before the sections: the load average at the start
    print(f"{'benchmark':<66} {'result':>14}  target")
    failed = False

    def section(name, run):
        # A failing section is reported and the others still run; the file is always written.
        nonlocal failed
        if name not in sections:
            return
        try:
            run()
        except Exception as error:  # noqa: BLE001
            failed = True
            results.add(f"{name}: FAILED", type(error).__name__, "", "runs", False)
            results.notes.append(f"Section {name} failed: {type(error).__name__}: {error}"[:600])
            traceback.print_exc()

    def core():
        from .core import state_benchmarks, territory_benchmarks

        state_benchmarks(results)
        territory_benchmarks(results)

    def export():
        from .export import export_benchmarks

        export_benchmarks(results)

    def browser():
        from .browser import browser_benchmarks

        browser_benchmarks(results)

    def load():
        from .load import load_benchmarks

        load_benchmarks(results)

    def compare():
        from .compare import compare_benchmarks

        compare_benchmarks(results)

    section("core", core)
    section("export", export)
    section("browser", browser)
    section("load", load)
    section("compare", compare)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    results.notes.append(
        f"Load average at the end: {load} (1, 5, 15 min). Timings are wall-clock on a shared "
        "machine: a load above the number of cores means other processes competed for it."
    )
    text = (
        "# Benchmark results\n\nWritten by `make bench` (`python -m bench`). Machine:\n\n"
        f"{header}\n\n{results.markdown()}\n"
    )
    if results.notes:
        text += "\n## Notes\n\n" + "\n".join(f"- {n}" for n in results.notes) + "\n"
    # A partial run (--only) must not replace the full run's RESULTS.md.
    path = HERE / "RESULTS.md" if args.only is None else HERE / "out" / "RESULTS-partial.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    print(f"\nwritten {path}")
    missed = [r for r in results.rows if r[4] is False]
    return 1 if failed or (missed and os.environ.get("BENCH_STRICT")) else 0


if __name__ == "__main__":
    sys.exit(main())
