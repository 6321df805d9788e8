"""The format version of the index, and whether it needs work.

What the stored rows depend on, besides the datasets themselves, is the
document format (``ckanext.pgindex.document.DOCUMENT_FORMAT``) and the
allow-list of faceted fields. A full rebuild records both in
``pgindex_meta`` (one row per ``ckan.site_id``); start-up and
``ckan pgindex status`` compare the record with what the running code and
configuration would write, and say what to run when they differ or when
the tables are missing.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Any, Optional

import sqlalchemy as sa
from alembic.script import ScriptDirectory

import ckan.model as model
from ckan.common import config

from ckanext.pgindex import document, facets
from ckanext.pgindex.model import search_meta_table as meta_table

log = logging.getLogger(__name__)

MIGRATIONS = os.path.join(os.path.dirname(__file__), "migration", "pgindex")


@dataclass(frozen=True)
class FormatVersion:
    """What the index rows of a site are built with."""

    document_format: int
    facet_fields: tuple[str, ...]

    def describe(self) -> str:
        return (f"document format {self.document_format}, facet fields: "
                f"{' '.join(self.facet_fields) or '(none)'}")


@dataclass
class Status:
    """The state of a site's index, and what an operator should run."""

    current: FormatVersion
    head_revision: str
    revision: Optional[str] = None
    recorded: Optional[FormatVersion] = None
    documents: int = 0
    datasets: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def current_version() -> FormatVersion:
    """The format the running code and configuration write."""
    return FormatVersion(document.DOCUMENT_FORMAT,
                         tuple(sorted(facets.indexed_fields())))


def head_revision() -> str:
    """The newest migration of the pgindex tables."""
    heads = ScriptDirectory(MIGRATIONS).get_heads()
    return heads[0] if len(heads) == 1 else ",".join(sorted(heads))


def command(words: str) -> str:
    """A ckan command line, with this site's configuration file."""
    ini = config.get("__file__")
    return f"ckan -c {ini} {words}" if ini else f"ckan {words}"


def read_recorded(connection: Any) -> Optional[FormatVersion]:
    row = connection.execute(
        sa.select(meta_table.c.document_format, meta_table.c.facet_fields)
        .where(meta_table.c.site_id == config.get("ckan.site_id"))).first()
    if row is None:
        return None
    return FormatVersion(row.document_format,
                         tuple(sorted(row.facet_fields)))


def record(connection: Any, version: Optional[FormatVersion] = None,
           only_if_empty: bool = False) -> bool:
    """Record ``version`` (the current one by default) for this site.

    With ``only_if_empty``, only while the site has no index rows (an empty
    index is built with any format). Returns whether it was recorded.
    """
    version = version or current_version()
    site = config.get("ckan.site_id")
    guard = ("WHERE NOT EXISTS (SELECT 1 FROM pgindex_document "
             "WHERE site_id = :site)" if only_if_empty else "")
    result = connection.execute(sa.text(f"""
        INSERT INTO pgindex_meta (site_id, document_format, facet_fields,
                                  recorded_at)
        SELECT :site, :format, CAST(:fields AS text[]), now() {guard}
        ON CONFLICT (site_id) DO UPDATE SET
            document_format = EXCLUDED.document_format,
            facet_fields = EXCLUDED.facet_fields,
            recorded_at = EXCLUDED.recorded_at
    """), {"site": site, "format": version.document_format,
           "fields": list(version.facet_fields)})
    if result.rowcount:
        facets.set_recorded(version.facet_fields)
    return bool(result.rowcount)


def check(connection: Any, record_if_empty: bool = False) -> Status:
    """The index's state, read on ``connection``."""
    status = Status(current=current_version(), head_revision=head_revision())
    migrate = command("db upgrade -p pgindex")
    rebuild = command("pgindex rebuild")
    inspector = sa.inspect(connection)
    if inspector.has_table("pgindex_alembic_version"):
        status.revision = connection.execute(sa.text(
            "SELECT string_agg(version_num, ',' ORDER BY version_num) "
            "FROM pgindex_alembic_version")).scalar()
    missing = [name for name in ("pgindex_document", "pgindex_payload",
                                 "pgindex_term", "pgindex_field",
                                 "pgindex_meta")
               if not inspector.has_table(name)]
    if missing or status.revision != status.head_revision:
        status.problems.append(
            "The search index tables are "
            + (f"missing ({', '.join(missing)}): run `{migrate}`, then "
               f"`{rebuild}`." if missing else
               f"at revision {status.revision or 'none'}, not "
               f"{status.head_revision}: run `{migrate}`, then "
               f"`{command('pgindex check')}` (it says whether the rows "
               "must be rebuilt too)."))
        facets.set_recorded(None)
        return status

    site = config.get("ckan.site_id")
    status.documents = connection.execute(sa.text(
        "SELECT count(*) FROM pgindex_document WHERE site_id = :site"),
        {"site": site}).scalar_one()
    if inspector.has_table("package"):
        status.datasets = connection.execute(sa.text(
            "SELECT count(*) FROM package WHERE state = 'active'")
        ).scalar_one()
    status.recorded = read_recorded(connection)
    if status.recorded != status.current and record_if_empty \
            and record(connection, only_if_empty=True):
        status.recorded = status.current
    facets.set_recorded(status.recorded.facet_fields
                        if status.recorded else None)
    if status.recorded is None:
        if status.documents:
            status.problems.append(
                "The search index records no format version (its rows were "
                f"built before pgindex recorded one): run `{rebuild}`.")
    elif status.recorded != status.current:
        status.problems.append(_difference(status.recorded, status.current)
                               + f" Run `{rebuild}`.")
    return status


def _difference(recorded: FormatVersion, current: FormatVersion) -> str:
    parts = []
    if recorded.document_format != current.document_format:
        parts.append(f"document format {recorded.document_format} is "
                     f"stored, this code writes {current.document_format}")
    added = sorted(set(current.facet_fields) - set(recorded.facet_fields))
    removed = sorted(set(recorded.facet_fields) - set(current.facet_fields))
    if added:
        parts.append(f"facet fields added: {' '.join(added)} (counted from "
                     "the JSON fields until the rebuild)")
    if removed:
        parts.append(f"facet fields removed: {' '.join(removed)}")
    return "The search index must be rebuilt: " + "; ".join(parts) + "."


def startup_check() -> Optional[Status]:
    """Tell the operator, in the log, what the index needs (start-up)."""
    try:
        engine = model.meta.engine
        if engine is None:
            return None
        with engine.begin() as connection:
            # never hang start-up behind a lock another session holds
            connection.execute(sa.text("SET LOCAL lock_timeout = '5s'"))
            status = check(connection, record_if_empty=True)
    except Exception as error:  # the database may not be reachable yet
        log.warning("Could not check the search index: %s", error)
        return None
    for problem in status.problems:
        log.warning("%s", problem)
    return status
