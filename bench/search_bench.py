"""package_search benchmark of ckanext-magetan's PostgreSQL search backend.

    .venv/bin/python bench/search_bench.py --sizes 1000,10000,50000
    .venv/bin/python bench/search_bench.py --quick

See bench/README.md. One benchmark database (never the demo or test
database) is grown 1,000 -> 10,000 -> 50,000 datasets by bulk INSERTs into
CKAN's own tables; at each size the script times ``ckan search-index
rebuild``, times ``package_search`` through CKAN's action layer (6 facets,
free text and fq filters, anonymous and as a member of 2 OPDs), captures
EXPLAIN ANALYZE of the backend's SQL, and measures the memory of a running
stack (web process, job worker, PostgreSQL, Redis) after warm-up.

Internal sub-commands, each run in a process of its own so that every
backend/plugin list gets a fresh CKAN: ``generate``, ``measure``,
``explain``, ``memory``; ``compare A.json B.json`` prints two result files
side by side.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
DEMO = ROOT / "ckanext-magetan" / "ckanext" / "magetan" / "demo"
VENV_BIN = ROOT / ".venv" / "bin"
PSQL_BIN = "/usr/lib/postgresql/15/bin/psql"

DEFAULT_DB = "ckan_magetan_searchbench"
DEFAULT_PG_PORT = 54329
DEFAULT_REDIS = "redis://127.0.0.1:63799/3"   # demo 0, tests 1, make bench 2
NEVER_TOUCH = {"ckan_magetan", "ckan_magetan_test"}

FACETS = ["organization", "groups", "tags", "res_format", "license_id",
          "periodicity"]
ROWS = 20  # what the /dataset page asks for
QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("q=penduduk", {"q": "penduduk"}),
    ('q="angka kematian"', {"q": '"angka kematian"'}),
    ("q=padi produksi", {"q": "padi produksi"}),
    ("fq=organization:dinkes", {"fq": "organization:dinkes"}),
    ('fq=tags:"data demo" AND res_format:CSV',
     {"fq": 'tags:"data demo" AND res_format:CSV'}),
    ("fq=metadata_modified:[2024-01-01T00:00:00Z TO *]",
     {"fq": "metadata_modified:[2024-01-01T00:00:00Z TO *]"}),
    ("fq=-organization:dinkes", {"fq": "-organization:dinkes"}),
    ("q=penduduk + fq=organization:dispendukcapil",
     {"q": "penduduk", "fq": "organization:dispendukcapil"}),
    ("all (no q), newest first", {"sort": "metadata_modified desc"}),
]
MEMBER = "bench-anggota"
MEMBER_ORGS = ["dinkes", "dispertan"]  # both own private datasets

# 7 OPDs beyond the 13 of the demo portal, so that there are 20.
EXTRA_ORGS = [
    ("bappeda", "Badan Perencanaan Pembangunan Daerah"),
    ("bpbd", "Badan Penanggulangan Bencana Daerah"),
    ("dpmptsp", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"),
    ("diskopum", "Dinas Koperasi dan Usaha Mikro"),
    ("dinperpusip", "Dinas Perpustakaan dan Kearsipan"),
    ("satpolpp", "Satuan Polisi Pamong Praja"),
    ("bapenda", "Badan Pendapatan Daerah"),
]
# Indicators beyond the demo's 36 (titles for the extra OPDs, and the
# wordings the benchmark's free-text queries look for).
EXTRA_INDICATORS = [
    ("Angka Kematian Bayi menurut Kecamatan", "dinkes", ["kesehatan"],
     ["AKB", "kematian bayi"], "per 1.000 kelahiran hidup"),
    ("Angka Kematian Ibu Melahirkan", "dinkes", ["kesehatan"],
     ["AKI", "kematian ibu"], "per 100.000 kelahiran hidup"),
    ("Angka Harapan Hidup", "dinkes", ["kesehatan"], ["harapan hidup"],
     "tahun"),
    ("Produksi Padi Sawah dan Padi Ladang", "dispertan", ["pertanian"],
     ["padi", "produksi"], "ton GKG"),
    ("Produktivitas Padi menurut Kecamatan", "dispertan", ["pertanian"],
     ["padi", "produktivitas"], "kuintal/ha"),
    ("Realisasi Belanja Pembangunan menurut Urusan", "bappeda",
     ["pemerintahan"], ["APBD", "pembangunan"], "rupiah"),
    ("Indeks Pembangunan Manusia", "bappeda", ["penduduk-ketenagakerjaan"],
     ["IPM", "pembangunan manusia"], "indeks"),
    ("Jumlah Kejadian Bencana menurut Jenis", "bpbd", ["geografi-iklim"],
     ["bencana", "banjir", "tanah longsor"], "kejadian"),
    ("Jumlah Izin Usaha yang Diterbitkan", "dpmptsp",
     ["industri-perdagangan"], ["perizinan", "investasi"], "izin"),
    ("Nilai Realisasi Investasi", "dpmptsp", ["industri-perdagangan"],
     ["investasi", "PMDN"], "rupiah"),
    ("Jumlah Koperasi Aktif menurut Kecamatan", "diskopum",
     ["industri-perdagangan"], ["koperasi", "UMKM"], "unit"),
    ("Jumlah Pengunjung Perpustakaan Daerah", "dinperpusip",
     ["pendidikan"], ["perpustakaan", "literasi"], "orang"),
    ("Jumlah Pelanggaran Peraturan Daerah", "satpolpp", ["pemerintahan"],
     ["perda", "ketertiban umum"], "kasus"),
    ("Realisasi Pendapatan Asli Daerah menurut Jenis", "bapenda",
     ["pemerintahan"], ["PAD", "pajak daerah"], "rupiah"),
    ("Jumlah Penduduk Miskin", "bappeda", ["perlindungan-sosial"],
     ["kemiskinan", "penduduk"], "jiwa"),
]
KECAMATAN = ["Poncol", "Parang", "Lembeyan", "Takeran", "Kawedanan",
             "Magetan", "Plaosan", "Panekan", "Sukomoro", "Bendo",
             "Maospati", "Barat", "Karangrejo", "Karas", "Kartoharjo",
             "Ngariboyo", "Nguntoronadi", "Sidorejo"]
BREAKDOWNS = ["", "menurut Kecamatan", "menurut Desa/Kelurahan",
              "menurut Bulan", "menurut Jenis Kelamin", "menurut Kelompok Umur",
              "menurut Triwulan"]
PERIODICITY = [("tahunan", 0.6), ("bulanan", 0.15), ("triwulanan", 0.15),
               ("semesteran", 0.1)]
LICENSES = [("cc-by", 0.7), ("cc-by-sa", 0.1), ("odc-by", 0.08),
            ("cc-zero", 0.07), ("other-open", 0.05)]
SYLLABLES = ["ka", "ra", "wa", "sa", "ngi", "ma", "to", "re", "jo", "so",
             "lo", "pan", "ti", "gu", "ban", "du", "se", "kar", "mo", "ha"]


def say(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", file=sys.stderr,
          flush=True)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 40 samples = the 38th smallest)."""
    ordered = sorted(values)
    rank = max(1, int(-(-share * len(ordered) // 1)))  # ceil
    return ordered[min(rank, len(ordered)) - 1]


def ckan_bin() -> Path:
    path = VENV_BIN / "ckan"
    return path if path.exists() else Path(sys.executable).with_name("ckan")


# ---------------------------------------------------------------------------
# configuration and database

def secrets() -> dict[str, str]:
    return json.loads((ROOT / "var" / "secrets.json").read_text())


def pg_socket_dir() -> Path:
    return (ROOT / "var" / "postgres").resolve() / "run"


def psql_admin(args: argparse.Namespace, sql: str,
               database: str = "postgres") -> str:
    cmd = [PSQL_BIN, "-h", str(pg_socket_dir()), "-p", str(args.pg_port),
           "-U", "postgres", "-d", database, "-tAX", "-v", "ON_ERROR_STOP=1",
           "-c", sql]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"psql failed ({sql!r}): {out.stderr.strip()}")
    return out.stdout.strip()


def ensure_database(args: argparse.Namespace) -> None:
    if args.db in NEVER_TOUCH:
        raise SystemExit(f"refusing to use database {args.db}")
    exists = psql_admin(
        args, f"SELECT 1 FROM pg_database WHERE datname = '{args.db}'")
    if exists and args.reset:
        say(f"dropping database {args.db} (--reset)")
        psql_admin(args, f"DROP DATABASE {args.db} WITH (FORCE)")
        exists = ""
    if not exists:
        say(f"creating database {args.db}")
        psql_admin(args, f"CREATE DATABASE {args.db} OWNER ckan_magetan "
                         "ENCODING 'UTF8' TEMPLATE template0")


INI_TEMPLATE = """\
# Written by bench/search_bench.py; regenerated on every run.
[DEFAULT]
debug = false

[app:main]
use = egg:ckan
SECRET_KEY = {secret}
WTF_CSRF_SECRET_KEY = string:%(SECRET_KEY)s
api_token.jwt.encode.secret = string:%(SECRET_KEY)s
api_token.jwt.decode.secret = string:%(SECRET_KEY)s
ckan.site_url = http://127.0.0.1:{port}
ckan.site_id = magetan-bench
ckan.site_title = Satu Data Kabupaten Magetan (benchmark)
sqlalchemy.url = {url}
ckan.redis.url = {redis}
ckan.storage_path = {storage}
solr_url = http://127.0.0.1:8983/solr/ckan-not-used
ckan.plugins = {plugins}
ckanext.magetan.search.backend = postgresql
scheming.dataset_schemas = ckanext.magetan.schemas:indikator.yaml
scheming.presets = ckanext.scheming:presets.json
ckan.locale_default = id
ckan.locales_offered = id en
ckan.auth.create_user_via_web = false
search.facets.limit = 50
{extra}
[loggers]
keys = root, ckan, ckanext

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[logger_ckan]
qualname = ckan
handlers =
level = WARNING

[logger_ckanext]
qualname = ckanext
handlers = console
level = WARNING

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s
"""


def write_ini(args: argparse.Namespace, name: str, plugins: str,
              extra: list[str]) -> Path:
    keys = secrets()
    url = args.sqlalchemy_url or (
        f"postgresql://ckan_magetan:{urllib.parse.quote(keys['db_password'])}"
        f"@127.0.0.1:{args.pg_port}/{args.db}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    storage = RESULTS / "storage"
    storage.mkdir(exist_ok=True)
    ini = RESULTS / f"{name}.ini"
    ini.write_text(INI_TEMPLATE.format(
        secret=keys["secret_key"], url=url, redis=args.redis_url,
        storage=storage, plugins=plugins, port=args.web_port,
        extra="\n".join(extra)))
    ini.chmod(0o600)
    return ini


def ckan_app(ini: Path):
    """A CKAN app for ``ini`` and a request context to run actions in."""
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    if "pgsearch" in ini.read_text():
        # a backend that claims Solr would make CKAN check a Solr schema
        import ckan.lib.search
        ckan.lib.search.check_solr_schema_version = lambda *a, **k: False
    app = make_app(load_config(str(ini)))
    return app, app._wsgi_app.test_request_context()


# ---------------------------------------------------------------------------
# generating datasets

def load_topics() -> tuple[list[dict[str, Any]], list[tuple[str, str]],
                           list[tuple[str, str]]]:
    import yaml
    portal = yaml.safe_load((DEMO / "portal.yaml").read_text())
    indicators = yaml.safe_load((DEMO / "indicators.yaml").read_text())
    orgs = [(o["name"], o["title"]) for o in portal["organizations"]]
    orgs += EXTRA_ORGS
    groups = [(g["name"], g["title"]) for g in portal["groups"]]
    topics = [{"title": i["title"], "org": i["org"], "groups": i["groups"],
               "tags": [str(t) for t in i["tags"]], "unit": str(i["unit"]),
               "notes": i["notes"]}
              for i in indicators["indicators"]]
    for title, org, grps, tags, unit in EXTRA_INDICATORS:
        topics.append({"title": title, "org": org, "groups": grps,
                       "tags": tags, "unit": unit,
                       "notes": f"Data {title.lower()} Kabupaten Magetan "
                                "yang dihimpun oleh OPD pengampu."})
    return topics, orgs, groups


def weighted(rng: random.Random, pairs: list[tuple[str, float]]) -> str:
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def ensure_base(orgs: list[tuple[str, str]], groups: list[tuple[str, str]]
                ) -> dict[str, str]:
    """20 OPDs, the sectors and the member account, through CKAN's actions."""
    import ckan.model as model
    from ckan.logic import NotFound, get_action

    site_user = get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    ids = {"__site_user": model.User.get(site_user["name"]).id}
    for kind, items in (("organization", orgs), ("group", groups)):
        for name, title in items:
            try:
                ids[name] = get_action(f"{kind}_show")(
                    dict(context), {"id": name})["id"]
            except NotFound:
                ids[name] = get_action(f"{kind}_create")(
                    dict(context), {"name": name, "title": title})["id"]
    if model.User.get(MEMBER) is None:
        get_action("user_create")(dict(context), {
            "name": MEMBER, "email": "anggota@bench.invalid",
            "fullname": "Anggota dua OPD (benchmark)",
            "password": "Benchmark-2026!"})
    for org in MEMBER_ORGS:
        get_action("organization_member_create")(dict(context), {
            "id": org, "username": MEMBER, "role": "member"})
    return ids


def generate(ini: Path, target: int, seed: int = 2026) -> dict[str, Any]:
    """Grow the database to ``target`` benchmark datasets with bulk INSERTs."""
    import sqlalchemy as sa

    app, ctx = ckan_app(ini)
    with ctx:
        import ckan.model as model

        topics, orgs, groups = load_topics()
        ids = ensure_base(orgs, groups)
        have = model.Session.execute(sa.text(
            "SELECT count(*) FROM package WHERE name LIKE 'b-%'")).scalar()
        if have >= target:
            return {"generated": 0, "datasets": have, "seconds": 0.0}
        started = time.perf_counter()

        rng = random.Random(f"{seed}-{have}")
        # The long tail of tags: desa names and one-off keywords.
        tail = sorted({"".join(rng.choice(SYLLABLES)
                               for _ in range(rng.randint(2, 4)))
                       for _ in range(2500)})
        tag_names = {"data demo", *(t for topic in topics
                                    for t in topic["tags"]),
                     *(f"kecamatan {k.lower()}" for k in KECAMATAN),
                     *(str(y) for y in range(2010, 2026)),
                     *(f"desa {t}" for t in tail)}
        existing = dict(model.Session.execute(sa.text(
            "SELECT name, id FROM tag")).all())
        new_tags = [{"id": str(uuid.uuid4()), "name": n, "vocabulary_id": None}
                    for n in sorted(tag_names - set(existing))]
        if new_tags:
            model.Session.execute(sa.insert(model.tag_table), new_tags)
        tag_ids = {**existing, **{t["name"]: t["id"] for t in new_tags}}
        tail_tags = [f"desa {t}" for t in tail]
        org_titles = dict(orgs)
        extra_orgs = [o for o, _ in EXTRA_ORGS]

        chunk = 5000
        number = have
        while number < target:
            packages, resources, package_tags, members = [], [], [], []
            for number in range(number, min(target, number + chunk)):
                topic = topics[rng.randrange(len(topics))]
                year = rng.randint(2010, 2025)
                kec = rng.choice(KECAMATAN)
                breakdown = rng.choice(BREAKDOWNS)
                if rng.random() < 0.35:
                    title = f"{topic['title']} di Kecamatan {kec} Tahun {year}"
                else:
                    title = f"{topic['title']} {breakdown} Tahun {year}"
                title = re.sub(r"\s+", " ", title)
                # most datasets are published by the topic's OPD
                org = topic["org"] if rng.random() < 0.85 else rng.choice(
                    [o for o, _ in orgs] if rng.random() < 0.5 else extra_orgs)
                pid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                modified = datetime(2019, 1, 1) + timedelta(
                    seconds=rng.randrange(0, int(7.8 * 365 * 86400)))
                created = modified - timedelta(
                    days=rng.randint(0, 400), seconds=rng.randrange(86400))
                period = weighted(rng, PERIODICITY)
                notes = (
                    f"{topic['notes']} Data tahun {year} untuk "
                    f"{'Kecamatan ' + kec if 'Kecamatan' in title else 'Kabupaten Magetan'}"
                    f", disajikan {period} oleh {org_titles[org]} dan "
                    "diverifikasi oleh Walidata (Diskominfo). "
                    + rng.choice([
                        "Angka sementara, dapat berubah setelah validasi.",
                        "Sumber: laporan rutin OPD.",
                        "Catatan: data hasil rekapitulasi tingkat desa.",
                        "Metadata mengikuti standar Satu Data Indonesia.", ""]))
                packages.append({
                    "id": pid, "name": f"b-{number:06d}-{slug(title)}"[:100],
                    "title": title, "notes": notes, "type": "indikator",
                    "state": "active", "owner_org": ids[org],
                    "private": rng.random() < 0.10,
                    "license_id": weighted(rng, LICENSES),
                    "metadata_created": created, "metadata_modified": modified,
                    "creator_user_id": ids["__site_user"],
                    "author": None, "maintainer": None, "url": "",
                    "version": "", "author_email": None,
                    "maintainer_email": None,
                    "extras": {
                        "indicator_code": f"IND-{org.upper()}-{number:06d}",
                        "unit": topic["unit"], "periodicity": period,
                        "data_source": org_titles[org]},
                })
                members.append({
                    "id": str(uuid.uuid4()), "group_id": ids[org],
                    "table_id": pid, "table_name": "package",
                    "capacity": "organization", "state": "active"})
                grps = set(topic["groups"])
                if rng.random() < 0.2:
                    grps.add(rng.choice(groups)[0])
                for group in sorted(grps):
                    members.append({
                        "id": str(uuid.uuid4()), "group_id": ids[group],
                        "table_id": pid, "table_name": "package",
                        "capacity": "public", "state": "active"})
                tags = set(topic["tags"]) | {str(year)}
                if "Kecamatan" in title:
                    tags.add(f"kecamatan {kec.lower()}")
                if rng.random() < 0.5:
                    tags.add("data demo")
                if rng.random() < 0.6:
                    # Zipf-like long tail: a few desa tags are common
                    tags.add(tail_tags[min(len(tail_tags) - 1, int(
                        rng.paretovariate(1.1)) - 1)] if rng.random() < 0.5
                        else rng.choice(tail_tags))
                for tag in sorted(tags):
                    package_tags.append({
                        "id": str(uuid.uuid4()), "package_id": pid,
                        "tag_id": tag_ids[tag], "state": "active"})
                for position in range(rng.choice([1, 1, 2, 2, 3])):
                    fmt = "CSV" if position == 0 and rng.random() < 0.8 else \
                        rng.choice(["XLSX", "XLSX", "CSV", "PDF"])
                    rid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                    resources.append({
                        "id": rid, "package_id": pid, "position": position,
                        "url": f"http://127.0.0.1/dataset/{pid}/resource/"
                               f"{rid}/download/{slug(title)[:60]}.{fmt.lower()}",
                        "url_type": "upload" if fmt != "PDF" else "",
                        "format": fmt,
                        "name": (f"{topic['title']} {year}" if position == 0
                                 else f"Lampiran {position} - {fmt}"),
                        "description": f"Tabel {topic['title'].lower()} "
                                       f"tahun {year} ({fmt}).",
                        "state": "active", "created": created,
                        "metadata_modified": modified,
                        "mimetype": {"CSV": "text/csv",
                                     "PDF": "application/pdf"}.get(
                            fmt, "application/vnd.openxmlformats-"
                                 "officedocument.spreadsheetml.sheet"),
                        "size": rng.randint(2_000, 900_000),
                        "extras": json.dumps({"datastore_active": False}),
                    })
            number += 1
            model.Session.execute(sa.insert(model.package_table), packages)
            model.Session.execute(sa.insert(model.resource_table), resources)
            model.Session.execute(sa.insert(model.package_tag_table),
                                  package_tags)
            model.Session.execute(sa.insert(model.member_table), members)
            model.Session.commit()
            say(f"  generated {number}/{target}")
        model.Session.execute(sa.text("ANALYZE"))
        model.Session.commit()
        return {"generated": target - have, "datasets": target,
                "seconds": time.perf_counter() - started}


# ---------------------------------------------------------------------------
# timing package_search

class SqlTimer:
    """Time spent in the database, and the statements run, per call."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.statements = 0
        self.last_search: tuple[str, Any] | None = None
        self._started: list[float] = []

    def install(self, engine: Any) -> None:
        import sqlalchemy as sa

        @sa.event.listens_for(engine, "before_cursor_execute")
        def before(conn, cursor, statement, parameters, context, many):
            self._started.append(time.perf_counter())
            if "magetan_search_document d" in statement and \
                    statement.lstrip().startswith("WITH hits"):
                self.last_search = (statement, parameters)

        @sa.event.listens_for(engine, "after_cursor_execute")
        def after(conn, cursor, statement, parameters, context, many):
            self.seconds += time.perf_counter() - self._started.pop()
            self.statements += 1

    def reset(self) -> None:
        self.seconds, self.statements = 0.0, 0


def search_calls(user: str) -> list[tuple[str, Callable[[], dict]]]:
    from ckan.logic import get_action
    action = get_action("package_search")
    calls = []
    for label, params in QUERIES:
        data = dict(params, rows=ROWS, include_private=True)
        data["facet.field"] = json.dumps(FACETS)

        def call(data=data) -> dict:
            # a fresh context per call, as a request gets
            return action({"user": user}, dict(data))
        calls.append((label, call))
    return calls


def measure(ini: Path, label: str, iterations: int, warmup: int,
            out: Path) -> dict[str, Any]:
    app, ctx = ckan_app(ini)
    with ctx:
        import ckan.model as model
        timer = SqlTimer()
        timer.install(model.meta.engine)
        datasets = model.Session.execute(sa.text(
            "SELECT count(*) FROM package WHERE state = 'active'")).scalar()
        users = [("anonymous", ""), ("member of 2 OPDs", MEMBER)]
        plan = [(ukind, qlabel, call) for ukind, user in users
                for qlabel, call in search_calls(user)]
        samples: dict[tuple[str, str], list[float]] = {}
        sql: dict[tuple[str, str], list[float]] = {}
        counts: dict[tuple[str, str], int] = {}
        for ukind, qlabel, call in plan:  # warm-up, not counted
            for _ in range(warmup):
                counts[(ukind, qlabel)] = call()["count"]
        # Round robin, so that noise of the machine spreads over all queries.
        for _ in range(iterations):
            for ukind, qlabel, call in plan:
                timer.reset()
                started = time.perf_counter()
                result = call()
                elapsed = (time.perf_counter() - started) * 1000
                samples.setdefault((ukind, qlabel), []).append(elapsed)
                sql.setdefault((ukind, qlabel), []).append(timer.seconds * 1000)
                counts[(ukind, qlabel)] = result["count"]
                model.Session.remove()
        rows = []
        for (ukind, qlabel), values in samples.items():
            rows.append({
                "user": ukind, "query": qlabel,
                "count": counts[(ukind, qlabel)], "n": len(values),
                "p50": statistics.median(values),
                "p95": percentile(values, 0.95),
                "mean": statistics.fmean(values), "max": max(values),
                "sql_p50": statistics.median(sql[(ukind, qlabel)]),
            })
        report = {"label": label, "ini": str(ini), "datasets": datasets,
                  "iterations": iterations, "warmup": warmup, "rows": ROWS,
                  "facets": FACETS, "results": rows}
    out.write_text(json.dumps(report, indent=1))
    return report


def explain(ini: Path, out: Path) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the SQL behind every query, as member."""
    app, ctx = ckan_app(ini)
    lines = []
    with ctx:
        import ckan.model as model
        timer = SqlTimer()
        timer.install(model.meta.engine)
        for user in ("", MEMBER):
            for label, call in search_calls(user):
                timer.last_search = None
                call()
                call()  # warm
                if timer.last_search is None:
                    lines.append(f"## {label}: no search SQL seen\n")
                    continue
                statement, params = timer.last_search
                raw = model.meta.engine.raw_connection()
                try:
                    cursor = raw.cursor()
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement,
                                   params)
                    plan = "\n".join(r[0] for r in cursor.fetchall())
                    if user == MEMBER and label == QUERIES[0][0]:
                        sql = cursor.mogrify(statement, params).decode()
                        lines.append("## example statement (member, "
                                     f"{label})\n\n```sql\n{sql}\n```\n")
                finally:
                    raw.close()
                lines.append(f"## {'member' if user else 'anonymous'} | "
                             f"{label}\n\n```\n{plan}\n```\n")
    out.write_text("\n".join(lines))


# ---------------------------------------------------------------------------
# memory of the running stack

def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def proc_mem(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in KiB from /proc/<pid>/smaps_rollup."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def children(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1]
                           .split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(
            b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def memory(ini: Path, db: str, port: int, out: Path) -> dict[str, Any]:
    """Start web + worker for ``ini``, warm up on loopback, sum RSS/PSS."""
    if listening(port):
        raise SystemExit(f"port {port} is busy; pass --web-port")
    ckan = str(ckan_bin())
    logs = out.with_suffix(".log").open("w")
    web = subprocess.Popen([ckan, "-c", str(ini), "run", "--host",
                            "127.0.0.1", "--port", str(port),
                            "--disable-reloader"], stdout=logs, stderr=logs,
                           start_new_session=True)
    worker = subprocess.Popen([ckan, "-c", str(ini), "jobs", "worker",
                               "bench-memory"], stdout=logs, stderr=logs,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not listening(port):
            if time.monotonic() > deadline or web.poll() is not None:
                raise SystemExit("the benchmark web process did not start "
                                 f"(see {logs.name})")
            time.sleep(0.5)
        app, ctx = ckan_app(ini)
        with ctx:
            import ckan.model as model
            names = [r[0] for r in model.Session.execute(sa.text(
                "SELECT name FROM package WHERE NOT private "
                "AND state = 'active' ORDER BY name LIMIT 5"))]
            # a job for the worker, so that it has done real work
            import ckan.lib.jobs as jobs
            jobs.enqueue(jobs.test_job, ["bench"], queue="bench-memory")
        facets = urllib.parse.quote(json.dumps(FACETS))
        paths = ["/", "/dataset/", "/dataset/?q=penduduk",
                 "/dataset/?organization=dinkes&tags=data+demo",
                 "/dataset/?q=padi+produksi&res_format=CSV",
                 "/organization/", "/organization/dinkes", "/group/",
                 "/group/kesehatan",
                 f"/api/3/action/package_search?q=penduduk&facet.field={facets}",
                 "/api/3/action/package_search?fq=organization:dinkes&rows=100",
                 *(f"/dataset/{n}" for n in names),
                 *(f"/api/3/action/package_show?id={n}" for n in names)]
        timings = []
        for _ in range(5):  # bounded warm-up
            for path in paths:
                started = time.perf_counter()
                with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}{path}", timeout=60) as r:
                    r.read()
                timings.append((path, (time.perf_counter() - started) * 1000))
        time.sleep(2)
        components: dict[str, list[int]] = {
            "CKAN web (ckan run)": children(web.pid),
            "CKAN worker (ckan jobs worker)": children(worker.pid),
        }
        pidfile = (ROOT / "var" / "postgres").resolve() / "data" / \
            "postmaster.pid"
        postmaster = int(pidfile.read_text().split()[0])
        cluster = children(postmaster)
        backends = [p for p in cluster
                    if cmdline(p).startswith("postgres: ")
                    and f" {db} " in cmdline(p) + " "]
        others = [p for p in cluster if cmdline(p).startswith("postgres: ")
                  and re.match(r"postgres: \S+ \S+ ", cmdline(p))
                  and p not in backends]
        components["PostgreSQL server (postmaster + background)"] = [
            p for p in cluster if p not in backends and p not in others]
        components["PostgreSQL backends of the bench DB"] = backends
        redis_pid = int((ROOT / "var" / "redis" / "redis.pid").read_text())
        components["Redis (redis-server)"] = [redis_pid]
        table = {}
        for name, pids in components.items():
            mems = [proc_mem(p) for p in pids]
            table[name] = {"processes": len(pids),
                           "rss_kib": sum(m[0] for m in mems),
                           "pss_kib": sum(m[1] for m in mems)}
        report = {"components": table,
                  "other_backends_not_counted": len(others),
                  "warmup_requests": len(timings),
                  "slowest_request_ms": sorted(timings, key=lambda t: -t[1])[:3]}
    finally:
        for proc in (web, worker):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in (web, worker):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        logs.close()
    out.write_text(json.dumps(report, indent=1))
    return report


# ---------------------------------------------------------------------------
# reports

def markdown_queries(reports: list[dict[str, Any]]) -> str:
    """p50/p95 per query and user kind; several backends side by side."""
    head = "| User | Query | Hits |" + "".join(
        f" {r['label']} p50 | {r['label']} p95 | {r['label']} SQL p50 |"
        for r in reports)
    lines = [head, "|" + "---|" * (3 + 3 * len(reports))]
    index = [{(x["user"], x["query"]): x for x in r["results"]}
             for r in reports]
    for row in reports[0]["results"]:
        key = (row["user"], row["query"])
        hits = "/".join(str(i[key]["count"]) if key in i else "-"
                        for i in index)
        line = f"| {row['user']} | `{row['query']}` | {hits} |"
        for i in index:
            x = i.get(key)
            line += (f" {x['p50']:.1f} | {x['p95']:.1f} | {x['sql_p50']:.1f} |"
                     if x else " - | - | - |")
        lines.append(line)
    return "\n".join(lines)


def markdown_memory(report: dict[str, Any]) -> str:
    lines = ["| Component | Processes | RSS (MiB) | PSS (MiB) |",
             "|---|---:|---:|---:|"]
    rss = pss = procs = 0
    for name, row in report["components"].items():
        lines.append(f"| {name} | {row['processes']} | "
                     f"{row['rss_kib'] / 1024:.0f} | "
                     f"{row['pss_kib'] / 1024:.0f} |")
        rss += row["rss_kib"]
        pss += row["pss_kib"]
        procs += row["processes"]
    lines.append(f"| **whole stack** | {procs} | {rss / 1024:.0f} | "
                 f"**{pss / 1024:.0f}** |")
    return "\n".join(lines)


def cmd_compare(paths: list[str]) -> int:
    reports = [json.loads(Path(p).read_text()) for p in paths]
    print(markdown_queries(reports))
    return 0


# ---------------------------------------------------------------------------
# the whole run

def run_sub(*args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run([sys.executable, str(Path(__file__).resolve()), *args],
                   check=True, env=env)


def rebuild(ini: Path, log: Path, env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    with log.open("w") as handle:
        subprocess.run([str(ckan_bin()), "-c", str(ini), "search-index",
                        "rebuild"], check=True, stdout=handle,
                       stderr=handle, env=env)
    return time.perf_counter() - started


def table_sizes(args: argparse.Namespace) -> dict[str, str]:
    out = psql_admin(args, (
        "SELECT c.relname, pg_size_pretty(pg_total_relation_size(c.oid)) "
        "FROM pg_class c WHERE c.relname IN ('magetan_search_document', "
        "'magetan_search_payload', 'magetan_search_term', 'package', "
        "'resource')"), database=args.db)
    return dict(line.split("|") for line in out.splitlines() if "|" in line)


def cmd_run(args: argparse.Namespace) -> int:
    sizes = [int(s) for s in args.sizes.split(",")]
    if sorted(sizes) != sizes:
        raise SystemExit("--sizes must grow (the database only grows)")
    ensure_database(args)
    ini = write_ini(args, "bench-magetan",
                    "activity scheming_datasets magetan", [])
    say(f"ckan db init ({ini.name})")
    subprocess.run([str(ckan_bin()), "-c", str(ini), "db", "init"],
                   check=True, stdout=subprocess.DEVNULL)
    other = None
    other_env = None
    if args.compare_plugins:
        other = write_ini(args, f"bench-{args.compare_label}",
                          args.compare_plugins, args.compare_option)
        other_env = dict(os.environ)
        if args.compare_pythonpath:
            other_env["PYTHONPATH"] = args.compare_pythonpath
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    run_dir = RESULTS / f"run-{stamp}"
    run_dir.mkdir(parents=True)
    summary: dict[str, Any] = {"started": stamp, "sizes": {},
                               "machine": machine()}
    for size in sizes:
        entry: dict[str, Any] = {}
        say(f"=== {size} datasets: generating")
        out = run_dir / f"generate-{size}.json"
        run_sub("generate", "--ini", str(ini), "--target", str(size),
                "--out", str(out))
        entry["generate"] = json.loads(out.read_text())
        say(f"=== {size}: ckan search-index rebuild")
        entry["rebuild_seconds"] = rebuild(ini, run_dir / f"rebuild-{size}.log")
        say(f"    rebuild took {entry['rebuild_seconds']:.1f} s")
        entry["table_sizes"] = table_sizes(args)
        say(f"=== {size}: measuring package_search")
        out = run_dir / f"queries-{size}-magetan.json"
        run_sub("measure", "--ini", str(ini), "--label", args.label,
                "--iterations", str(args.iterations), "--warmup",
                str(args.warmup), "--out", str(out))
        reports = [json.loads(out.read_text())]
        if other:
            say(f"=== {size}: rebuild and measure with {args.compare_label}")
            entry["compare_rebuild_seconds"] = rebuild(
                other, run_dir / f"rebuild-{size}-{args.compare_label}.log",
                env=other_env)
            out = run_dir / f"queries-{size}-{args.compare_label}.json"
            subprocess.run([sys.executable, str(Path(__file__).resolve()),
                            "measure", "--ini", str(other), "--label",
                            args.compare_label, "--iterations",
                            str(args.iterations), "--warmup",
                            str(args.warmup), "--out", str(out)],
                           check=True, env=other_env)
            reports.append(json.loads(out.read_text()))
        entry["queries"] = reports
        print(f"\n### {size} datasets\n\n{markdown_queries(reports)}\n",
              flush=True)
        if not args.no_explain:
            run_sub("explain", "--ini", str(ini), "--out",
                    str(run_dir / f"explain-{size}.md"))
        if not args.no_memory:
            say(f"=== {size}: memory of the running stack")
            out = run_dir / f"memory-{size}.json"
            run_sub("memory", "--ini", str(ini), "--db", args.db,
                    "--web-port", str(args.web_port), "--out", str(out))
            entry["memory"] = json.loads(out.read_text())
            print(markdown_memory(entry["memory"]), flush=True)
        summary["sizes"][str(size)] = entry
        (run_dir / "summary.json").write_text(json.dumps(summary, indent=1))
    say(f"results in {run_dir}")
    return 0


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "?")
    mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    return {"cpu": cpu, "cores": os.cpu_count(),
            "memory_gib": round(int(mem) / 1024 / 1024, 1),
            "python": sys.version.split()[0]}


def main() -> int:
    argv = sys.argv[1:]
    command = argv[0] if argv and argv[0] in (
        "generate", "measure", "explain", "memory", "compare") else "run"
    if command != "run":
        argv = argv[1:]
    if command == "compare":
        return cmd_compare(argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    if command == "run":
        parser.add_argument("--sizes", default="1000,10000,50000")
        parser.add_argument("--quick", action="store_true",
                            help="1,000 datasets, 10 timed runs per query")
        parser.add_argument("--iterations", type=int, default=40,
                            help="timed runs per query and user kind")
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--db", default=DEFAULT_DB)
        parser.add_argument("--reset", action="store_true",
                            help="drop and recreate the benchmark database")
        parser.add_argument("--pg-port", type=int, default=DEFAULT_PG_PORT)
        parser.add_argument("--sqlalchemy-url", default=os.environ.get(
            "CKAN_BENCH_SQLALCHEMY_URL"))
        parser.add_argument("--redis-url", default=DEFAULT_REDIS)
        parser.add_argument("--web-port", type=int, default=5091)
        parser.add_argument("--label", default="magetan")
        parser.add_argument("--no-memory", action="store_true")
        parser.add_argument("--no-explain", action="store_true")
        parser.add_argument("--compare-plugins", default="",
                            help="plugin list of a second backend, timed on "
                                 "the same data and queries")
        parser.add_argument("--compare-label", default="other")
        parser.add_argument("--compare-option", action="append", default=[],
                            help="extra ini line for the second backend "
                                 "(key = value); repeatable")
        parser.add_argument("--compare-pythonpath", default="",
                            help="PYTHONPATH holding the second backend")
        args = parser.parse_args(argv)
        if args.quick:
            args.sizes, args.iterations = "1000", 10
        return cmd_run(args)
    parser.add_argument("--ini", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    if command == "generate":
        parser.add_argument("--target", type=int, required=True)
        args = parser.parse_args(argv)
        args.out.write_text(json.dumps(generate(args.ini, args.target)))
    elif command == "measure":
        parser.add_argument("--label", default="magetan")
        parser.add_argument("--iterations", type=int, default=40)
        parser.add_argument("--warmup", type=int, default=3)
        args = parser.parse_args(argv)
        measure(args.ini, args.label, args.iterations, args.warmup, args.out)
    elif command == "explain":
        args = parser.parse_args(argv)
        explain(args.ini, args.out)
    elif command == "memory":
        parser.add_argument("--db", default=DEFAULT_DB)
        parser.add_argument("--web-port", type=int, default=5091)
        args = parser.parse_args(argv)
        memory(args.ini, args.db, args.web_port, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
