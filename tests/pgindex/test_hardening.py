"""What a search survives: bad input answers 409 with a clear message.

These tests run on a stock configuration (plugin ``pgindex`` alone, plain
``dataset`` datasets), whatever test.ini loads.
"""
from __future__ import annotations

import copy
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po

import ckan.model as model
import ckan.plugins as plugins
from ckan.common import config
from ckan.logic import ValidationError
from ckan.tests import factories, helpers

from ckanext.pgindex import query as pgquery, solr_syntax
from ckanext.pgindex.errors import SearchSyntaxError
from ckanext.pgindex.query import PostgresPackageSearchQuery

STOCK = {"ckan.plugins": ["pgindex"], "ckan.default.package_type": "dataset",
         "ckan.locale_default": "en"}
pytestmark = [pytest.mark.ckan_config(key, value)
              for key, value in STOCK.items()]
API = "/api/3/action/package_search"
BIGINT_MAX = 2 ** 63 - 1
PO = (Path(__file__).resolve().parents[2] / "ckanext-magetan" / "ckanext"
      / "pgindex" / "i18n" / "id" / "LC_MESSAGES" / "ckanext-pgindex.po")


@pytest.fixture(scope="module")
def corpus(reset_db, migrate_db_for) -> dict[str, Any]:
    """Three plain datasets, indexed with only the pgindex plugin loaded."""
    original = copy.deepcopy(config)
    config.update(STOCK)
    plugins.load_all()
    reset_db()
    migrate_db_for("pgindex")
    model.Session.execute(sa.text(
        "TRUNCATE pgindex_document, pgindex_payload, pgindex_term, "
        "pgindex_field"))
    model.Session.commit()
    org = factories.Organization()["id"]
    data = {
        "desa": factories.Dataset(
            owner_org=org, name="jumlah-desa", title="Jumlah Desa/Kelurahan per Kecamatan",
            notes="Kepadatan penduduk dalam jiwa/km².",
            extras=[{"key": "regions", "value": '["Jawa Timur", "Magetan"]'},
                    {"key": "release_date",
                     "value": "2026-12-01T10:20:30.500000Z"}],
            resources=[{"url": "http://example.com/a.csv",
                        "name": "Angka-Harapan Hidup 2024"}]),
        "harapan": factories.Dataset(
            owner_org=org, name="angka-harapan", title="Angka Harapan Hidup",
            notes="Usia harapan hidup saat lahir.",
            extras=[{"key": "regions", "value": '["Madiun"]'},
                    {"key": "release_date", "value": "2026-11-30"}]),
        "plain": factories.Dataset(owner_org=org, name="tanpa-wilayah",
                                   title="Curah Hujan",
                                   notes="Milimeter per bulan."),
    }
    yield data
    plugins.unload_all()
    config.clear()
    config.update(original)


def search(**params: Any) -> dict[str, Any]:
    return helpers.call_action("package_search", **params)


def names(result: dict[str, Any]) -> set[str]:
    return {r["name"] for r in result["results"]}


def refused(**params: Any) -> tuple[str, str]:
    """The (parameter, message) package_search answers ``params`` with."""
    with pytest.raises(ValidationError) as error:
        search(**params)
    [(name, [message])] = error.value.error_dict.items()
    return name, message


class TestCharacters:
    @pytest.mark.parametrize("params, name", [
        ({"q": "padi\x00"}, "q"),
        ({"fq": 'tags:"a\x00b"'}, "fq"),
        ({"fq_list": ["tags:a", "name:\x00"]}, "fq_list"),
        ({"sort": "name\x00 asc"}, "sort"),
        ({"fl": "name\x00"}, "fl"),
        ({"facet.field": ["tags", "tags\x00"]}, "facet.field"),
        ({"q": "padi\ud800"}, "q"),
        ({"fq": "tags:\udfff"}, "fq"),
    ])
    def test_nul_and_lone_surrogates_are_refused(self, corpus, params, name):
        assert refused(**params) == (name, (
            "Contains a character that is not allowed (a NUL character or "
            "an unpaired surrogate)."))

    def test_api_answers_409(self, corpus, app):
        response = app.get(API, query_string={"q": "a\x00"}, status=409)
        assert "NUL" in response.json["error"]["q"][0]
        response = app.post(API, json={"fq": "tags:\ud83d"}, status=409)
        assert "surrogate" in response.json["error"]["fq"][0]


class TestLimits:
    def test_deep_parentheses(self, corpus, app):
        assert names(search(q="((((desa))))")) == {"jumlah-desa"}
        deep = "(" * 2000 + "desa" + ")" * 2000
        message = ("The query is nested too deeply: at most 40 levels of "
                   "parentheses and operators.")
        assert refused(q=deep) == ("q", message)
        assert refused(fq="title:" + deep) == ("fq", message)
        response = app.get(API, query_string={"fq": "tags:" + deep},
                           status=409)
        assert response.json["error"]["fq"] == [message]

    def test_long_chain_of_not(self, corpus):
        assert refused(q="NOT " * 2000 + "desa")[1].startswith(
            "The query is nested too deeply")

    def test_clauses_are_capped_at_1024(self, corpus, app):
        words = [f"w{i}" for i in range(1025)]
        message = ("Too many clauses: q, fq and fq_list may hold at most "
                   "1024 terms, phrases and ranges together.")
        assert refused(q=" ".join(words)) == ("q", message)
        assert refused(q="desa", fq_list=[" OR ".join(words[:600]),
                                          " OR ".join(words[600:])]
                       ) == ("fq_list", message)
        response = app.get(API, query_string={
            "fq": "tags:(" + " OR ".join(words) + ")"}, status=409)
        assert response.json["error"]["fq"] == [message]

    def test_1024_clauses_run(self, corpus):
        # package_search adds two: +capacity:public +state:(active)
        fq = "name:(" + " OR ".join(
            ["jumlah-desa"] + [f"n{i}" for i in range(1021)]) + ")"
        assert names(search(fq=fq)) == {"jumlah-desa"}
        assert refused(fq=fq.replace("n0 ", "n0 OR x "))[0] == "fq"

    def test_long_q(self, corpus, app):
        message = ("The search is too long: q, fq and fq_list may hold at "
                   "most 10000 characters together.")
        assert refused(q="a" * 10_001) == ("q", message)
        response = app.get(API, query_string={"q": "desa " * 2001},
                           status=409)
        assert response.json["error"]["q"] == [message]


class TestDates:
    @pytest.mark.parametrize("fq", [
        "metadata_modified:[NOW-99999999YEARS TO *]",
        "metadata_modified:[* TO NOW+99999999999999999999999DAYS]",
        "release_date:[9999-12-31T23:59:59Z+1DAY TO *]",
        "release_date:[* TO NOW-3000YEARS]",
    ])
    def test_overflow_is_refused(self, corpus, fq):
        name, message = refused(fq=fq)
        assert name == "fq" and message.startswith("Date out of range: ")

    def test_api_answers_409(self, corpus, app):
        response = app.get(API, query_string={
            "fq": "metadata_modified:[NOW-99999999YEARS TO *]"}, status=409)
        assert "Date out of range" in response.json["error"]["fq"][0]

    def test_text_dates_at_their_bounds(self, corpus):
        found = {fq: names(search(fq=fq)) for fq in self.BOUNDS}
        assert found == self.BOUNDS

    BOUNDS = dict([
        ("release_date:2026-12-01", {"jumlah-desa"}),
        ("release_date:2026-12", {"jumlah-desa"}),
        ("release_date:[* TO 2026-12-01T10:20:30.5Z]", {"jumlah-desa",
                                                        "angka-harapan"}),
        ("release_date:[* TO 2026-12-01T10:20:30Z]", {"jumlah-desa",
                                                      "angka-harapan"}),
        ("release_date:{* TO 2026-12-01T10:20:30.5Z}", {"angka-harapan"}),
        ("release_date:[2026-12-01T10:20:30.5Z TO *]", {"jumlah-desa"}),
        ("release_date:{2026-12-01T10:20:30.5Z TO *]", set()),
        ("release_date:[2026-11-30 TO 2026-11-30]", {"angka-harapan"}),
        ("release_date:{2026-11-30 TO 2026-12-01]", {"jumlah-desa"}),
        ("release_date:[* TO 9999-12-31]", {"jumlah-desa", "angka-harapan"}),
    ])

    def test_metadata_modified_at_its_bounds(self, corpus):
        shown = helpers.call_action("package_show", id="jumlah-desa")
        exact = shown["metadata_modified"] + "Z"
        returned = search(q="name:jumlah-desa", fl="metadata_modified")
        # fl gives the instant with its fractional seconds, as Solr does
        assert returned["results"][0]["metadata_modified"] == exact
        assert "jumlah-desa" in names(search(
            fq=f"metadata_modified:[* TO {exact}]"))
        assert "jumlah-desa" in names(search(
            fq=f"metadata_modified:[* TO {exact[:19]}Z]"))
        assert "jumlah-desa" not in names(search(
            fq=f"metadata_modified:{{* TO {exact}}}"))
        assert "jumlah-desa" in names(search(
            fq=f"metadata_modified:{exact[:10]}"))
        assert "jumlah-desa" in names(search(
            fq=f'metadata_modified:"{exact}"'))


class TestNumbers:
    @pytest.mark.parametrize("params, name", [
        ({"start": 2 ** 64}, "start"),
        ({"facet.mincount": 2 ** 70, "facet.field": '["tags"]'},
         "facet.mincount"),
        ({"facet.limit": -(2 ** 64), "facet.field": '["tags"]'},
         "facet.limit"),
    ])
    def test_out_of_range_through_the_action(self, corpus, params, name):
        parameter, message = refused(**params)
        assert parameter == name
        assert message.startswith("Must be a whole number from ")
        assert "bigint" not in message and "ERROR" not in message

    @pytest.mark.parametrize("name, value", [
        ("rows", -1), ("start", -5), ("rows", 2 ** 63), ("rows", "abc"),
        ("start", ["1", "2"]), ("facet.limit", "1.5"),
        ("facet.mincount", -1), ("rows", "1" * 5000), ("rows", True),
    ])
    def test_out_of_range_for_the_query_class(self, corpus, name, value):
        with pytest.raises(SearchSyntaxError) as error:
            PostgresPackageSearchQuery().run({"q": "", name: value})
        minimum = -BIGINT_MAX if name == "facet.limit" else 0
        assert error.value.error_dict == {name: [
            f"Must be a whole number from {minimum} to {BIGINT_MAX}."]}

    def test_numeric_range_on_a_text_column(self, corpus):
        assert names(search(fq="name:[a TO b]")) == {"angka-harapan"}
        expected = {d["name"] for d in corpus.values()
                    if "0" <= d["id"] <= "9"}
        assert names(search(fq="id:[0 TO 9]")) == expected  # as text

    def test_api_answers_409_without_database_text(self, corpus, app):
        response = app.get(API, query_string={"start": str(2 ** 64)},
                           status=409)
        assert response.json["error"]["start"] == [
            f"Must be a whole number from 0 to {BIGINT_MAX}."]


@pytest.fixture
def failing_search(monkeypatch):
    """Make the search statement fail in the database, as ``kind`` says."""

    def make(kind: str) -> None:
        extra = {"slow": "(SELECT TRUE FROM pg_sleep(2))",
                 "data": "(1 / (SELECT count(*) - count(*) FROM "
                         "pgindex_field) = 1)"}[kind]
        original = pgquery._conditions

        def conditions(*args: Any) -> tuple[list[str], list[str]]:
            found, rank = original(*args)
            return found + [extra], rank

        monkeypatch.setattr(pgquery, "_conditions", conditions)

    return make


def _timeout() -> str:
    return model.Session.execute(sa.text(
        "SELECT current_setting('statement_timeout')")).scalar_one()


@pytest.mark.ckan_config("ckanext.pgindex.statement_timeout", 100)
class TestTransaction:
    def test_a_slow_search_is_stopped(self, corpus, app, failing_search):
        failing_search("slow")
        response = app.get(API, query_string={"q": "desa"}, status=409)
        assert response.json["error"]["search"] == [
            "The search took too long and was stopped (after 0.1 seconds): "
            "make it simpler or narrower."]

    def test_the_timeout_ends_with_the_search(self, corpus, failing_search):
        before = _timeout()
        assert names(search(q="desa")) == {"jumlah-desa"}
        assert _timeout() == before
        failing_search("slow")
        with pytest.raises(ValidationError):
            search(q="desa")
        assert _timeout() == before

    @pytest.mark.parametrize("kind", ["slow", "data"])
    def test_a_failed_search_keeps_the_callers_writes(
            self, corpus, failing_search, kind):
        model.Session.add(model.Vocabulary(f"written-before-{kind}"))
        failing_search(kind)
        with pytest.raises(ValidationError) as error:
            search(q="desa")
        model.Session.commit()
        model.Session.remove()
        assert model.Vocabulary.get(f"written-before-{kind}") is not None
        assert list(error.value.error_dict) == ["search"]
        assert "ERROR" not in str(error.value.error_dict)


def test_parsing_is_thread_safe():
    queries = [f"title:(w{i} OR x{i}) AND tags:t{i} -name:n{i} \"p {i}\""
               for i in range(8)]
    expected = {q: repr(solr_syntax.parse("fq", q)) for q in queries}
    wrong: list[str] = []

    def work(q: str) -> None:
        for _ in range(150):
            try:
                if repr(solr_syntax.parse("fq", q)) != expected[q]:
                    wrong.append(q)
            except SearchSyntaxError:
                wrong.append(q)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work, args=(q,)) for q in queries]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert wrong == []


class TestSort:
    def test_unknown_field_is_refused(self, corpus, app):
        assert refused(sort="no_such_field asc") == ("sort", (
            'Cannot sort by "no_such_field": no indexed dataset has this '
            "field."))
        response = app.get(API, query_string={"sort": "extras_regions asc"},
                           status=409)
        assert "extras_regions" in response.json["error"]["sort"][0]

    def test_only_known_fields_sort(self, corpus):
        for sort in ("name asc", "title_string desc", "metadata_modified desc",
                     "regions asc", "num_resources desc",
                     "score desc, name asc", "views_recent desc",
                     "view_recent desc"):
            assert search(sort=sort)["count"] == 3
        for sort in ("regions_x asc", "name asc, notes_x desc",
                     "res_extras_x asc"):
            assert refused(sort=sort)[0] == "sort"
        result = search(sort="regions desc, name asc")
        assert [r["name"] for r in result["results"]] == [
            "angka-harapan", "jumlah-desa", "tanpa-wilayah"]


class TestWords:
    def test_joined_words_are_found_one_by_one(self, corpus):
        found = {q: names(search(q=q)) for q in self.JOINED}
        assert found == self.JOINED

    JOINED = dict([
        ("Desa/Kelurahan", {"jumlah-desa"}),
        ("kelurahan", {"jumlah-desa"}),
        ('"desa kelurahan"', {"jumlah-desa"}),
        ("title:kelurahan", {"jumlah-desa"}),
        ("km²", {"jumlah-desa"}),
        ("jiwa/km²", {"jumlah-desa"}),
        ("Angka-Harapan", {"jumlah-desa", "angka-harapan"}),
        ("res_name:harapan", {"jumlah-desa"}),
        ("kelur*", {"jumlah-desa"}),
    ])

    def test_solr_operators(self, corpus):
        found = {q: names(search(q=q)) for q in self.OPERATORS}
        assert found == self.OPERATORS

    OPERATORS = dict([
        ("jumlah && kelurahan", {"jumlah-desa"}),
        ("desa || hujan", {"jumlah-desa", "tanpa-wilayah"}),
        ("harapan !kelurahan", {"angka-harapan"}),
        ("harapan && !(kelurahan)", {"angka-harapan"}),
        ('"hujan || desa"', set()),
    ])

    def test_solr_operators_in_fq(self, corpus):
        assert names(search(fq="regions:Magetan || regions:Madiun")) == {
            "jumlah-desa", "angka-harapan"}
        assert names(search(fq="!regions:Madiun && name:*")) == {
            "jumlah-desa", "tanpa-wilayah"}

    def test_json_list_values_filter_one_by_one(self, corpus):
        assert names(search(fq="regions:Magetan")) == {"jumlah-desa"}
        assert names(search(fq='regions:"Jawa Timur"')) == {"jumlah-desa"}
        facets = search(**{"facet.field": '["regions"]'})["facets"]
        assert facets["regions"] == {"Jawa Timur": 1, "Magetan": 1,
                                     "Madiun": 1}


def test_every_message_is_translated():
    with open(PO, "rb") as f:
        catalogue = read_po(f, locale="id")
    missing = [m.id for m in catalogue if m.id and (not m.string or m.fuzzy)]
    assert missing == []
    ids = {m.id for m in catalogue}
    assert "The query is nested too deeply: at most {limit} levels of " \
           "parentheses and operators." in ids


def test_messages_in_indonesian(corpus, app):
    response = app.get("/id" + API, query_string={"q": "a" * 10_001}, status=409)
    assert response.json["error"]["q"] == [
        "Pencarian terlalu panjang: q, fq, dan fq_list bersama-sama paling "
        "banyak 10000 karakter."]


class TestActionParameters:
    """Types core's package_search would fail on are refused before it."""

    @pytest.mark.parametrize("params, name, message", [
        ({"include_private": "abc"}, "include_private",
         "Must be true or false."),
        ({"include_drafts": "abc"}, "include_drafts",
         "Must be true or false."),
        ({"include_deleted": "x"}, "include_deleted",
         "Must be true or false."),
        ({"include_private": ["true"]}, "include_private",
         "Must be true or false."),
        ({"rows": [1]}, "rows", f"Must be a whole number from 0 to "
                                f"{BIGINT_MAX}."),
        ({"rows": float("inf")}, "rows", f"Must be a whole number from 0 "
                                         f"to {BIGINT_MAX}."),
        ({"rows": True}, "rows", f"Must be a whole number from 0 to "
                                 f"{BIGINT_MAX}."),
        ({"start": [0]}, "start", f"Must be a whole number from 0 to "
                                  f"{BIGINT_MAX}."),
        ({"fl": 5}, "fl", "Must be a string or a list of strings."),
        ({"fl": ["name", 5]}, "fl", "Must be a string or a list of strings."),
    ])
    def test_refused_with_409(self, corpus, params, name, message):
        assert refused(**params) == (name, message)

    def test_api_answers_409(self, corpus, app):
        for body, name in (({"include_private": "abc"}, "include_private"),
                           ({"rows": [1]}, "rows"), ({"fl": 5}, "fl"),
                           ({"rows": True}, "rows")):
            response = app.post(API, json=body, status=409)
            assert list(response.json["error"]) == [name, "__type"]
        # 1e400 is read as infinity by the JSON parser
        response = app.post(API, data='{"rows": 1e400}',
                            content_type="application/json", status=409)
        assert "rows" in response.json["error"]

    def test_accepted_values_still_work(self, corpus):
        for value in (True, False, "true", "False", "1", "no", 0):
            assert search(include_private=value, include_drafts=value,
                          include_deleted=value)["count"] == 3
        assert search(rows="2")["count"] == 3
        assert len(search(rows="")["results"]) == 3  # core's default
        assert len(search(rows=2.0)["results"]) == 2
        assert search(fl="name")["results"] and search(fl=["name", "title"])


class TestLucene:
    """{!lucene q.op=OR} parses as every search does, within its limits."""

    @pytest.fixture
    def lucene(self, corpus, monkeypatch):
        monkeypatch.setitem(config, "ckan.search.solr_allowed_query_parsers",
                            ["lucene", "bool"])

    def test_or(self, lucene):
        assert names(search(q="{!lucene q.op=OR}kelurahan hujan")) == {
            "jumlah-desa", "tanpa-wilayah"}

    def test_deep_nesting_is_refused(self, lucene, app):
        deep = "(" * 3000 + "desa hujan" + ")" * 3000
        assert refused(q="{!lucene q.op=OR}" + deep)[1].startswith(
            "The query is nested too deeply")
        response = app.get(API, query_string={
            "q": "{!lucene q.op=OR}" + "(" * 60 + "a b" + ")" * 60},
            status=409)
        assert "nested too deeply" in response.json["error"]["q"][0]

    def test_limits_before_the_rewrite(self, lucene):
        words = " ".join(f"w{i}" for i in range(1100))
        assert refused(q="{!lucene q.op=OR}" + words)[1].startswith(
            "Too many clauses")

    def test_a_brace_inside_quotes(self, lucene):
        fq = """{!bool must="name:jumlah-desa" must_not='title:"a}b"'}"""
        assert names(search(fq_list=[fq])) == {"jumlah-desa"}

    def test_module_functions(self):
        from ckanext.pgindex import local_params
        with pytest.raises(SearchSyntaxError):
            local_params._any_word("q", "(" * 3000 + "a b" + ")" * 3000)
        assert local_params._plain(
            "fq", '{!bool must="tags:{a TO b}"}') == "+(tags:{a TO b})"


class TestOperatorChains:
    def test_two_bangs_are_refused(self, corpus):
        for q in ("!!penduduk", "harapan !!kelurahan", "!-desa"):
            name, message = refused(q=q)
            assert name == "q" and message.startswith("Invalid query syntax")
        assert refused(q="--penduduk")[1].startswith("Invalid query syntax")
        assert refused(fq="!!name:jumlah-desa")[0] == "fq"

    def test_long_chains_meet_the_depth_limit(self, corpus, app):
        assert refused(q="!" * 5000 + "x")[1].startswith(
            "The query is nested too deeply")
        app.get(API, query_string={"q": "!" * 5000 + "x"}, status=409)

    def test_one_bang_still_negates(self, corpus):
        assert names(search(q="harapan !kelurahan")) == {"angka-harapan"}


class TestFieldNames:
    @pytest.mark.parametrize("params, name", [
        ({"fl": ["name\n"]}, "fl"),
        ({"facet.field": ["tags\n"]}, "facet.field"),
    ])
    def test_no_trailing_newline(self, corpus, params, name):
        with pytest.raises(SearchSyntaxError) as error:
            PostgresPackageSearchQuery().run({"q": "", **params})
        assert list(error.value.error_dict) == [name]

    def test_fielded_query(self):
        from luqum import tree
        translator = solr_syntax.Translator("fq", solr_syntax.SqlParams())
        with pytest.raises(SearchSyntaxError):
            translator.translate(tree.SearchField("name\n", tree.Word("x")))
