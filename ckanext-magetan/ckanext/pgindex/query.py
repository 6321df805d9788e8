"""Answering CKAN's dataset searches from the PostgreSQL index.

:class:`PostgresPackageSearchQuery` takes the query dict that
``package_search`` (and ``package_autocomplete``) hand to CKAN's Solr query
class and answers it in one SQL statement: the matching rows, their count
and every facet, all restricted by the caller's permission labels.
"""
from __future__ import annotations

import contextlib
import json
import logging
import re
from datetime import datetime, timezone
from typing import Any, Iterator, NamedTuple, Optional

import sqlalchemy as sa

import ckan.model as model
from ckan.common import config
from ckan.exceptions import CkanConfigurationException
from ckan.lib.search.common import SearchError
from ckan.lib.search.query import PackageSearchQuery
from ckan.plugins import toolkit as tk

from ckanext.pgindex import cache, local_params
from ckanext.pgindex.model import TERM_FIELD_SHIFT
from ckanext.pgindex.document import is_faceted
from ckanext.pgindex.errors import SearchSyntaxError
from ckanext.pgindex.solr_syntax import (
    COLUMN_FIELDS, FIELD_NAME, Condition, SearchBudget, SearchLimitError,
    SqlParams, check_text, check_unsupported, parse, to_sql,
)

log = logging.getLogger(__name__)

# Parameters CKAN accepts for Solr; those marked ignored only tune Solr's
# relevance scoring and have no meaning here.
KNOWN_PARAMETERS = {
    "q", "fq", "fq_list", "fl", "rows", "start", "sort", "facet",
    "facet.field", "facet.limit", "facet.mincount", "defType", "df",
    "q.op", "wt", "extras",
    # ignored: relevance tuning of Solr's (e)dismax parsers
    "qf", "bf", "boost", "tie", "mm",
}
MULTI_VALUED = {"tags", "groups", "res_name", "res_description",
                "res_format", "res_url", "res_type", "urls",
                "permission_labels"}
# ts_rank_cd weights for D, C, B, A (resource, text, labels, title)
RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
# The largest number LIMIT, OFFSET and the counts take (a bigint).
BIGINT_MAX = 2 ** 63 - 1
MAX_FACET_FIELDS = 100
MAX_SORT_FIELDS = 20
# SQLSTATEs: query_canceled (the statement timeout), program_limit_exceeded
QUERY_CANCELED = "57014"
PROGRAM_LIMIT = "54"


class PostgresPackageSearchQuery(PackageSearchQuery):
    """CKAN's package query, answered by PostgreSQL instead of Solr."""

    def get_all_entity_ids(self, max_results: int = 1000) -> list[str]:
        rows = model.Session.execute(sa.text(
            "SELECT id FROM pgindex_document "
            "WHERE site_id = :site AND state = 'active' LIMIT :limit"),
            {"site": config.get("ckan.site_id"), "limit": max_results})
        return [row.id for row in rows]

    def get_index(self, reference: str) -> dict[str, Any]:
        # CKAN may pass a result row (bulk updates do): as Solr's query
        # string, its text form simply finds nothing
        reference = str(reference)
        row = model.Session.execute(sa.text(
            "SELECT d.*, p.data_dict, p.validated_data_dict "
            "FROM pgindex_document d "
            "JOIN pgindex_payload p ON p.id = d.id "
            "WHERE d.site_id = :site AND (d.id = :ref OR d.name = :ref) "
            "LIMIT 1"),
            {"site": config.get("ckan.site_id"), "ref": reference}
        ).mappings().first()
        if row is None:
            raise SearchError(
                f"Dataset not found in the search index: {reference}")
        document = _stored_document(row)
        document["permission_labels"] = list(row["permission_labels"])
        document["metadata_modified"] = _solr_date(row["metadata_modified"])
        document["metadata_created"] = _solr_date(row["metadata_created"])
        return document

    def run(self, query: dict[str, Any],
            permission_labels: Optional[list[str]] = None,
            **kwargs: Any) -> dict[str, Any]:
        unknown = set(query) - KNOWN_PARAMETERS
        if unknown:
            raise SearchSyntaxError(
                "search", tk._("Invalid search parameters: {names}").format(
                    names=", ".join(sorted(unknown))))
        _check_strings(query)
        query = local_params.rewrite(query)
        params = SqlParams()
        conditions, rank = _conditions(query, permission_labels, params)
        rows = _integer(query.get("rows", 10), "rows")
        start = _integer(query.get("start", 0), "start")
        order = _order_by(query.get("sort"), permission_labels)
        fl = _field_list(query.get("fl"))
        facet_fields = _facet_fields(query)
        limit = _integer(query.get("facet.limit",
                                   config.get("search.facets.limit")),
                         "facet.limit", minimum=-BIGINT_MAX)
        mincount = _integer(query.get("facet.mincount", 1), "facet.mincount")

        plan = _statement(where=conditions, rank=rank, order=order,
                          fl=fl, facet_fields=facet_fields, limit=limit,
                          mincount=mincount, rows=rows, start=start,
                          params=params)
        with _search_savepoint() as settings:
            generation = cache.generation(settings)
            _look_up_terms(params)
            key = (generation, plan.summary_key) if generation else None
            summary = cache.summaries.get(key) if key else None
            if summary is None:
                result = model.Session.execute(sa.text(plan.full),
                                               params.values).all()
                summary = _summary(result, facet_fields)
                if key:
                    cache.summaries.put(key, summary, cache.size(),
                                        weight=summary.weight)
            else:
                result = model.Session.execute(sa.text(plan.page),
                                               params.values).all()

        self.count = summary.count
        # a copy: callers may change what they are given
        self.facets = {facet: dict(counts)
                       for facet, counts in summary.facets.items()}
        self.results = [_result(row, fl) for row in result if row.part == 1]
        return {"results": self.results, "count": self.count}


# What a term parameter becomes when no document has its value: term
# numbers carry a field code of at least 1 in their high bits, so none is 0.
NO_TERM = 0


def _look_up_terms(params: SqlParams) -> None:
    """Give every term parameter its term's number (or NO_TERM)."""
    if not params.terms:
        return
    names = list(params.terms)
    pairs = [params.terms[name] for name in names]
    found = {(row.field, row.value): row.id for row in model.Session.execute(
        sa.text("SELECT t.field, t.value, t.id FROM pgindex_term t "
                "JOIN unnest(CAST(:fields AS text[]), CAST(:vals AS text[])) "
                "AS u(field, value) "
                "ON t.field = u.field AND t.value = u.value"),
        {"fields": [f for f, _ in pairs], "vals": [v for _, v in pairs]})}
    for name, pair in zip(names, pairs):
        params.values[name] = found.get(pair, NO_TERM)


WORK_MEM = re.compile(r"\s*([0-9]{1,9})\s*(kB|MB|GB|TB)?\s*")
WORK_MEM_UNITS = {None: 1, "kB": 1, "MB": 1024, "GB": 1024 ** 2,
                  "TB": 1024 ** 3}


def check_work_mem(value: Any) -> None:
    """Refuse a ``ckanext.pgindex.work_mem`` PostgreSQL would refuse.

    Checked at start-up: otherwise every search would fail with it.
    """
    if not value:
        return
    match = WORK_MEM.fullmatch(str(value))
    kilobytes = (int(match.group(1)) * WORK_MEM_UNITS[match.group(2)]
                 if match else 0)
    if not 64 <= kilobytes <= 2 ** 31 - 1:
        raise CkanConfigurationException(
            f"ckanext.pgindex.work_mem = {value!r} is not a PostgreSQL "
            "work_mem: a size from 64kB to 2TB such as 16MB (or empty for "
            "the server's setting).")


class Summary(NamedTuple):
    """What a search counts: its matches and every facet."""

    count: int
    facets: dict[str, dict[str, int]]

    @property
    def weight(self) -> int:
        """What it costs the cache to keep: its facet values, plus one."""
        return 1 + sum(map(len, self.facets.values()))


def _summary(result: list[Any], facet_fields: list[str]) -> Summary:
    count = 0
    facets: dict[str, dict[str, int]] = {facet: {} for facet in facet_fields}
    for row in result:
        if row.part == 0:
            count = row.n
        elif row.part == 2:
            facets[row.facet][row.value] = row.n
    return Summary(count, facets)


@contextlib.contextmanager
def _search_savepoint() -> Iterator[Any]:
    """A savepoint for the statements of one search; yields its settings.

    The savepoint is always rolled back (a search writes nothing): that
    ends its local settings (``statement_timeout``, ``jit``, ``work_mem``),
    and a search that fails leaves the caller's transaction, and any write
    it made before searching, as it was. The settings row tells the summary
    cache the index's generation (:mod:`ckanext.pgindex.cache`).
    """
    timeout = int(config.get("ckanext.pgindex.statement_timeout") or 0)
    work_mem = config.get("ckanext.pgindex.work_mem")
    savepoint = model.Session.begin_nested()
    try:
        # JIT compiling a statement of many clauses takes seconds, far more
        # than running it on an index
        yield model.Session.execute(sa.text(
            "SELECT set_config('jit', 'off', true)"
            + (", set_config('statement_timeout', :t, true)" if timeout > 0
               else "")
            + (", set_config('work_mem', :w, true)" if work_mem else "")
            + ", " + cache.GENERATION_COLUMNS),
            {"t": f"{timeout}ms", "w": work_mem}).one()
    except sa.exc.DBAPIError as error:
        code = getattr(error.orig, "pgcode", None) or ""
        if code == QUERY_CANCELED:
            raise SearchSyntaxError("search", tk._(
                "The search took too long and was stopped (after {seconds} "
                "seconds): make it simpler or narrower.").format(
                    seconds=f"{timeout / 1000:g}"))
        if isinstance(error, sa.exc.DataError) or code.startswith(
                PROGRAM_LIMIT):
            log.warning("A search could not be run: %s",
                        str(error.orig).split("\n")[0])
            raise SearchSyntaxError("search", tk._(
                "The search could not be run: check the values of q, fq "
                "and fq_list."))
        raise
    finally:
        savepoint.rollback()


def _check_strings(query: dict[str, Any]) -> None:
    """Refuse NUL characters and unpaired surrogates in any parameter."""
    for name, value in query.items():
        pending = [value]
        while pending:
            item = pending.pop()
            if isinstance(item, str):
                check_text(name, item)
            elif isinstance(item, (list, tuple)):
                pending.extend(item)
            elif isinstance(item, dict):
                pending.extend(item.keys())
                pending.extend(item.values())


class SearchPlan(NamedTuple):
    """The SQL of one search.

    ``full`` answers it all in one statement; ``page`` only its page of
    results, for when the count and facets come from the summary cache,
    whose key is ``summary_key`` (the conditions, the SQL of the counts and
    the values bound to them).
    """

    full: str
    page: str
    summary_key: str


def _statement(*, where: list[str], rank: list[str], order: str,
               fl: list[str], facet_fields: list[str], limit: int,
               mincount: int, rows: int, start: int,
               params: SqlParams) -> SearchPlan:
    """The SQL answering a search.

    In ``full``, a materialised CTE holds the matching rows; from it come
    the count (part 0), the page in order (part 1) and every facet (part
    2): the term-backed ones in a single pass over integer ids, any other
    from the JSON fields. In ``page``, the same CTE is inlined so that the
    planner can read the page off an index in order.
    """
    score = (f"ts_rank_cd('{RANK_WEIGHTS}', d.search_vector, "
             f"({' || '.join(rank)}), 1)" if rank else "0::real")
    where_sql = " AND ".join(f"({c})" for c in where) or "TRUE"
    term_facets = [f for f in facet_fields if is_faceted(f)]
    json_facets = [f for f in facet_fields if not is_faceted(f)]
    needs_fields = bool(json_facets) or "hits.fields" in order
    counts = [
        "SELECT 0 AS part, NULL::text AS facet, NULL::text AS value, "
        "count(*) AS n, 0::bigint AS ord, NULL::real AS score, "
        "NULL::text AS id, NULL::text AS data FROM hits",
    ]
    limit_sql = "" if limit < 0 else f"WHERE rank <= {params(limit)}"
    if term_facets:
        counts.append(
            "SELECT 2, field, value, n, -n, NULL, NULL, NULL FROM ("
            "SELECT t.field, t.value, c.n, row_number() OVER ("
            "PARTITION BY t.field ORDER BY c.n DESC, t.value) AS rank "
            "FROM (SELECT term, count(*) AS n FROM ("
            "SELECT unnest(hits.terms) AS term FROM hits) AS u "
            f"WHERE (term >> {TERM_FIELD_SHIFT}) = ANY(ARRAY("
            "SELECT code FROM pgindex_field WHERE name = ANY("
            f"{params(term_facets, 'text[]')}))) GROUP BY term) AS c "
            "JOIN pgindex_term t ON t.id = c.term "
            f"WHERE c.n >= {params(mincount)}) AS f {limit_sql}")
    for facet in json_facets:
        counts.append(
            f"SELECT 2, {params(facet)}, value, n, -n, NULL, NULL, NULL "
            "FROM ("
            "SELECT value, count(*) AS n, row_number() OVER ("
            "ORDER BY count(*) DESC, value) AS rank FROM hits, "
            f"jsonb_array_elements_text(hits.fields -> {params(facet)}) "
            f"AS value GROUP BY value HAVING count(*) >= "
            f"{params(mincount)}) AS f {limit_sql}")
    hits = (
        f"SELECT d.id, {score} AS score, d.name, d.title_sort, "
        "d.metadata_modified, d.metadata_created"
        + (", d.terms" if term_facets else "")
        + "".join(f", d.{c}" for c in ("state", "capacity",
                                        "dataset_type", "site_id")
                  if f"hits.{c}" in order)
        + (", d.fields" if needs_fields else "")
        + f" FROM pgindex_document d WHERE {where_sql}")
    # The count and facets depend on the conditions, the counting SQL and
    # what was bound so far; not on the sort, the score or the page.
    summary_key = json.dumps([where_sql, counts, params.values],
                             sort_keys=True, default=str)
    page = (
        "SELECT 1 AS part, NULL::text AS facet, NULL::text AS value, "
        "0::bigint AS n, "
        f"row_number() OVER (ORDER BY {order}) AS ord, "
        f"hits.score, hits.id, {_payload_column(fl)} AS data FROM ("
        f"SELECT * FROM hits ORDER BY {order} "
        f"LIMIT {params(rows)} OFFSET {params(start)}) AS hits "
        "JOIN pgindex_document d ON d.id = hits.id "
        "JOIN pgindex_payload p ON p.id = hits.id")
    return SearchPlan(
        full=(f"WITH hits AS MATERIALIZED ({hits}) "
              + " UNION ALL ".join([counts[0], page, *counts[1:]])
              + " ORDER BY part, ord, value"),
        page=(f"WITH hits AS NOT MATERIALIZED ({hits}) {page} "
              "ORDER BY ord"),
        summary_key=summary_key)


def _conditions(query: dict[str, Any], labels: Optional[list[str]],
                params: SqlParams) -> tuple[list[str], list[str]]:
    """SQL conditions of every filter of the query, and its rank tsqueries."""
    conditions: list[str] = [f"d.site_id = {params(config.get('ckan.site_id'))}"]
    rank: list[str] = []
    filters: list[tuple[str, str]] = []
    budget = SearchBudget()
    if query.get("fq"):
        filters.append(("fq", query["fq"]))
    fq_list = query.get("fq_list") or []
    if not isinstance(fq_list, (list, tuple)):
        raise SearchSyntaxError("fq_list", tk._("Must be a list of strings."))
    for item in fq_list:
        filters.append(("fq_list", item))
    q = query.get("q")
    if q is not None and not isinstance(q, str):
        raise SearchSyntaxError("q", tk._("Must be a string."))
    for name, value in filters + [("q", q or "")]:
        if not isinstance(value, str):
            raise SearchSyntaxError(name, tk._("Must be a string."))
        budget.spend_characters(name, value)
    for name, value in filters:
        if value.strip():
            condition = to_sql(name, parse(name, value, budget), params)
            conditions.append(condition.sql)
    if not any("+state:" in value for _, value in filters):
        conditions.append("d.state = 'active'")
    if labels is not None:
        conditions.append(
            f"d.permission_labels && {params(list(labels), 'text[]')}")

    if isinstance(q, str) and q.strip() and q.strip() not in ("*:*", '""',
                                                              "''"):
        condition = _free_text(q, query.get("defType"), params, budget)
        conditions.append(condition.sql)
        rank.extend(condition.rank)
    return conditions, rank


def _free_text(q: str, def_type: Optional[str], params: SqlParams,
               budget: SearchBudget) -> Condition:
    """``q``: Lucene syntax; a plain query that does not parse is read as words.

    CKAN sends ``q`` without a colon to Solr's forgiving dismax parser, so
    for those a syntax slip (an unbalanced quote or bracket) falls back to
    searching the words; a fielded query must be valid.
    """
    check_unsupported("q", q)
    lenient = ":" not in q and def_type != "lucene"
    try:
        node = parse("q", q, budget)
    except SearchLimitError:
        raise
    except SearchSyntaxError:
        if not lenient:
            raise
        words = re.findall(r"\w[\w.\-]*", q)
        if not words:
            return Condition("TRUE")
        # each word quoted, so that none is read as an operator
        node = parse("q", " ".join(f'"{word}"' for word in words), budget)
    return to_sql("q", node, params)


def integer_or_none(value: Any, minimum: int = 0,
                    maximum: int = BIGINT_MAX) -> Optional[int]:
    """``value`` as a whole number from ``minimum`` to ``maximum``, or None.

    Integers, integral floats and strings of up to 19 digits qualify;
    booleans, lists and anything else do not.
    """
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*[+-]?[0-9]{1,19}\s*",
                                                 value):
        number = int(value)
    else:
        number = None
    if number is None or not minimum <= number <= maximum:
        return None
    return number


def _integer(value: Any, name: str, minimum: int = 0,
             maximum: int = BIGINT_MAX) -> int:
    """A whole number parameter, from ``minimum`` to ``maximum``."""
    number = integer_or_none(value, minimum, maximum)
    if number is None:
        raise SearchSyntaxError(name, tk._(
            "Must be a whole number from {minimum} to {maximum}.").format(
                minimum=minimum, maximum=maximum))
    return number


def _field_list(fl: Any) -> list[str]:
    """The fields each result carries; Solr's (and CKAN's) default: name."""
    if not fl:
        return ["name"]
    names = fl if isinstance(fl, list) else re.split(r"[\s,]+", str(fl))
    names = [n for n in names if n]
    for name in names:
        if name not in ("*", "score") and not FIELD_NAME.fullmatch(name):
            raise SearchSyntaxError("fl", tk._(
                "Invalid field name: {name}").format(name=name))
    return names


def _payload_column(fl: list[str]) -> str:
    """The stored text a result row needs: a JSON copy, or every field."""
    if fl == ["id", "validated_data_dict"]:
        return "p.validated_data_dict"
    if fl == ["id", "data_dict"]:
        return "p.data_dict"
    if fl in (["id"], ["name"]):
        return "d.name"
    return ("json_build_object('fields', d.fields, 'texts', d.texts, "
            "'data_dict', p.data_dict, "
            "'validated_data_dict', p.validated_data_dict, "
            "'metadata_modified', d.metadata_modified, "
            "'metadata_created', d.metadata_created, "
            "'permission_labels', d.permission_labels)::text")


def _stored_document(stored: Any) -> dict[str, Any]:
    """An index row as Solr would return it: single values unwrapped."""
    document: dict[str, Any] = {
        k: (v[0] if k not in MULTI_VALUED and len(v) == 1 else v)
        for k, v in stored["fields"].items()}
    document.update(stored["texts"])
    document["data_dict"] = stored["data_dict"]
    document["validated_data_dict"] = stored["validated_data_dict"]
    return document


def _result(row: Any, fl: list[str]) -> Any:
    """One result as CKAN's Solr query returns it.

    A dataset's id or name alone when ``fl`` asks for just that, else a dict
    of the fields asked for, the ``extras_*`` ones gathered under ``extras``.
    """
    if fl == ["id"]:
        return row.id
    if fl == ["name"]:
        return row.data
    if fl == ["id", "validated_data_dict"] or fl == ["id", "data_dict"]:
        return {"id": row.id, fl[1]: row.data, "extras": {}}
    data = json.loads(row.data)
    document = _stored_document(data)
    document["permission_labels"] = data["permission_labels"]
    for key in ("metadata_modified", "metadata_created"):
        if data[key]:
            document[key] = _solr_date(data[key], exact=True)
    document["id"] = row.id
    document["score"] = row.score
    if "*" not in fl:
        document = {name: document[name] for name in fl if name in document}
    document["extras"] = {key[len("extras_"):]: document.pop(key)
                          for key in list(document)
                          if key.startswith("extras_")}
    return document


def _solr_date(value: Any, exact: bool = False) -> Optional[str]:
    """A timestamp as Solr returns it: UTC, to the millisecond, with a Z.

    ``exact`` keeps every fractional digit, as ``package_show`` shows it,
    so that a value returned by ``fl`` can bound a range that includes it.
    """
    if not value:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    value = value.astimezone(timezone.utc).replace(tzinfo=None)
    if exact:
        return value.isoformat() + "Z"
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    millis = value.microsecond // 1000
    return f"{text}.{millis:03d}Z" if millis else f"{text}Z"


def _facet_fields(query: dict[str, Any]) -> list[str]:
    if str(query.get("facet", "true")).lower() == "false":
        return []
    fields = query.get("facet.field") or []
    if isinstance(fields, str):
        try:
            fields = json.loads(fields)
        except ValueError:
            fields = [fields]
    if not isinstance(fields, list):
        raise SearchSyntaxError("facet.field", tk._("Must be a list."))
    if len(fields) > MAX_FACET_FIELDS:
        raise SearchSyntaxError("facet.field", tk._(
            "Too many facet fields: at most {limit}.").format(
                limit=MAX_FACET_FIELDS))
    for name in fields:
        if not isinstance(name, str) or not FIELD_NAME.fullmatch(name):
            raise SearchSyntaxError("facet.field", tk._(
                "Invalid field name: {name}").format(name=name))
    return list(dict.fromkeys(fields))


SORTABLE_COLUMNS = {
    "score": "hits.score", "rank": "hits.score",
    "metadata_modified": "hits.metadata_modified",
    "metadata_created": "hits.metadata_created",
    "title_string": "hits.title_sort", "name": "hits.name", "id": "hits.id",
}
# Fields CKAN itself sorts by although no document may have them: tracking's
# counts (the dataset page offers "views_recent desc") and the home page's
# "view_recent desc" (ckan/views/home.py). Without values they sort last.
CKAN_SORT_FIELDS = {"views_recent", "views_total", "view_recent"}


def _order_by(sort: Any, labels: Optional[list[str]] = None) -> str:
    """SQL ORDER BY of a Solr sort (``score desc, metadata_modified desc``).

    A field is sortable if it is a column (``SORTABLE_COLUMNS``,
    ``COLUMN_FIELDS``) or a dataset the caller may see (``labels``, None:
    any) has it (:func:`_is_indexed`); any other name is refused, as Solr
    refuses an unknown field.
    """
    sort = sort or "score desc, metadata_modified desc"
    if not isinstance(sort, str):
        raise SearchSyntaxError("sort", tk._("Must be a string."))
    parts = sort.split(",")
    if len(parts) > MAX_SORT_FIELDS:
        raise SearchSyntaxError("sort", tk._(
            "Too many sort fields: at most {limit}.").format(
                limit=MAX_SORT_FIELDS))
    clauses = []
    for part in parts:
        words = part.split()
        if not words:
            continue
        # Solr needs the direction: "name" alone is an error
        if len(words) != 2 or words[1].lower() not in ("asc", "desc"):
            raise SearchSyntaxError("sort", tk._(
                'Invalid sort "{part}": use a field name followed by asc '
                "or desc.").format(part=part.strip()))
        name = words[0]
        direction = words[1].upper()
        if name in SORTABLE_COLUMNS:
            column = SORTABLE_COLUMNS[name]
        elif name in COLUMN_FIELDS:
            column = f"hits.{name}"
        elif FIELD_NAME.fullmatch(name):
            if name not in CKAN_SORT_FIELDS and not _is_indexed(name,
                                                                labels):
                raise SearchSyntaxError("sort", tk._(
                    'Cannot sort by "{name}": no indexed dataset has this '
                    "field.").format(name=name))
            column = f"(hits.fields -> '{name}' ->> 0)"
        else:
            raise SearchSyntaxError("sort", tk._(
                'Invalid sort "{part}": use a field name followed by asc '
                "or desc.").format(part=part.strip()))
        clauses.append(f"{column} {direction} NULLS LAST")
    clauses.append("hits.id ASC")
    return ", ".join(clauses)


def _is_indexed(name: str, labels: Optional[list[str]] = None) -> bool:
    """Whether a dataset the caller may see has field ``name``, so that
    the search can sort by it.

    Decided under the caller's permission labels (``labels``; None: every
    dataset), the condition the search itself uses, so the answer says
    nothing about datasets the caller cannot see. ``extras_*`` copies
    (text in CKAN's Solr schema) never sort.
    """
    if name.startswith(("extras_", "res_extras_")):
        return False
    sql = ("SELECT EXISTS (SELECT 1 FROM pgindex_document "
           "WHERE site_id = :site AND fields ? :name"
           + ("" if labels is None
              else " AND permission_labels && CAST(:labels AS text[])")
           + ")")
    return bool(model.Session.execute(sa.text(sql), {
        "name": name, "site": config.get("ckan.site_id"),
        "labels": list(labels or [])}).scalar())
