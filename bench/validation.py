"""Validation benchmark: the portal's engine against frictionless' own
``validate()`` and a plain ``csv.reader`` pass, on the same CSV files and
Table Schema, side by side in one run (bench/README.md).

Each measurement runs in a fresh process, so that its peak memory (RSS) is
its own; each is repeated (``--repeat``, 3) and the fastest run counts,
since these machines are noisy. The files hold a few deliberate mistakes
(a type error, a blank row, a duplicate row, a missing cell); the
benchmark checks that the engine finds the same frictionless errors as
``validate()``, in the same order, with the same notes and cells (the
engine also runs the portal's statistical checks, which
frictionless has not: it does more, in less time).

    .venv/bin/python bench/validation.py                 # 10k, 100k, 1M rows
    .venv/bin/python bench/validation.py --sizes 10000   # a quick look
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = {"fields": [
    {"name": "tahun", "type": "year"},
    {"name": "kode_kecamatan", "type": "string", "codelist": "kecamatan"},
    {"name": "kecamatan", "type": "string", "codelist": "kecamatan:nama"},
    {"name": "jenis_kelamin", "type": "string"},
    {"name": "jumlah_penduduk", "type": "integer", "unit": "jiwa"},
    {"name": "luas_km2", "type": "number", "unit": "km2"},
]}
SIZES = (10_000, 100_000, 1_000_000)
MODES = ("csv.reader", "frictionless validate()", "engine")


def write_table(path: Path, rows: int) -> None:
    """A population table of ``rows`` rows with four mistakes in it."""
    sys.path.insert(0, str(ROOT / "ckanext-magetan"))
    from ckanext.magetan import codelists

    places = [(e["kemendagri_code"], e["name"])
              for e in codelists.load("kecamatan").entries]
    rng = random.Random(rows)
    mistakes = {rows // 5: "type", rows // 4: "blank", rows // 3: "duplicate",
                rows // 2: "missing"}
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([field["name"] for field in SCHEMA["fields"]])
        previous: list[Any] = []
        for number in range(rows):
            code, name = places[number % len(places)]
            row: list[Any] = [2024, code, name, "LP"[number % 2],
                              1000 + number, round(rng.uniform(10, 120), 2)]
            kind = mistakes.get(number)
            if kind == "type":
                row[4] = "dua ribu"
            elif kind == "blank":
                row = [""] * len(row)
            elif kind == "duplicate" and previous:
                row = previous
            elif kind == "missing":
                row = row[:-1]
            writer.writerow(row)
            previous = row


def measure(mode: str, path: str) -> dict[str, Any]:
    """One run of ``mode`` on ``path`` (in this process); imports and
    frictionless' one-time set-up (which the portal does at start-up,
    ``engine.warm_up``) are not timed."""
    sys.path.insert(0, str(ROOT / "ckanext-magetan"))
    import frictionless

    from ckanext.magetan.validation import checks, engine, source

    engine.warm_up()

    errors: list[list[Any]] = []
    started = time.perf_counter()
    if mode == "csv.reader":
        with open(path, newline="", encoding="utf-8") as f:
            rows = sum(1 for _ in csv.reader(f)) - 1
    elif mode == "frictionless validate()":
        # the same structural checks as the engine: baseline and
        # duplicate rows
        with frictionless.system.use_context(trusted=True):
            report = frictionless.Resource(
                path=path, schema=frictionless.Schema.from_descriptor(
                    SCHEMA)).validate(
                        frictionless.Checklist(checks=[
                            frictionless.checks.duplicate_row()]),
                        limit_errors=1000)
        task = report.tasks[0]
        rows = task.stats.get("rows")
        errors = [[e.type, getattr(e, "row_number", None),
                   getattr(e, "field_number", None), e.note,
                   getattr(e, "cells", None)] for e in task.errors]
    else:
        outcome = engine.validate_file(
            path, Path(path).name, "csv", SCHEMA, None, "utf-8",
            checks.Context(reference_period="2024", unit="jiwa"),
            source.Limits(max_bytes=2 ** 40, max_unzipped_bytes=2 ** 40))
        task = outcome.report["tasks"][0]
        rows = task["stats"].get("rows")
        errors = [[e["type"], e.get("rowNumber"), e.get("fieldNumber"),
                   e.get("note"), e.get("cells")]
                  for e in engine.errors_of(outcome.report)]
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"mode": mode, "rows": rows, "seconds": seconds,
            "peak_mb": peak_kib / 1024, "errors": errors}


def run_child(mode: str, path: Path, repeat: int) -> dict[str, Any]:
    """The fastest of ``repeat`` runs, each in a fresh process, with the
    highest peak memory of them."""
    results = []
    for _ in range(repeat):
        output = subprocess.run(
            [sys.executable, __file__, "--child", mode, str(path)],
            check=True, capture_output=True, text=True).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    best = min(results, key=lambda result: result["seconds"])
    return dict(best, peak_mb=max(r["peak_mb"] for r in results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each measurement (the fastest counts)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(*args.child)))
        return
    print(f"{'rows':>9}  {'mode':<24} {'seconds':>8} {'rows/s':>10} "
          f"{'peak MB':>8}  errors")
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = Path(folder) / f"penduduk-{size}.csv"
            write_table(path, size)
            results = {mode: run_child(mode, path, args.repeat)
                       for mode in MODES}
            # the same errors in the same order: type, row, column, note
            # and the row's cells
            plain = results["frictionless validate()"]["errors"]
            ours = [e for e in results["engine"]["errors"]
                    if not str(e[0]).startswith("magetan-")]
            for mode, result in results.items():
                rate = size / result["seconds"]
                print(f"{size:>9}  {mode:<24} {result['seconds']:>8.2f} "
                      f"{rate:>10,.0f} {result['peak_mb']:>8.0f}  "
                      f"{len(result['errors'])}")
            speedup = (results["frictionless validate()"]["seconds"]
                       / results["engine"]["seconds"])
            print(f"{size:>9}  engine vs validate(): {speedup:.2f}x, "
                  f"same frictionless errors: {plain == ours}")
            if plain != ours:
                print(f"           validate(): {plain[:5]}\n"
                      f"           engine: {ours[:5]}")


if __name__ == "__main__":
    main()
