"""Magetan demo data: OPDs, sectors, accounts and indicator datasets.

Everything is created through CKAN's actions (so it is validated and
indexed like anything a person creates) and only when missing, so loading
twice changes nothing. The indicator values are generated, reproducibly,
around plausible magnitudes and are marked as demo values everywhere.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import yaml
from ckanapi import LocalCKAN, NotFound

import ckan.model as model
from ckan.plugins import toolkit as tk

from ckanext.magetan import calendar, codelists, workflow
from ckanext.magetan import review as review_package
from ckanext.magetan.workflow import revisions as workflow_revisions

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
DEMO_TAG = "data demo"
DEMO_NOTICE = ("**Data demo.** Nilai dalam dataset ini dibangkitkan untuk "
               "demonstrasi portal dan *bukan* statistik resmi Kabupaten "
               "Magetan.")

# Rough relative size of each kecamatan (by Kemendagri code), used only to
# spread the demo values; names and codes come from the code lists.
KECAMATAN_WEIGHT = {
    "35.20.01": 0.85, "35.20.02": 1.15, "35.20.03": 0.95, "35.20.04": 1.0,
    "35.20.05": 1.15, "35.20.06": 1.5, "35.20.07": 1.25, "35.20.08": 1.2,
    "35.20.09": 1.0, "35.20.10": 0.95, "35.20.11": 1.2, "35.20.12": 0.95,
    "35.20.13": 0.75, "35.20.14": 0.85, "35.20.15": 0.7, "35.20.16": 0.9,
    "35.20.17": 0.65, "35.20.18": 0.75,
}
# Government affair (Permendagri 90/2019) of each demo OPD.
URUSAN = {
    "diskominfo": "2.16", "dispendukcapil": "2.12", "dinkes": "1.02",
    "disdik": "1.01", "dispertan": "3.27", "dinsos": "1.06",
    "disparbud": "3.26", "dpupr": "1.03", "disnaker": "2.07",
    "disperindag": "3.30", "dlh": "2.11", "dishub": "2.15", "bkpsdm": "5.03",
}
# SDG goal by sector, where one fits.
SDGS = {"kesehatan": "3", "pendidikan": "4", "perlindungan-sosial": "1",
        "pertanian": "2", "penduduk-ketenagakerjaan": "8",
        "industri-perdagangan": "8", "lingkungan-hidup": "11"}
# Measure (ukuran) by unit.
MEASURES = {"persen": "persentase", "laki-laki per 100 perempuan": "rasio",
            "jiwa/km²": "rasio"}

# Monthly shape of rainfall (wet season around the turn of the year).
RAIN_SEASON = [2.0, 1.9, 1.7, 1.2, 0.6, 0.3, 0.15, 0.1, 0.3, 0.8, 1.5, 1.9]


@dataclass
class DemoSummary:
    """What one load created (zero everywhere when it was all there)."""

    users: int = 0
    organizations: int = 0
    groups: int = 0
    datasets: int = 0


def portal() -> dict[str, Any]:
    with open(HERE / "portal.yaml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def indicators() -> dict[str, Any]:
    with open(HERE / "indicators.yaml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def demo_password() -> str:
    return tk.config["ckanext.magetan.demo.password"]


def load(progress: Callable[[str], None] = log.info) -> DemoSummary:
    """Create whatever part of the demo portal is missing."""
    summary = DemoSummary()
    site = LocalCKAN()  # the site user: a sysadmin
    spec = portal()
    for user in spec["users"]:
        if _ensure_user(site, user):
            summary.users += 1
    admin = LocalCKAN(username="admin")
    for org in spec["organizations"]:
        if _ensure(admin, "organization", opd_fields(org)):
            summary.organizations += 1
    for group in spec["groups"]:
        if _ensure(admin, "group", group):
            summary.groups += 1
    for user in spec["users"]:
        for org, role in (user.get("memberships") or {}).items():
            admin.action.organization_member_create(
                id=org, username=user["name"], role=role)
        for role in user.get("walidata_roles") or ():
            admin.action.magetan_role_assign(user=user["name"], role=role)

    # release periods first: a version scheduled below joins its period
    plan = spec.get("release_calendar") or {}
    planned = plan_periods(plan)
    catalogue = indicators()
    org_titles = {o["name"]: o["title"] for o in spec["organizations"]}
    for item in catalogue["indicators"]:
        if _exists(admin, "package", item["name"]):
            continue
        progress(f"dataset {item['name']}")
        _create_dataset(admin, item, catalogue["years"], org_titles,
                        (spec.get("faulty_tables") or {}).get(item["name"]))
        walk(item["name"], item["org"],
             RELEASED if item["name"] in (spec.get("released") or ())
             else spec.get("workflow", {}).get(item["name"], "published"))
        summary.datasets += 1
    org_of = {i["name"]: i["org"] for i in catalogue["indicators"]}
    for name, review in (spec.get("reviews") or {}).items():
        if leave_review(name, org_of[name], review):
            progress(f"review of {name}")
    for name, revision in (spec.get("revisions") or {}).items():
        if start_revision(name, revision, org_of=org_of):
            progress(f"revision of {name}")
    if plan_entries(plan) or planned:
        progress("release calendar")
    return summary


def _today() -> dt.datetime:
    return workflow.now().astimezone(workflow.JAKARTA).replace(
        hour=9, minute=0, second=0, microsecond=0)


def plan_periods(plan: dict[str, Any]) -> bool:
    """The demo's release periods, created by Walidata; False when they
    are there already."""
    planner = LocalCKAN(username="statistisi")
    today = _today()
    created = False
    for period in plan.get("periods", []):
        if calendar.period_row(period["name"]) is not None:
            continue
        release = today + dt.timedelta(days=period["release_days"])
        planner.action.magetan_release_period_create(
            name=period["name"], kind=period["kind"],
            title=period["title"].format(
                month=f"{MONTHS[release.month - 1]} {release.year}",
                year=release.year),
            deadline_at=(today + dt.timedelta(days=period["deadline_days"])
                         ).isoformat(),
            release_at=release.isoformat())
        created = True
    return created


def plan_entries(plan: dict[str, Any]) -> bool:
    """The demo's announced releases, through the calendar's actions as
    Walidata and the head of office take them; False when they are there
    already."""
    planner = LocalCKAN(username="statistisi")
    head = LocalCKAN(username="kadin")
    today = _today()
    created = False
    known = {e["title"] for e in planner.action.magetan_release_calendar(
        limit=1000)["entries"]}
    for item in plan.get("entries", []):
        if item["title"] in known:
            continue
        given: dict[str, Any] = {
            "title": item["title"], "owner_org": item["org"],
            "sector": item["sector"], "period_covered": item["covered"],
            "status": item["status"]}
        if item.get("period"):
            given["period"] = item["period"]
        if item.get("package"):
            given["package"] = item["package"]
        if item.get("month_days"):
            given["planned_month"] = _month(today, item["month_days"])
        entry = planner.action.magetan_release_entry_create(**given)
        if item.get("postponed"):
            head.action.magetan_release_entry_postpone(
                id=entry["id"], reason=" ".join(
                    item["postponed"]["reason"].split()),
                planned_month=_month(today, item["postponed"]["month_days"]))
        if item.get("cancelled"):
            head.action.magetan_release_entry_cancel(
                id=entry["id"], notice=" ".join(item["cancelled"].split()))
        created = True
    return created


MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
          "Agustus", "September", "Oktober", "November", "Desember")


def _month(today: dt.datetime, days: int) -> str:
    return (today + dt.timedelta(days=days)).strftime("%Y-%m")


def leave_review(name: str, org: str, review: dict[str, Any]) -> bool:
    """The review comments of a demo version (``reviews`` in portal.yaml);
    False when it has some already."""
    package = model.Package.get(name)
    if package is None or review_package.rows(package.id):
        return False
    reviewer_name = review["by"].format(org=org)
    reviewer = LocalCKAN(username=reviewer_name)
    state = workflow.state_of(package.id)
    # a demo portal someone has worked on: leave versions that moved alone
    if review.get("returned"):
        if state != workflow.DRAFT:
            return False
    elif review_package.reviewer_role(
            model.User.get(reviewer_name), package, state or "") is None:
        return False
    if review.get("returned"):
        LocalCKAN(username=f"pengelola-{org}").action \
            .magetan_workflow_transition(id=name, transition="submit")
    for comment in review["comments"]:
        reviewer.action.magetan_review_comment_create(id=name, **comment)
    if review.get("returned"):
        reviewer.action.magetan_workflow_transition(
            id=name, transition="reject", reason=review["returned"])
    return True


def start_revision(name: str, revision: dict[str, Any],
                   org_of: dict[str, str]) -> bool:
    """A revision of a published demo indicator, edited and walked to its
    state by the OPD's demo accounts; False when one exists already."""
    public = model.Package.get(name)
    if public is None or workflow.state_of(public.id) != workflow.PUBLISHED \
            or workflow_revisions.in_progress(public.id):
        return False
    org = org_of[name]
    manager = LocalCKAN(username=f"pengelola-{org}")
    shown = manager.action.magetan_workflow_revision_start(
        id=name, change_note=revision["change_note"])
    copy = manager.action.package_show(id=shown["id"])
    manager.action.package_patch(
        id=shown["id"],
        notes=f"{copy['notes']}\n\n{revision['notes_suffix']}")
    walk(copy["name"], org, revision["state"])
    return True

# a demo state: walked through the SOP and published by the head of office
RELEASED = "released"

# The demo accounts that take each step, and what they give it.
DEMO_STEPS = (
    ("submit", "pengelola-{org}", {}),
    ("approve_opd", "kepala-{org}", {}),
    ("verify", "statistisi", {
        "forum_minutes_number": "BA/FORUM-SD/{year}/DEMO",
        "forum_notes": "Forum Pengelolaan Data Sektoral (demo): sesuai "
                       "standar data dan metadata."}),
    ("approve", "kabid", {}),
    ("schedule", "kadin", {}),
)


def walk(name: str, org: str, state: str) -> None:
    """Bring a new demo dataset to ``state`` of the workflow: as published
    historical data (the sysadmin), or step by step by the demo accounts."""
    if state == RELEASED:
        walk(name, org, workflow.SCHEDULED)
        LocalCKAN(username="kadin").action.magetan_workflow_transition(
            id=name, transition="publish")
        return
    if state == workflow.PUBLISHED:
        LocalCKAN(username="admin").action.magetan_workflow_transition(
            id=name, transition="import_published",
            reason="Data historis (demo) dimuat langsung oleh administrator.")
        return
    today = workflow.now().astimezone(workflow.JAKARTA)
    for transition, who, params in DEMO_STEPS:
        if workflow.state_of(model.Package.get(name).id) == state:
            return
        given = {key: value.format(year=today.year)
                 for key, value in params.items()}
        if transition == "verify":
            given["forum_date"] = today.date().isoformat()
        if transition == "schedule":
            release = (today + dt.timedelta(days=30)).replace(
                hour=9, minute=0, second=0, microsecond=0)
            given["release_at"] = release.isoformat()
        LocalCKAN(username=who.format(org=org)).action \
            .magetan_workflow_transition(id=name, transition=transition,
                                         **given)


def opd_fields(org: dict[str, Any]) -> dict[str, Any]:
    """An OPD of the demo with the fields of the OPD schema (demo values)."""
    return {
        "name": org["name"],
        "title": org["title"],
        "description": org.get("description", ""),
        "short_name": org["name"].capitalize(),
        "opd_code": f"{URUSAN[org['name']]}.0.00.0.00.01.0000",
        "head_name": f"Kepala {org['title']} (demo)",
        "data_manager_contact":
            f"pengelola-{org['name']}@demo.magetan.invalid",
        "address": f"{org['title']}, Kabupaten Magetan (alamat demo)",
    }


def _exists(api: LocalCKAN, kind: str, name: str) -> bool:
    try:
        getattr(api.action, f"{kind}_show")(id=name)
        return True
    except NotFound:
        return False


def _ensure(api: LocalCKAN, kind: str, data: dict[str, Any]) -> bool:
    if _exists(api, kind, data["name"]):
        return False
    getattr(api.action, f"{kind}_create")(**data)
    return True


def _ensure_user(api: LocalCKAN, user: dict[str, Any]) -> bool:
    if model.User.get(user["name"]) is not None:
        return False
    api.action.user_create(
        name=user["name"], fullname=user["fullname"],
        email=f"{user['name']}@demo.magetan.invalid",
        password=demo_password())
    if user.get("sysadmin"):
        account = model.User.get(user["name"])
        account.sysadmin = True
        model.Session.commit()
    return True


def _create_dataset(api: LocalCKAN, item: dict[str, Any], years: list[int],
                    org_titles: dict[str, str],
                    faults: Optional[list[dict[str, Any]]] = None) -> None:
    csv_text = with_faults(table_csv(item, years), faults or [])
    dataset = api.action.package_create(
        type="indikator",
        name=item["name"],
        title=item["title"],
        owner_org=item["org"],
        notes=f"{DEMO_NOTICE}\n\n{item['notes']}",
        **metadata_fields(item, years, org_titles[item["org"]]),
        license_id="cc-by",
        tags=[{"name": t} for t in [*item["tags"], DEMO_TAG]],
        groups=[{"name": g} for g in item["groups"]],
    )
    filename = f"{item['name']}-{years[0]}-{years[-1]}-demo.csv"
    api.action.resource_create(
        package_id=dataset["id"],
        name=f"{item['title']} {years[0]}–{years[-1]} (data demo)",
        description=("Tabel dalam format CSV (UTF-8, pemisah koma). "
                     "Nilai demo, bukan statistik resmi."),
        format="CSV",
        schema=table_schema_of(item),
        # ckanapi's LocalCKAN names an upload after a (name, file) tuple;
        # a FileStorage it would rename after its form field (none)
        upload=(filename, io.BytesIO(csv_text.encode("utf-8"))),
    )


def metadata_fields(item: dict[str, Any], years: list[int],
                    org_title: str) -> dict[str, Any]:
    """The MS-Ind metadata of a demo indicator, from its catalogue entry."""
    measure = MEASURES.get(item["unit"], "jumlah")
    by = item.get("by")
    breakdown = ("menurut kecamatan" if by == "kecamatan"
                 else "menurut desa/kelurahan" if by == "desa"
                 else "menurut bulan" if by == "bulan"
                 else f"menurut {item['category'].replace('_', ' ')}"
                 if isinstance(by, list) else "total kabupaten")
    sdg = next((SDGS[g] for g in item["groups"] if g in SDGS), "")
    return {
        "indicator_code": item["code"],
        "concept": item["title"].split(" menurut ")[0],
        "definition": item["notes"],
        "interpretation": (
            f"Nilai yang lebih tinggi berarti {measure} yang lebih besar; "
            "bandingkan antarperiode dan antarwilayah pada satuan yang sama."),
        "method": (f"Rekapitulasi {measure} dari {item['notes'][0].lower()}"
                   f"{item['notes'][1:]}"),
        "measure": measure,
        "unit": item["unit"],
        "presentation_classification": breakdown,
        "is_composite": "false",
        "periodicity": item.get("periodicity", "tahunan"),
        "reference_period": f"{years[0]}-{years[-1]}",
        "regional_level": (
            ["kabupaten", "kecamatan"] if by == "kecamatan"
            else ["kabupaten", "kecamatan", "desa"] if by == "desa"
            else ["kabupaten"]),
        "sector_code": URUSAN[item["org"]],
        "data_source": org_title,
        "producer_contact": f"Pengelola Data {org_title} (demo)",
        "sdgs_goal": sdg,
    }


def table_csv(item: dict[str, Any], years: list[int]) -> str:
    """The demo table of an indicator, as CSV text."""
    rng = random.Random(item["name"])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*_dimension_header(item), *item["values"].keys()])
    for key, scale in _rows(item, years):
        values = []
        for column, base in item["values"].items():
            year_index = years.index(key[0])
            value = base * scale * (1 + item.get("growth", 0.01)) ** year_index
            value *= rng.uniform(0.9, 1.1)
            decimals = item.get("decimals", 0)
            values.append(round(value, decimals) if decimals
                          else max(0, round(value)))
        writer.writerow([*key, *values])
    return out.getvalue()


def with_faults(csv_text: str, faults: list[dict[str, Any]]) -> str:
    """``csv_text`` with each fault's ``value`` in its ``column`` of data
    row ``row`` (``faulty_tables`` in portal.yaml)."""
    if not faults:
        return csv_text
    rows = list(csv.reader(io.StringIO(csv_text)))
    for fault in faults:
        rows[fault["row"]][rows[0].index(fault["column"])] = fault["value"]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


DIMENSIONS: dict[str, dict[str, str]] = {
    "tahun": {"title": "Tahun", "type": "year",
              "description": "Tahun keadaan data."},
    "kode_kecamatan": {
        "title": "Kode kecamatan", "type": "string", "codelist": "kecamatan",
        "description": "Kode wilayah Kemendagri, mis. 35.20.06 (Magetan)."},
    "kecamatan": {"title": "Kecamatan", "type": "string",
                  "codelist": "kecamatan:nama"},
    "kode_desa": {
        "title": "Kode desa/kelurahan", "type": "string", "codelist": "desa",
        "description": "Kode wilayah Kemendagri, mis. 35.20.07.1013."},
    "desa": {"title": "Desa/kelurahan", "type": "string",
             "codelist": "desa:nama"},
    "bulan": {"title": "Bulan", "type": "integer",
              "description": "Nomor bulan: 1 = Januari ... 12 = Desember."},
}


def table_schema_of(item: dict[str, Any]) -> dict[str, Any]:
    """The Table Schema (MS-Var) of an indicator's demo table."""
    fields = []
    for name in _dimension_header(item):
        fields.append({"name": name, **DIMENSIONS.get(name, {
            "title": name.replace("_", " ").capitalize(), "type": "string"})})
    for name in item["values"]:
        fields.append({
            "name": name, "title": name.replace("_", " ").capitalize(),
            "type": "number" if item.get("decimals") else "integer",
            "unit": item["unit"],
            "description": f"{item['title'].split(' menurut ')[0]}: "
                           f"{name.replace('_', ' ')} (nilai demo)."})
    return {"fields": fields}


def _dimension_header(item: dict[str, Any]) -> list[str]:
    by = item.get("by")
    if by == "kecamatan":
        return ["tahun", "kode_kecamatan", "kecamatan"]
    if by == "desa":
        return ["tahun", "kode_desa", "desa", "kecamatan"]
    if by == "bulan":
        return ["tahun", "bulan"]
    if isinstance(by, list):
        return ["tahun", item["category"]]
    return ["tahun"]


def _rows(item: dict[str, Any],
          years: list[int]) -> Iterator[tuple[tuple[Any, ...], float]]:
    by = item.get("by")
    for year in years:
        if by == "kecamatan":
            for entry in codelists.load("kecamatan").entries:
                code = entry["kemendagri_code"]
                yield (year, code, entry["name"]), KECAMATAN_WEIGHT[code]
        elif by == "desa":
            kecamatan = codelists.load("kecamatan")
            for entry in codelists.load("desa").entries:
                name = kecamatan.get(entry["kecamatan_code"])["name"]
                yield (year, entry["code"], entry["name"], name), 1.0
        elif by == "bulan":
            for month in range(1, 13):
                shape = RAIN_SEASON[month - 1] if item.get("seasonal") else 1
                yield (year, month), shape
        elif isinstance(by, list):
            for index, category in enumerate(by):
                yield (year, category), 1.0 / (1 + 0.35 * index)
        else:
            yield (year,), 1.0


def accounts() -> list[dict[str, str]]:
    """The demo accounts with their SOP roles, for the console and docs."""
    return [{"name": u["name"], "fullname": u["fullname"],
             "sop_role": u["sop_role"]} for u in portal()["users"]]
