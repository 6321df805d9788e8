"""Solr local parameters (``{!bool must=...}``) in ``q``, ``fq``, ``fq_list``.

CKAN 2.12 refuses local parameters and the magic fields ``_query_`` and
``_val_`` in every search parameter, except the query parsers named by
``ckan.search.solr_allowed_query_parsers``; this module refuses them the
same way, with CKAN's words. Of the parsers a site may allow, ``lucene``
(with ``q.op``) and ``bool`` (``must``, ``filter``, ``must_not``,
``should``) are rewritten to the plain query syntax pgindex reads.
"""
from __future__ import annotations

import shlex
from typing import Any

from luqum import tree
from luqum.auto_head_tail import auto_head_tail

from ckan.common import config
from ckan.lib.search.query import (
    MAGIC_FIELD_RE, QUERY_PARSER_RE, _get_local_query_parser,
)
from ckan.plugins import toolkit as tk

from ckanext.pgindex.errors import SearchSyntaxError
from ckanext.pgindex.solr_syntax import SearchBudget, parse, too_deep

REWRITTEN = ("q", "fq", "fq_list")


class CoreWordedError(SearchSyntaxError):
    """A refusal in the words of CKAN's own Solr query class."""

    def __str__(self) -> str:
        return self.message


def check(query: dict[str, Any]) -> None:
    """Refuse what CKAN refuses: magic fields and local parameters."""
    allowed = config.get("ckan.search.solr_allowed_query_parsers") or []
    for name, value in query.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                _check(name, item.strip(), allowed)


def _check(name: str, value: str, allowed: list[str]) -> None:
    if MAGIC_FIELD_RE.search(value):
        raise CoreWordedError(
            name, f"Magic fields are not supported in param '{name}'.")
    found = QUERY_PARSER_RE.findall(value)
    if not found:
        return
    if len(found) > 1:
        raise CoreWordedError(
            name, f"Query parsers are not supported in param '{name}'.")
    if not value.startswith("{!"):
        raise CoreWordedError(name, "Local parameters must be defined at "
                              f"the beginning of param '{name}'.")
    if _get_local_query_parser(value) not in allowed:
        raise CoreWordedError(
            name, f"Local parameters are not supported in param '{name}'.")


def rewrite(query: dict[str, Any]) -> dict[str, Any]:
    """The query with allowed local parameters turned into plain syntax.

    What is parsed to be rewritten spends a budget of its own first (the
    search's limits of length, clauses and depth), so that no rewrite
    walks a tree the search itself would refuse.
    """
    check(query)
    budget = SearchBudget()
    rewritten = dict(query)
    for name in REWRITTEN:
        value = query.get(name)
        if isinstance(value, str) and value.strip().startswith("{!"):
            rewritten[name] = _plain(name, value.strip(), budget)
        elif name == "fq_list" and isinstance(value, list):
            rewritten[name] = [
                _plain(name, v.strip(), budget) if isinstance(v, str)
                and v.strip().startswith("{!") else v for v in value]
    return rewritten


def _end_of_params(value: str) -> int:
    """Where the ``}`` closing ``{!...}`` is: the first one outside quotes
    (a backslash escapes the next character); -1 if there is none."""
    quote = ""
    index = 2
    while index < len(value):
        char = value[index]
        if char == "\\":
            index += 2
            continue
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "}":
            return index
        index += 1
    return -1


def _plain(name: str, value: str,
           budget: SearchBudget | None = None) -> str:
    """``{!parser key=value ...}rest`` as the query it stands for."""
    end = _end_of_params(value)
    if end < 0:
        raise SearchSyntaxError(name, tk._("Invalid query syntax: {error}")
                                .format(error=value[:200]))
    try:
        words = shlex.split(value[2:end])
    except ValueError as error:
        raise SearchSyntaxError(name, tk._("Invalid query syntax: {error}")
                                .format(error=error))
    rest = value[end + 1:].strip()
    kind = _get_local_query_parser(value)
    pairs = [w.split("=", 1) for w in words if "=" in w]
    if kind == "lucene":
        operator = dict(pairs).get("q.op", "AND").upper()
        return (_any_word(name, rest, budget) if operator == "OR" and rest
                else rest)
    if kind == "bool":
        required = [f"+({v})" for k, v in pairs if k in ("must", "filter")]
        required += [f"-({v})" for k, v in pairs if k == "must_not"]
        optional = [f"({v})" for k, v in pairs if k == "should"]
        if required:  # optional clauses then only rank
            return " ".join(required)
        return " OR ".join(optional) or "*:*"
    raise SearchSyntaxError(name, tk._(
        "The query parser {parser} is not supported.").format(parser=kind))


def _any_word(name: str, value: str,
              budget: SearchBudget | None = None) -> str:
    """A query read with q.op=OR: any of its optional clauses may match.

    Parsed as every search is (this thread's parser, within the limits of
    the search), so the rewrite below never meets a tree too deep for it.
    """
    budget = budget or SearchBudget()
    budget.spend_characters(name, value)
    node = parse(name, value, budget)
    try:
        return str(auto_head_tail(_or(node)))
    except RecursionError:
        raise too_deep(name)


def _or(node: tree.Item) -> tree.Item:
    if node.children:
        node.children = [_or(child) for child in node.children]
    if not isinstance(node, tree.UnknownOperation):
        return node
    required = [c for c in node.children
                if isinstance(c, (tree.Plus, tree.Prohibit, tree.Not))]
    optional = [c for c in node.children if c not in required]
    if optional and len(optional) > 1:
        optional = [tree.Group(tree.OrOperation(*optional))]
    parts = optional + required
    return parts[0] if len(parts) == 1 else tree.AndOperation(*parts)
