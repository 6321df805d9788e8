"""Side-by-side table of package_search benchmark results (Markdown).

    .venv/bin/python bench/compare.py --size 10000 \
        bench/results/pgindex-….json bench/results/pgindex-uncached-….json \
        --baseline bench/results/pgsearch-….json

For each query kind and each result file: p50 / p95 with six facets and
without, and issue 8's two ratios at p95:

* facets ÷ no facets: the time six facets add, over the time of the same
  query without them (target: at most 1);
* baseline ÷ this: how many times faster than the baseline backend
  (target: at least 5); the baseline's own facet figures are used.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

NO_FACETS = " (no facets)"


def load(path: Path, size: str) -> tuple[str, dict[str, Any]]:
    report = json.loads(path.read_text())
    return report["label"], report["sizes"][size]


def cell(entry: dict[str, float]) -> str:
    return f"{entry['p50']:.1f} / {entry['p95']:.1f}"


def table(size: str, runs: list[Path], baseline: Path) -> str:
    base_label, base = load(baseline, size)
    loaded = [load(path, size) for path in runs]
    head = ["Query", "hits"]
    for label, _ in loaded:
        head += [f"{label}: 6 facets p50 / p95", f"{label}: no facets",
                 f"{label}: facets ÷ no facets", f"{base_label} ÷ {label}"]
    head += [f"{base_label}: hits", f"{base_label}: p50 / p95"]
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|"]
    first = loaded[0][1]["queries"]
    for name in [n for n in first if not n.endswith(NO_FACETS)]:
        row = [name, str(first[name]["count"])]
        for _, entry in loaded:
            faceted = entry["queries"][name]
            plain = entry["queries"][name + NO_FACETS]
            added = (faceted["p95"] - plain["p95"]) / plain["p95"]
            speedup = base["queries"][name]["p95"] / faceted["p95"]
            row += [cell(faceted), cell(plain), f"{added:.2f}",
                    f"{speedup:.1f}×"]
        row += [str(base["queries"][name]["count"]),
                cell(base["queries"][name])]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", type=Path, nargs="+")
    parser.add_argument("--baseline", type=Path, required=True)
    parser.add_argument("--size", required=True)
    args = parser.parse_args()
    print(table(args.size, args.runs, args.baseline))


if __name__ == "__main__":
    main()
