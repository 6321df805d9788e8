"""Solr query syntax, as CKAN and its clients write it, translated to SQL.

``q``, ``fq`` and every ``fq_list`` item are parsed with luqum (a Lucene
query parser) and the tree is walked into a SQL condition over
``pgindex_document`` (aliased ``d``). Field semantics follow CKAN's
Solr schema: ``title``, ``notes``, ``text``, ``res_name``,
``res_description``, ``author``, ``maintainer`` and ``extras_*`` are
tokenized text; every other field is an exact string, as Solr's catch-all
``*`` field is; ``metadata_created``/``metadata_modified`` and ``*_date``
fields are dates with Solr's date math (``NOW-1DAY/DAY``).

Every search is bounded (see "What a search survives" in docs/pgindex.md):
its length, its number of clauses and how deeply they nest are capped
before anything is translated, and luqum's parser, which is not
thread-safe, is used through a copy of its own in every thread.
"""
from __future__ import annotations

import copy
import json
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Callable

from dateutil.relativedelta import relativedelta
from luqum import parser as luqum_parser, tree
from luqum.exceptions import ParseError

from ckan.plugins import toolkit as tk

from ckanext.pgindex.document import (
    FACET_VALUE_MAX, is_faceted, split_words, split_words_sql,
)
from ckanext.pgindex.errors import SearchSyntaxError

# Fields CKAN's Solr schema tokenizes (matched word by word).
TEXT_FIELDS = {"text", "title", "notes", "res_name", "res_description",
               "author", "maintainer", "urls"}
# Fields that live in their own column of the index table.
COLUMN_FIELDS = {"id": "d.id", "name": "d.name", "state": "d.state",
                 "capacity": "d.capacity", "dataset_type": "d.dataset_type",
                 "site_id": "d.site_id"}
DATE_COLUMNS = {"metadata_created": "d.metadata_created",
                "metadata_modified": "d.metadata_modified"}
FIELD_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")  # use fullmatch
LOCAL_PARAMS = re.compile(r"(?:^|[^\\])(?:\\\\)*\{!")
MAGIC_FIELDS = re.compile(r"(?<![\w\\])_(?:query|val)_\s*:")
DATE_MATH = re.compile(r"([+-])(\d+)([A-Z]+)|/([A-Z]+)")
# An ISO 8601 date or time in UTC, as precise as its writer wanted.
ISO_MOMENT = re.compile(
    r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2})"
    r"(?:\.(?P<fraction>\d+))?)?)?)?)?)?Z?")
# How *_date values are indexed (document.py): ISO 8601 UTC text.
INDEXED_DATE = ("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                "([.][0-9]+)?Z$")
UNITS = {
    "YEAR": "years", "YEARS": "years", "MONTH": "months", "MONTHS": "months",
    "DAY": "days", "DAYS": "days", "DATE": "days", "HOUR": "hours",
    "HOURS": "hours", "MINUTE": "minutes", "MINUTES": "minutes",
    "SECOND": "seconds", "SECONDS": "seconds",
}
# Solr's /UNIT rounding: every smaller part goes to its lowest value.
TRUNCATE = [("years", "month", 1), ("months", "day", 1), ("days", "hour", 0),
            ("hours", "minute", 0), ("minutes", "second", 0),
            ("seconds", "microsecond", 0)]


# Limits of one search: q, fq and every fq_list item together.
MAX_QUERY_LENGTH = 10_000  # characters
MAX_CLAUSES = 1024  # terms, phrases and ranges, as Solr's maxBooleanClauses
MAX_DEPTH = 40  # levels of parentheses, operators and field groups
MAX_DATE_AMOUNT = 10 ** 6  # the largest number in date math (+1000000DAYS)


class SearchLimitError(SearchSyntaxError):
    """A search past one of the limits: too long, too many clauses, too
    deeply nested. Never read again as plain words."""


@dataclass
class SearchBudget:
    """What is left of the limits of one search while its parts are read."""

    characters: int = MAX_QUERY_LENGTH
    clauses: int = MAX_CLAUSES

    def spend_characters(self, parameter: str, value: str) -> None:
        self.characters -= len(value)
        if self.characters < 0:
            raise SearchLimitError(parameter, tk._(
                "The search is too long: q, fq and fq_list may hold at most "
                "{limit} characters together.").format(limit=MAX_QUERY_LENGTH))

    def spend_clauses(self, parameter: str, count: int) -> None:
        self.clauses -= count
        if self.clauses < 0:
            raise SearchLimitError(parameter, tk._(
                "Too many clauses: q, fq and fq_list may hold at most {limit} "
                "terms, phrases and ranges together.").format(
                    limit=MAX_CLAUSES))


@dataclass
class SqlParams:
    """Bind parameters collected while SQL text is built."""

    values: dict[str, Any] = field(default_factory=dict)
    # parameters that stand for the number of a facet term, by name: until
    # the search looks the numbers up (ckanext.pgindex.query), their value
    # is the (field, value) pair itself
    terms: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __call__(self, value: Any, cast: str | None = None) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"CAST(:{name} AS {cast})" if cast else f":{name}"

    def term(self, fieldname: str, value: str) -> str:
        """A parameter for the number of the term (``fieldname``, ``value``).

        Looked up before the statement runs rather than in it, so that the
        planner sees a constant and estimates from the index's statistics
        how many rows hold the term.
        """
        name = f"p{len(self.values)}"
        self.values[name] = [fieldname, value]
        self.terms[name] = (fieldname, value)
        return f"CAST(:{name} AS bigint)"


@dataclass
class Condition:
    """A SQL condition and the tsqueries that rank what it matches."""

    sql: str
    rank: list[str] = field(default_factory=list)


def check_unsupported(parameter: str, value: str) -> None:
    """Refuse Solr features that reach past plain query syntax."""
    if LOCAL_PARAMS.search(value):
        raise SearchSyntaxError(parameter, tk._(
            "Local parameters ({!...}) are not supported."))
    if MAGIC_FIELDS.search(value):
        raise SearchSyntaxError(parameter, tk._(
            "The magic fields _query_ and _val_ are not supported."))


def check_text(parameter: str, value: str) -> None:
    """Refuse characters PostgreSQL cannot store: NUL, unpaired surrogates."""
    if "\x00" in value or UNPAIRED_SURROGATE.search(value):
        raise SearchSyntaxError(parameter, tk._(
            "Contains a character that is not allowed (a NUL character or "
            "an unpaired surrogate)."))


UNPAIRED_SURROGATE = re.compile("[\ud800-\udfff]")

_thread_state = threading.local()


def _parse_tree(value: str) -> tree.Item:
    """luqum's parse, with this thread's own copy of its parser and lexer.

    luqum's module-level ply parser and lexer keep the state of the parse
    in progress, so two threads parsing at once corrupt each other's
    trees. The copies share the (read-only) parsing tables.
    """
    state = _thread_state.__dict__
    if "parser" not in state:
        own = copy.copy(luqum_parser.parser)
        # luqum replaces the shared parser's parse with one bound to it
        own.__dict__.pop("parse", None)
        state["parser"] = own
        state["lexer"] = luqum_parser.lexer.clone()
    return state["parser"].parse(value, lexer=state["lexer"])


def parse(parameter: str, value: str,
          budget: SearchBudget | None = None) -> tree.Item:
    """The luqum tree of a q or fq value, within the limits of the search."""
    check_unsupported(parameter, value)
    try:
        node = _parse_tree(_solr_operators(value))
    except RecursionError:
        raise too_deep(parameter)
    except (ParseError, TypeError, ValueError, ArithmeticError) as error:
        raise SearchSyntaxError(parameter, tk._(
            "Invalid query syntax: {error}").format(error=_short(error)))
    (budget or SearchBudget()).spend_clauses(parameter,
                                             _count_clauses(parameter, node))
    return node


def to_sql(parameter: str, node: tree.Item, params: SqlParams) -> Condition:
    """The SQL condition of a parsed q or fq value."""
    try:
        return Translator(parameter, params).translate(node)
    except RecursionError:
        raise too_deep(parameter)


def too_deep(parameter: str) -> SearchLimitError:
    return SearchLimitError(parameter, tk._(
        "The query is nested too deeply: at most {limit} levels of "
        "parentheses and operators.").format(limit=MAX_DEPTH))


def _count_clauses(parameter: str, node: tree.Item) -> int:
    """The number of clauses (terms, phrases, ranges) of a tree; refuses
    trees nested deeper than MAX_DEPTH. Iterative, so any depth is safe."""
    clauses = 0
    stack = [(node, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise too_deep(parameter)
        children = item.children
        if not children or isinstance(item, (tree.Range, tree.From,
                                             tree.To)):
            clauses += 1
            continue
        stack.extend((child, depth + 1) for child in children)
    return clauses


def _solr_operators(value: str) -> str:
    """Solr's ``&&``, ``||`` and ``!`` as the AND, OR and NOT luqum knows.

    As in Lucene's parser, ``&&`` and ``||`` count only as words of their
    own and ``!`` only at the start of a word; quoted phrases, escaped
    characters and range bounds are left alone. Each ``!`` of a chain
    (``!!x``) is an operator too, so that the translator refuses two
    operators in a row and a long chain meets the depth limit.
    """
    if not any(mark in value for mark in ("&&", "||", "!")):
        return value
    out: list[str] = []
    index, quoted, ranges = 0, False, 0
    length = len(value)

    bang_at = -2  # where the last "!" read as NOT was

    def boundary(position: int) -> bool:
        return (position < 0 or position >= length
                or value[position].isspace() or value[position] in "()"
                or position == bang_at)

    while index < length:
        char = value[index]
        if char == "\\":
            out.append(value[index:index + 2])
            index += 2
            continue
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "[{":
            ranges += 1
        elif not quoted and char in "]}" and ranges:
            ranges -= 1
        elif not quoted and not ranges and boundary(index - 1):
            pair = value[index:index + 2]
            if pair in ("&&", "||") and boundary(index + 2):
                out.append(" AND " if pair == "&&" else " OR ")
                index += 2
                continue
            if char == "!":
                out.append(" NOT ")
                bang_at = index
                index += 1
                continue
        out.append(char)
        index += 1
    return "".join(out)


def _short(error: Exception) -> str:
    return str(error).split("\n")[0][:200]


class Translator:
    """Walks a luqum tree into SQL, for one search parameter."""

    def __init__(self, parameter: str, params: SqlParams,
                 default_field: str = "text") -> None:
        self.parameter = parameter
        self.params = params
        self.default_field = default_field

    def error(self, message: str) -> SearchSyntaxError:
        return SearchSyntaxError(self.parameter, message)

    # -- structure ---------------------------------------------------------

    def translate(self, node: tree.Item, fieldname: str | None = None,
                  negated: bool = False) -> Condition:
        if isinstance(node, (tree.AndOperation, tree.UnknownOperation)):
            return self._join(node, "AND", fieldname, negated)
        if isinstance(node, tree.OrOperation):
            return self._join(node, "OR", fieldname, negated)
        if isinstance(node, (tree.Not, tree.Prohibit, tree.Plus)) and \
                isinstance(node.a, (tree.Not, tree.Prohibit, tree.Plus)):
            # "--x", "+-x", "!!x", "NOT -x": Lucene (and Solr) refuse two
            # operators in a row
            raise self.error(tk._("Invalid query syntax: {part}").format(
                part=str(node)))
        if isinstance(node, (tree.Not, tree.Prohibit)):
            inner = self.translate(node.a, fieldname, not negated)
            return Condition(f"(NOT {inner.sql})")
        if isinstance(node, tree.Plus):
            return self.translate(node.a, fieldname, negated)
        if isinstance(node, (tree.Group, tree.FieldGroup)):
            return self.translate(node.expr, fieldname, negated)
        if isinstance(node, tree.Boost):
            return self.translate(node.expr, fieldname, negated)
        if isinstance(node, tree.SearchField):
            name = node.name
            if name != "*" and not FIELD_NAME.fullmatch(name):
                raise self.error(tk._("Invalid field name: {name}").format(
                    name=name))
            return self.translate(node.expr, name, negated)
        target = fieldname or self.default_field
        if isinstance(node, tree.Range):
            return self.range(target, node.low, node.high,
                              node.include_low, node.include_high)
        if isinstance(node, tree.From):
            return self.range(target, node.a, tree.Word("*"),
                              node.include, True)
        if isinstance(node, tree.To):
            return self.range(target, tree.Word("*"), node.a, True,
                              node.include)
        if isinstance(node, tree.Phrase):
            return self.term(target, _unquote(node.value), phrase=True,
                             negated=negated)
        if isinstance(node, tree.Word):
            return self.term(target, node.value, phrase=False,
                             negated=negated)
        if isinstance(node, (tree.Fuzzy, tree.Proximity)):
            raise self.error(tk._(
                "Fuzzy and proximity searches (~) are not supported."))
        if isinstance(node, tree.Regex):
            raise self.error(tk._(
                "Regular expression searches are not supported."))
        raise self.error(tk._("Unsupported query syntax: {part}").format(
            part=str(node)))

    def _join(self, node: tree.BaseOperation, operator: str,
              fieldname: str | None, negated: bool) -> Condition:
        parts = [self.translate(child, fieldname, negated)
                 for child in node.children]
        return Condition(
            "(" + f" {operator} ".join(p.sql for p in parts) + ")",
            [r for p in parts for r in p.rank])

    # -- leaves ------------------------------------------------------------

    def term(self, fieldname: str, raw: str, phrase: bool,
             negated: bool) -> Condition:
        if fieldname == "*":
            if raw == "*":
                return Condition("TRUE")
            raise self.error(tk._("Only *:* may use the field *."))
        wildcard = not phrase and _has_wildcard(raw)
        value = raw if phrase else _unescape(raw)

        if fieldname == "text" or fieldname in TEXT_FIELDS or \
                fieldname.startswith("extras_"):
            return self.text_term(fieldname, raw, value, phrase, wildcard,
                                  negated)
        if fieldname.endswith("_ngram"):
            base = fieldname[: -len("_ngram")]
            pattern = "%" + _like_escape(value) + "%"
            return Condition(
                f"pgindex_field_text(d.fields, d.texts, "
                f"{self.params(base)}) ILIKE {self.params(pattern)}")
        if fieldname in DATE_COLUMNS or fieldname.endswith("_date"):
            if wildcard and raw == "*":
                return self.exists(fieldname)
            start, end = self.date(value)
            return self.range_sql(fieldname, start, end)
        if fieldname == "permission_labels":
            if wildcard:
                raise self.error(tk._("Wildcards are not supported here."))
            return Condition(
                f"{self.params(value)} = ANY(d.permission_labels)")
        if fieldname in COLUMN_FIELDS:
            column = COLUMN_FIELDS[fieldname]
            if wildcard:
                if raw == "*":
                    return Condition("TRUE")
                return Condition(
                    f"{column} LIKE {self.params(_like_pattern(raw))}")
            return Condition(f"{column} = {self.params(value)}")
        if wildcard:
            if raw == "*":
                return self.exists(fieldname)
            return Condition(
                "EXISTS (SELECT 1 FROM jsonb_array_elements_text("
                f"d.fields -> {self.params(fieldname)}) AS v "
                f"WHERE v LIKE {self.params(_like_pattern(raw))})")
        if is_faceted(fieldname) and len(value) <= FACET_VALUE_MAX:
            # The value's term number (NO_TERM if no document has it): an
            # integer array containment, served by the GIN index on d.terms.
            return Condition(
                f"d.terms @> ARRAY[{self.params.term(fieldname, value)}]")
        return Condition(
            f"d.fields @> {self.params(_json({fieldname: [value]}), 'jsonb')}")

    def exists(self, fieldname: str) -> Condition:
        if fieldname in DATE_COLUMNS:
            return Condition(f"{DATE_COLUMNS[fieldname]} IS NOT NULL")
        name = self.params(fieldname)
        return Condition(f"(d.fields ? {name} OR d.texts ? {name})")

    def text_term(self, fieldname: str, raw: str, value: str, phrase: bool,
                  wildcard: bool, negated: bool) -> Condition:
        if wildcard:
            if raw == "*":
                return (Condition("TRUE") if fieldname == "text"
                        else self.exists(fieldname))
            stem = _unescape(raw[:-1]) if raw.endswith("*") else ""
            if not stem or _has_wildcard(raw[:-1]) or not _has_word(stem):
                raise self.error(tk._(
                    "Only a * at the end of a word is supported in text "
                    "searches: {term}").format(term=raw))
            words = re.findall(r"\w+", stem)
            lexemes = " & ".join(
                "'" + w.lower() + "'" + (":*" if i == len(words) - 1 else "")
                for i, w in enumerate(words))
            tsquery = f"to_tsquery('simple', {self.params(lexemes)})"
        elif not _has_word(value):
            # Only punctuation: nothing to look for, so it matches nothing.
            return Condition("FALSE")
        elif phrase:
            tsquery = ("phraseto_tsquery('simple', "
                       f"{self.params(split_words(value))})")
        else:
            tsquery = ("plainto_tsquery('simple', "
                       f"{self.params(split_words(value))})")
        if fieldname == "text":
            return Condition(f"d.search_vector @@ {tsquery}",
                             [] if negated else [tsquery])
        field_text = ("pgindex_field_text(d.fields, d.texts, "
                      f"{self.params(fieldname)})")
        vector = f"to_tsvector('simple', {split_words_sql(field_text)})"
        return Condition(f"{vector} @@ {tsquery}")

    # -- ranges and dates ----------------------------------------------------

    def range(self, fieldname: str, low: tree.Item, high: tree.Item,
              include_low: bool, include_high: bool) -> Condition:
        bounds = []
        for node in (low, high):
            if not isinstance(node, (tree.Word, tree.Phrase)):
                raise self.error(tk._("Invalid range bound: {bound}").format(
                    bound=str(node)))
            text = (_unquote(node.value) if isinstance(node, tree.Phrase)
                    else _unescape(node.value))
            bounds.append(None if text == "*" else text)
        if fieldname in DATE_COLUMNS or fieldname.endswith("_date"):
            return self.date_range(fieldname, bounds[0], bounds[1],
                                   include_low, include_high)
        if fieldname in ("text", "*") or fieldname in TEXT_FIELDS:
            raise self.error(tk._(
                "Ranges are not supported on the text field {name}.").format(
                    name=fieldname))
        # text columns (id, name...) compare as text, whatever the bounds
        numeric = fieldname not in COLUMN_FIELDS and all(
            b is None or _is_number(b) for b in bounds)
        if fieldname in COLUMN_FIELDS:
            value_sql = COLUMN_FIELDS[fieldname]
            source = ""
        else:
            value_sql = "v::numeric" if numeric else "v"
            source = (f"FROM jsonb_array_elements_text(d.fields -> "
                      f"{self.params(fieldname)}) AS v WHERE ")
            if numeric:
                source += r"v ~ '^-?[0-9]+(\.[0-9]+)?$' AND "
        checks = []
        for bound, inclusive, operator in ((bounds[0], include_low, ">"),
                                           (bounds[1], include_high, "<")):
            if bound is None:
                continue
            param = self.params(Decimal(bound) if numeric else bound,
                                "numeric" if numeric else None)
            checks.append(f"{value_sql} {operator}{'=' if inclusive else ''} "
                          f"{param}")
        predicate = " AND ".join(checks) or "TRUE"
        if not source:
            return Condition(f"({predicate})")
        return Condition(f"EXISTS (SELECT 1 {source}{predicate})")

    def date_range(self, fieldname: str, low: str | None, high: str | None,
                   include_low: bool, include_high: bool) -> Condition:
        """A range of dates; each bound stands for the period it names.

        ``[2026-01 TO 2026-03]`` runs from the first instant of January to
        the last of March: an inclusive bound includes its whole period, an
        exclusive one leaves it out.
        """
        start: datetime | None = None
        end: datetime | None = None
        if low is not None:
            low_start, low_end = self.date(low)
            start = low_start if include_low else low_end
            if start is None:  # after the end of time
                return Condition("FALSE")
        if high is not None:
            high_start, high_end = self.date(high)
            end = high_end if include_high else high_start
        return self.range_sql(fieldname, start, end)

    def range_sql(self, fieldname: str, start: datetime | None,
                  end: datetime | None) -> Condition:
        """Dates from ``start`` (included) to ``end`` (excluded)."""
        if fieldname in DATE_COLUMNS:
            column = DATE_COLUMNS[fieldname]
        else:
            # *_date values are indexed as ISO 8601 UTC text, compared as
            # instants (as text, "…:30.5Z" would sort before "…:30Z").
            column = "m.moment"
        checks = [f"{column} IS NOT NULL"]
        if start is not None:
            checks.append(f"{column} >= {self.params(start, 'timestamptz')}")
        if end is not None:
            checks.append(f"{column} < {self.params(end, 'timestamptz')}")
        predicate = " AND ".join(checks)
        if fieldname in DATE_COLUMNS:
            return Condition(f"({predicate})")
        return Condition(
            "EXISTS (SELECT 1 FROM (SELECT CASE WHEN v ~ "
            f"{self.params(INDEXED_DATE)} THEN v::timestamptz END AS moment "
            "FROM jsonb_array_elements_text(d.fields -> "
            f"{self.params(fieldname)}) AS v) AS m WHERE {predicate})")

    def date(self, text: str) -> tuple[datetime, datetime | None]:
        """The period a date names, from ISO 8601 or Solr date math."""
        return parse_solr_period(text, self.error)


def parse_solr_period(text: str, error: Callable[[str], Exception]
                      ) -> tuple[datetime, datetime | None]:
    """The period ``[start, end)`` a date value names, in UTC.

    An ISO 8601 value stands for everything its precision covers
    (``2026-12-01`` is that whole day, ``…T10:20:30Z`` that second); with
    date math (``NOW-7DAYS/DAY``) it is one instant, as in Solr. ``end`` is
    None past the year 9999.
    """
    stripped = text.strip()
    iso = ISO_MOMENT.match(stripped)
    if stripped.startswith("NOW"):
        moment, rest = datetime.now(timezone.utc), stripped[3:]
        step: relativedelta | None = None
    elif iso and iso.group("year"):
        rest = stripped[iso.end():]
        try:
            moment, step = _iso_start(iso)
        except ValueError:
            raise error(tk._("Invalid date: {value}").format(
                value=_clip(text)))
    else:
        raise error(tk._("Invalid date: {value}").format(
            value=_clip(text)))
    position = 0
    try:
        for match in DATE_MATH.finditer(rest):
            if match.start() != position:
                break
            position = match.end()
            sign, amount, name, truncate = match.groups()
            unit_name = UNITS.get(name or truncate or "")
            if unit_name is None:
                raise error(tk._("Invalid date unit in {value}").format(
                    value=_clip(text)))
            step = None  # date math gives an instant
            if truncate:
                moment = _truncate(moment, unit_name)
                continue
            if len(amount) > 7 or int(amount) > MAX_DATE_AMOUNT:
                raise OverflowError(amount)
            delta = relativedelta(**{unit_name: int(amount)})
            moment = moment + delta if sign == "+" else moment - delta
    except (OverflowError, ValueError):
        raise error(tk._(
            "Date out of range: {value} (dates run from the year 1 to "
            "9999).").format(value=_clip(text)))
    if position != len(rest):
        raise error(tk._("Invalid date math in {value}").format(
            value=_clip(text)))
    try:
        end = moment + (step or timedelta(microseconds=1))
    except (OverflowError, ValueError):
        end = None
    return moment, end


def _iso_start(iso: re.Match[str]) -> tuple[datetime, relativedelta]:
    """The first instant of an ISO 8601 value and the length of the period
    its precision names (a microsecond when fully precise)."""
    parts = iso.groupdict()
    fraction = (parts["fraction"] or "")[:6]
    moment = datetime(
        int(parts["year"]), int(parts["month"] or 1), int(parts["day"] or 1),
        int(parts["hour"] or 0), int(parts["minute"] or 0),
        int(parts["second"] or 0), int(fraction.ljust(6, "0") or 0),
        tzinfo=timezone.utc)
    if fraction:
        return moment, relativedelta(microseconds=10 ** (6 - len(fraction)))
    for name, unit in (("second", "seconds"), ("minute", "minutes"),
                       ("hour", "hours"), ("day", "days"),
                       ("month", "months")):
        if parts[name]:
            return moment, relativedelta(**{unit: 1})
    return moment, relativedelta(years=1)


def _truncate(moment: datetime, unit: str) -> datetime:
    names = [name for name, _, _ in TRUNCATE]
    lower = {part: low for _, part, low in TRUNCATE[names.index(unit):]}
    return moment.replace(**lower)


def _clip(text: str, limit: int = 80) -> str:
    """A value short enough to quote in a message."""
    return text if len(text) <= limit else text[:limit] + "…"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _unquote(value: str) -> str:
    inner = value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' \
        else value
    return re.sub(r"\\(.)", r"\1", inner)


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def _has_wildcard(raw: str) -> bool:
    return re.search(r"(?<!\\)(?:\\\\)*[*?]", raw) is not None


def _has_word(value: str) -> bool:
    return re.search(r"\w", value) is not None


def _is_number(value: str) -> bool:
    return re.fullmatch(r"-?\d+(\.\d+)?", value) is not None


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")


def _like_pattern(raw: str) -> str:
    """A Lucene wildcard term (``abc*``, ``a?c``) as a LIKE pattern."""
    out = []
    index = 0
    while index < len(raw):
        char = raw[index]
        if char == "\\" and index + 1 < len(raw):
            out.append(_like_escape(raw[index + 1]))
            index += 2
            continue
        out.append("%" if char == "*" else "_" if char == "?"
                   else _like_escape(char))
        index += 1
    return "".join(out)
