"""Memory of the running portal stack after warm-up (PSS, per component).

Run `make run` in another terminal, then:

    .venv/bin/python bench/stack_memory.py [--url http://127.0.0.1:5000]

It requests every kind of page and API call a few times (loopback only,
bounded), then sums the proportional set size (PSS, from
/proc/<pid>/smaps_rollup, so shared pages are not counted twice) of the
web server, the job worker, PostgreSQL and Redis.
"""
from __future__ import annotations

import argparse
import sys
import urllib.request
from pathlib import Path

WARM_UP = [
    "/", "/dataset/", "/dataset/?q=penduduk", "/dataset/?tags=padi",
    "/organization/", "/organization/dinkes", "/group/", "/group/kesehatan",
    "/dataset/jumlah-penduduk-menurut-kecamatan-dan-jenis-kelamin",
    "/api/3/action/package_search?q=produksi&facet.field=[\"tags\"]",
    "/api/3/action/package_search?fq=organization:dinkes&rows=100",
    "/api/3/action/package_show?id=produksi-jagung-menurut-kecamatan",
    "/api/3/action/organization_list?all_fields=true",
]
COMPONENTS = {
    "web (ckan run)": lambda cmd: "ckan" in cmd and " run " in f"{cmd} ",
    "worker (ckan jobs worker)": lambda cmd: "jobs worker" in cmd,
    "PostgreSQL": lambda cmd: cmd.startswith("postgres") or "/postgres " in cmd,
    "Redis": lambda cmd: "redis-server" in cmd,
}


def pss_kib(pid: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def command_line(pid: str) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5000")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    for _ in range(args.rounds):
        for path in WARM_UP:
            with urllib.request.urlopen(args.url + path, timeout=30) as r:
                r.read()
    totals = {name: [0, 0] for name in COMPONENTS}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        cmd = command_line(entry.name)
        for name, matches in COMPONENTS.items():
            if cmd and matches(cmd):
                totals[name][0] += pss_kib(entry.name)
                totals[name][1] += 1
                break
    print("| Component | Processes | PSS (MiB) |")
    print("|---|---:|---:|")
    for name, (kib, count) in totals.items():
        print(f"| {name} | {count} | {kib / 1024:.0f} |")
    print(f"| **whole stack** | {sum(c for _, c in totals.values())} | "
          f"{sum(k for k, _ in totals.values()) / 1024:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
