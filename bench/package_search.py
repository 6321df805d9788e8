"""Benchmark of package_search on the PostgreSQL backend (and a comparison).

Run it with ``make bench`` (see bench/README.md). It grows one benchmark
database to each size, indexes it with ``ckan pgindex rebuild`` and
times package_search through CKAN's action layer, with six facets on and
with none,
anonymously and as a member of two OPDs that own private datasets.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FACETS = ["organization", "groups", "tags", "res_format", "license_id",
          "periodicity"]
QUERIES: dict[str, dict[str, Any]] = {
    "text: penduduk": {"q": "penduduk"},
    'text: "angka kematian"': {"q": '"angka kematian"'},
    "text: padi produksi": {"q": "padi produksi"},
    "fq: organization": {"fq": "organization:opd-03"},
    "fq: tag AND format": {"fq": 'tags:"data demo" AND res_format:CSV'},
    "fq: modified range": {"fq": "metadata_modified:[2024-01-01T00:00:00Z TO *]"},
    "fq: -organization": {"fq": "-organization:opd-03"},
    "all, newest first": {"sort": "metadata_modified desc"},
}
ORGS = [f"opd-{i:02d}" for i in range(20)]
GROUPS = ["geografi-iklim", "pemerintahan", "penduduk-ketenagakerjaan",
          "pendidikan", "kesehatan", "perlindungan-sosial", "pertanian",
          "industri-perdagangan", "pariwisata", "transportasi-komunikasi"]
TOPICS = [
    ("Jumlah Penduduk", "penduduk", "jiwa"),
    ("Angka Kematian Bayi", "kematian", "per 1.000 kelahiran"),
    ("Angka Kematian Ibu", "kematian", "per 100.000 kelahiran"),
    ("Produksi Padi", "padi", "ton"),
    ("Luas Panen Padi", "padi", "ha"),
    ("Produksi Jagung", "jagung", "ton"),
    ("Jumlah Sekolah", "sekolah", "unit"),
    ("Angka Partisipasi Murni", "pendidikan", "persen"),
    ("Jumlah Kunjungan Wisatawan", "wisatawan", "orang"),
    ("Panjang Jalan", "jalan", "km"),
    ("Jumlah UMKM", "umkm", "unit usaha"),
    ("Prevalensi Stunting", "gizi", "persen"),
    ("Volume Sampah Terangkut", "sampah", "ton"),
    ("Jumlah Pencari Kerja", "tenaga kerja", "orang"),
    ("Populasi Ternak", "ternak", "ekor"),
]
KECAMATAN = ["Poncol", "Parang", "Lembeyan", "Takeran", "Kawedanan",
             "Magetan", "Plaosan", "Panekan", "Sukomoro", "Bendo", "Maospati",
             "Barat", "Karangrejo", "Karas", "Kartoharjo", "Ngariboyo",
             "Nguntoronadi", "Sidorejo"]
TAGS = ["data demo", "statistik sektoral", "kecamatan", "tahunan", "bulanan",
        *[f"topik-{i}" for i in range(150)]]
PERIODICITY = ["tahunan", "semesteran", "triwulanan", "bulanan"]
LICENSES = ["cc-by", "cc-by-sa", "odc-by", "cc-zero"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * len(ordered))) - 1)]


# ---------------------------------------------------------------------------
# data

def ensure_base(ctx_user: str) -> dict[str, Any]:
    """Organizations, groups and the two benchmark users (idempotent)."""
    import ckan.model as model
    from ckan.logic import NotFound, get_action

    context = {"user": ctx_user, "ignore_auth": True}
    ids = {}
    for name in ORGS:
        try:
            org = get_action("organization_show")(context.copy(), {"id": name})
        except NotFound:
            org = get_action("organization_create")(
                context.copy(), {"name": name, "title": f"OPD {name[-2:]}"})
        ids[name] = org["id"]
    for name in GROUPS:
        try:
            get_action("group_show")(context.copy(), {"id": name})
        except NotFound:
            get_action("group_create")(context.copy(), {"name": name})
        ids[name] = model.Group.get(name).id
    if model.User.get("bench-member") is None:
        get_action("user_create")(context.copy(), {
            "name": "bench-member", "email": "bench@example.invalid",
            "password": "bench-password-1"})
    for org in ORGS[:2]:
        get_action("organization_member_create")(context.copy(), {
            "id": org, "username": "bench-member", "role": "editor"})
    return ids


def generate(count: int, start: int, ids: dict[str, str],
             creator_id: str) -> None:
    """Insert ``count`` realistic datasets straight into CKAN's tables."""
    import sqlalchemy as sa

    import ckan.model as model

    rng = random.Random(start)
    tag_ids = {}
    for name in TAGS:
        tag = model.Tag.by_name(name)
        if tag is None:
            tag = model.Tag(name=name)
            model.Session.add(tag)
            model.Session.flush()
        tag_ids[name] = tag.id
    packages, resources, package_tags, members = [], [], [], []
    epoch = datetime(2020, 1, 1)
    for number in range(start, start + count):
        topic, keyword, unit = TOPICS[number % len(TOPICS)]
        kecamatan = KECAMATAN[number % len(KECAMATAN)]
        year = 2015 + number % 11
        org = ORGS[number % len(ORGS)]
        package_id = str(uuid.UUID(int=rng.getrandbits(128)))
        modified = epoch + timedelta(minutes=rng.randrange(0, 6 * 525600))
        packages.append({
            "id": package_id, "name": f"bench-{number:06d}",
            "title": f"{topic} Kecamatan {kecamatan} {year}",
            "notes": (f"Data demo: {topic.lower()} di Kecamatan {kecamatan}, "
                      f"Kabupaten Magetan, tahun {year}. Nilai {keyword} "
                      "dihimpun oleh OPD dan diverifikasi Walidata."),
            "type": "dataset", "state": "active", "owner_org": ids[org],
            "private": number % 10 == 0, "license_id": rng.choice(LICENSES),
            "metadata_created": modified - timedelta(days=30),
            "metadata_modified": modified, "creator_user_id": creator_id,
            "extras": {
                "indicator_code": f"IND-{number:06d}",
                "unit": unit, "periodicity": rng.choice(PERIODICITY),
                "data_source": f"OPD {org[-2:]}"},
        })
        for position in range(1 + number % 3):
            fmt = "CSV" if position == 0 else rng.choice(["XLSX", "PDF", "CSV"])
            resources.append({
                "id": str(uuid.UUID(int=rng.getrandbits(128))),
                "package_id": package_id, "position": position,
                "url": f"http://example.invalid/{number}/{position}.{fmt.lower()}",
                "format": fmt, "name": f"Tabel {topic} {year}",
                "description": f"Rekap {keyword} per desa", "state": "active",
                "created": modified, "metadata_modified": modified,
                "url_type": "", "extras": "{}"})
        for tag in {"data demo", keyword if keyword in tag_ids else "kecamatan",
                    *rng.sample(TAGS[5:], 2)}:
            if tag not in tag_ids:
                continue
            package_tags.append({"id": str(uuid.uuid4()),
                                 "package_id": package_id,
                                 "tag_id": tag_ids[tag], "state": "active"})
        for group in {GROUPS[number % len(GROUPS)], rng.choice(GROUPS)}:
            members.append({"id": str(uuid.uuid4()), "group_id": ids[group],
                            "table_id": package_id, "table_name": "package",
                            "capacity": "public", "state": "active"})
    model.Session.execute(sa.insert(model.package_table), packages)
    model.Session.execute(sa.insert(model.resource_table), resources)
    model.Session.execute(sa.insert(model.package_tag_table), package_tags)
    model.Session.execute(sa.insert(model.member_table), members)
    model.Session.commit()


def dataset_count() -> int:
    import ckan.model as model
    return model.Session.query(model.Package).filter(
        model.Package.name.like("bench-%")).count()


# ---------------------------------------------------------------------------
# measuring

def time_queries(iterations: int) -> dict[str, dict[str, float]]:
    from ckan.logic import get_action

    results = {}
    for user in ("", "bench-member"):
        for (label, params), facets in [(q, f) for q in QUERIES.items()
                                        for f in (FACETS, [])]:
            extra = {"include_private": True} if user else {}
            data = dict(params, **extra, **{"facet.field": facets})
            if not facets:
                label = f"{label} (no facets)"
            timings = []
            count = 0
            for run in range(iterations + 3):
                started = time.perf_counter()
                result = get_action("package_search")(
                    {"user": user}, dict(data))
                elapsed = (time.perf_counter() - started) * 1000
                count = result["count"]
                if run >= 3:  # warm-up runs are not counted
                    timings.append(elapsed)
            results[f"{'member' if user else 'anonymous'} | {label}"] = {
                "count": count, "p50": statistics.median(timings),
                "p95": percentile(timings, 0.95)}
    return results


def rebuild(ini: Path) -> float:
    """Seconds of a full rebuild of the index, in a process of its own.

    With pgindex, its own rebuild (batched, and recording the index's
    format and facet allow-list); then this process, which started before
    the rebuild, reads what was recorded, as a restarted server would.
    """
    ckan = Path(sys.executable).with_name("ckan")
    uses_pgindex = "pgindex" in ini.read_text()
    words = (["pgindex", "rebuild", "-q"] if uses_pgindex
             else ["search-index", "rebuild"])
    started = time.perf_counter()
    subprocess.run([str(ckan), "-c", str(ini), *words], check=True)
    elapsed = time.perf_counter() - started
    if uses_pgindex:
        import ckan.model as model
        from ckanext.pgindex import status
        model.Session.rollback()
        with model.meta.engine.begin() as connection:
            state = status.check(connection)
        if state.problems:
            raise SystemExit("The rebuild left the index needing work: "
                             + "; ".join(state.problems))
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ini", type=Path, required=True)
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--queries-only", action="store_true",
                        help="time the queries on the data already there")
    parser.add_argument("--label", default="pgindex")
    parser.add_argument("--no-cache", action="store_true",
                        help="turn pgindex's summary cache off, so that "
                        "every run is a first search")
    parser.add_argument("--out", type=Path,
                        default=ROOT / "bench" / "results")
    args = parser.parse_args()

    from ckan.cli import load_config
    if "pgsearch" in Path(args.ini).read_text():
        # GSA's pgsearch reports Solr as available, which makes CKAN fetch
        # a Solr schema at start-up; that check must not run for it.
        import ckan.lib.search
        ckan.lib.search.check_solr_schema_version = lambda *a, **k: False
    from ckan.config.middleware import make_app

    settings = load_config(str(args.ini))
    if args.no_cache:
        settings["ckanext.pgindex.cache_size"] = 0
    app = make_app(settings)
    args.out.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"label": args.label, "sizes": {}}
    with app._wsgi_app.test_request_context():
        import ckan.model as model
        from ckan.logic import get_action

        site_user = get_action("get_site_user")({"ignore_auth": True}, {})
        for size in [int(s) for s in args.sizes.split(",")]:
            entry: dict[str, Any] = {}
            if not args.queries_only:
                ids = ensure_base(site_user["name"])
                have = dataset_count()
                creator = model.User.get(site_user["name"]).id
                while have < size:
                    batch = min(2000, size - have)
                    generate(batch, have, ids, creator)
                    have += batch
                    print(f"  generated {have}/{size}", file=sys.stderr)
                entry["rebuild_seconds"] = rebuild(args.ini)
            entry["datasets"] = dataset_count()
            entry["queries"] = time_queries(args.iterations)
            report["sizes"][str(size)] = entry
            print(json.dumps({str(size): entry}, indent=1))
            if args.queries_only:
                break
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (args.out / f"{args.label}-{stamp}.json").write_text(
        json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
