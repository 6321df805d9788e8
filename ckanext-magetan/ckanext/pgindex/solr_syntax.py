"""Solr query syntax, as CKAN and its clients write it, translated to SQL.

``q``, ``fq`` and every ``fq_list`` item are parsed with luqum (a Lucene
query parser) and the tree is walked into a SQL condition over
``pgindex_document`` (aliased ``d``). Field semantics follow CKAN's
Solr schema: ``title``, ``notes``, ``text``, ``res_name``,
``res_description``, ``author``, ``maintainer`` and ``extras_*`` are
tokenized text; every other field is an exact string, as Solr's catch-all
``*`` field is; ``metadata_created``/``metadata_modified`` and ``*_date``
fields are dates with Solr's date math (``NOW-1DAY/DAY``).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from dateutil.parser import isoparse
from dateutil.relativedelta import relativedelta
from luqum import tree
from luqum.exceptions import ParseError
from luqum.parser import parser

from ckan.plugins import toolkit as tk

from ckanext.pgindex.document import FACET_VALUE_MAX, is_faceted
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
FIELD_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
LOCAL_PARAMS = re.compile(r"(?:^|[^\\])(?:\\\\)*\{!")
MAGIC_FIELDS = re.compile(r"(?<![\w\\])_(?:query|val)_\s*:")
DATE_MATH = re.compile(r"([+-])(\d+)([A-Z]+)|/([A-Z]+)")
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


@dataclass
class SqlParams:
    """Bind parameters collected while SQL text is built."""

    values: dict[str, Any] = field(default_factory=dict)

    def __call__(self, value: Any, cast: str | None = None) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"CAST(:{name} AS {cast})" if cast else f":{name}"


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


def parse(parameter: str, value: str) -> tree.Item:
    check_unsupported(parameter, value)
    try:
        return parser.parse(value)
    except (ParseError, TypeError, ValueError) as error:
        raise SearchSyntaxError(parameter, tk._(
            "Invalid query syntax: {error}").format(error=_short(error)))


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
        if isinstance(node, (tree.Prohibit, tree.Plus)) and \
                isinstance(node.a, (tree.Prohibit, tree.Plus)):
            # "--x", "+-x": Lucene (and Solr) refuse two operators in a row
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
            if name != "*" and not FIELD_NAME.match(name):
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
            moment = self.date(value)
            return self.range_sql(fieldname, moment, moment, True, True)
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
            # The value's term number, if any document has it: an integer
            # array containment, served by the GIN index on d.terms.
            return Condition(
                "d.terms @> ARRAY[(SELECT t.id FROM pgindex_term t "
                f"WHERE t.field = {self.params(fieldname)} "
                f"AND t.value = {self.params(value)})]")
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
            tsquery = f"phraseto_tsquery('simple', {self.params(value)})"
        else:
            tsquery = f"plainto_tsquery('simple', {self.params(value)})"
        if fieldname == "text":
            return Condition(f"d.search_vector @@ {tsquery}",
                             [] if negated else [tsquery])
        vector = ("to_tsvector('simple', pgindex_field_text("
                  f"d.fields, d.texts, {self.params(fieldname)}))")
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
            low_value, high_value = (None if b is None else self.date(b)
                                     for b in bounds)
            return self.range_sql(fieldname, low_value, high_value,
                                  include_low, include_high)
        if fieldname in ("text", "*") or fieldname in TEXT_FIELDS:
            raise self.error(tk._(
                "Ranges are not supported on the text field {name}.").format(
                    name=fieldname))
        numeric = all(b is None or _is_number(b) for b in bounds)
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
            param = self.params(float(bound) if numeric else bound,
                                "numeric" if numeric else None)
            checks.append(f"{value_sql} {operator}{'=' if inclusive else ''} "
                          f"{param}")
        predicate = " AND ".join(checks) or "TRUE"
        if not source:
            return Condition(f"({predicate})")
        return Condition(f"EXISTS (SELECT 1 {source}{predicate})")

    def range_sql(self, fieldname: str, low: datetime | None,
                  high: datetime | None, include_low: bool,
                  include_high: bool) -> Condition:
        column = DATE_COLUMNS.get(fieldname, "v")

        def cast(moment: datetime) -> str:
            if fieldname in DATE_COLUMNS:
                return self.params(moment, "timestamptz")
            # *_date values are indexed as ISO 8601 UTC text
            return self.params(
                moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"))

        checks = [f"{column} IS NOT NULL"]
        if low is not None:
            checks.append(f"{column} >{'=' if include_low else ''} {cast(low)}")
        if high is not None:
            checks.append(
                f"{column} <{'=' if include_high else ''} {cast(high)}")
        predicate = " AND ".join(checks)
        if fieldname in DATE_COLUMNS:
            return Condition(f"({predicate})")
        return Condition(
            "EXISTS (SELECT 1 FROM jsonb_array_elements_text(d.fields -> "
            f"{self.params(fieldname)}) AS v WHERE {predicate})")

    def date(self, text: str) -> datetime:
        """A point in time, from ISO 8601 or Solr date math (NOW-7DAYS/DAY)."""
        return parse_solr_date(text, self.error)


def parse_solr_date(text: str,
                    error: Callable[[str], Exception]) -> datetime:
    stripped = text.strip()
    base_match = re.match(r"^(NOW|[0-9][0-9T:.\-]*Z?)", stripped)
    if not base_match:
        raise error(tk._("Invalid date: {value}").format(value=text))
    base, rest = base_match.group(1), stripped[base_match.end():]
    try:
        moment = (datetime.now(timezone.utc) if base == "NOW"
                  else isoparse(base))
    except ValueError:
        raise error(tk._("Invalid date: {value}").format(value=text))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    position = 0
    for match in DATE_MATH.finditer(rest):
        if match.start() != position:
            break
        position = match.end()
        sign, amount, unit, truncate = match.groups()
        unit_name = UNITS.get(unit or truncate or "")
        if unit_name is None:
            raise error(tk._("Invalid date unit in {value}").format(
                value=text))
        if truncate:
            moment = _truncate(moment, unit_name)
        else:
            delta = relativedelta(**{unit_name: int(amount)})
            moment = moment + delta if sign == "+" else moment - delta
    if position != len(rest):
        raise error(tk._("Invalid date math in {value}").format(value=text))
    return moment


def _truncate(moment: datetime, unit: str) -> datetime:
    names = [name for name, _, _ in TRUNCATE]
    lower = {part: low for _, part, low in TRUNCATE[names.index(unit):]}
    return moment.replace(**lower)


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
