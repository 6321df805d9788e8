"""package_search on the PostgreSQL backend: what CKAN and its clients send."""
from __future__ import annotations

import datetime
from typing import Any

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins as plugins
from ckan.logic import ValidationError
from ckan.tests import factories, helpers

FACETS = ["organization", "groups", "tags", "res_format", "license_id",
          "periodicity"]


def extras(**values: str) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in values.items()]


def dataset(org: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A plain CKAN dataset of ``org``."""
    return factories.Dataset(owner_org=org["id"], **fields)


@pytest.fixture(scope="module")
def corpus(module_db) -> dict[str, Any]:
    """Two organizations, two groups, public, private and draft datasets."""
    plugins.load_all()
    dinkes = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    dispertan = factories.Organization(name="dispertan",
                                       title="Dinas Pertanian")
    factories.Group(name="kesehatan", title="Kesehatan")
    factories.Group(name="pertanian", title="Pertanian")
    member = factories.User(name="pengelola")
    helpers.call_action("organization_member_create", id=dinkes["id"],
                        username=member["name"], role="editor")
    outsider = factories.User(name="warga")
    admin = factories.Sysadmin(name="superadmin")

    data = {
        "stunting": dataset(
            dinkes, name="prevalensi-stunting", title="Prevalensi Balita Stunting",
            notes="Persentase balita pendek menurut kecamatan.",
            tags=[{"name": "gizi"}, {"name": "balita"}],
            groups=[{"name": "kesehatan"}], license_id="cc-by",
            extras=extras(periodicity="tahunan", unit="persen",
                          code="IND-DINKES-003"),
            resources=[{"url": "http://example.com/stunting.csv",
                        "format": "CSV", "name": "Tabel stunting 2024",
                        "description": "Rekap posyandu"}]),
        "kematian": dataset(
            dinkes, name="kematian-ibu-bayi",
            title="Angka Kematian Ibu dan Bayi",
            notes="Jumlah kasus kematian ibu melahirkan dan bayi.",
            tags=[{"name": "kematian"}], groups=[{"name": "kesehatan"}],
            license_id="cc-by",
            extras=extras(periodicity="tahunan", unit="kasus"),
            resources=[{"url": "http://example.com/aki.xlsx",
                        "format": "XLSX", "name": "Data AKI"}]),
        "dbd": dataset(
            dinkes, name="kasus-dbd", title="Kasus Demam Berdarah",
            notes="Kasus ibu dan anak yang terkena DBD; angka per bulan. "
                  "Kematian akibat DBD dicatat terpisah.",
            tags=[{"name": "penyakit menular"}], license_id="cc-by",
            groups=[{"name": "kesehatan"}],
            extras=extras(periodicity="bulanan"),
            resources=[{"url": "http://example.com/dbd.csv", "format": "CSV"}]),
        "padi": dataset(
            dispertan, name="produksi-padi", title="Produksi Padi",
            notes="Luas panen dan produksi padi menurut kecamatan.",
            tags=[{"name": "padi"}, {"name": "tanaman pangan"}],
            groups=[{"name": "pertanian"}], license_id="cc-by",
            author="Dinas Pertanian dan Ketahanan Pangan",
            extras=extras(periodicity="tahunan", unit="ton"),
            resources=[{"url": "http://example.com/padi.csv", "format": "CSV",
                        "name": "Produksi gabah kering giling"}]),
        "jagung": dataset(
            dispertan, name="produksi-jagung", title="Produksi Jagung",
            notes="Produksi jagung pipilan kering hibrida.",
            tags=[{"name": "tanaman pangan"}], groups=[{"name": "pertanian"}],
            license_id="odc-odbl", extras=extras(periodicity="triwulanan"),
            resources=[{"url": "http://example.com/jagung.csv",
                        "format": "CSV"}]),
        "rahasia": dataset(
            dinkes, name="data-rahasia-dinkes", title="Data Rahasia Dinkes",
            notes="Belum dipublikasikan, kasus terselubung.", private=True,
            tags=[{"name": "gizi"}], extras=extras(periodicity="tahunan"),
            resources=[{"url": "http://example.com/r.csv", "format": "CSV"}]),
        "draf": dataset(
            dispertan, name="draf-pertanian", title="Draf Pertanian",
            notes="Masih draf.", state="draft",
            extras=extras(periodicity="tahunan")),
    }
    # A dataset last modified long ago, for date ranges.
    model.Session.execute(
        sa.text("UPDATE pgindex_document SET metadata_modified = "
                "'2020-06-01T00:00:00Z' WHERE name = 'produksi-jagung'"))
    model.Session.commit()
    plugins.unload_all()
    return {"datasets": data, "member": member, "outsider": outsider,
            "admin": admin, "dinkes": dinkes, "dispertan": dispertan}


def names(result: dict[str, Any]) -> list[str]:
    return [d["name"] for d in result["results"]]


class TestFreeText:
    def test_finds_words_in_title_notes_tags_and_resources(self, corpus, search):
        assert names(search(q="stunting")) == ["prevalensi-stunting"]
        assert names(search(q="posyandu")) == ["prevalensi-stunting"]  # res desc
        assert "produksi-padi" in names(search(q="gabah"))  # resource name
        assert names(search(q="gizi")) == ["prevalensi-stunting"]  # tag

    def test_finds_organization_extras_and_other_fields(self, corpus, search):
        assert set(names(search(q="pertanian"))) >= {"produksi-padi",
                                                     "produksi-jagung"}
        assert names(search(q="persen")) == ["prevalensi-stunting"]  # extra
        assert "produksi-padi" in names(search(q="ketahanan"))  # author

    def test_title_matches_rank_above_text_matches(self, corpus, search):
        assert names(search(q="kematian"))[:2] == ["kematian-ibu-bayi",
                                                   "kasus-dbd"]

    def test_indonesian_words_are_not_stemmed(self, corpus, search):
        # An English stemmer would cut "produksi"/"kematian"; words match whole.
        assert search(q="produks")["count"] == 0
        assert search(q="matian")["count"] == 0

    def test_prefix_query(self, corpus, search):
        assert set(names(search(q="produks*"))) == {"produksi-padi",
                                                    "produksi-jagung"}

    def test_phrase_query(self, corpus, search):
        assert names(search(q='"kematian ibu"')) == ["kematian-ibu-bayi"]
        # both words occur in kasus-dbd, but not next to each other
        assert "kasus-dbd" in names(search(q="kematian ibu"))

    def test_all_words_are_required(self, corpus, search):
        assert names(search(q="produksi padi")) == ["produksi-padi"]

    def test_boolean_operators_in_q(self, corpus, search):
        assert set(names(search(q="padi OR jagung"))) == {"produksi-padi",
                                                          "produksi-jagung"}
        assert names(search(q="produksi -jagung")) == ["produksi-padi"]
        assert names(search(q="produksi AND NOT padi")) == ["produksi-jagung"]

    def test_fielded_q(self, corpus, search):
        assert names(search(q="tags:padi")) == ["produksi-padi"]
        assert names(search(q="title:jagung")) == ["produksi-jagung"]

    def test_unbalanced_plain_query_falls_back_to_words(self, corpus, search):
        assert names(search(q='produksi "padi')) == ["produksi-padi"]

    def test_match_all(self, corpus, search):
        assert search(q="*:*")["count"] == 5
        assert search(q="")["count"] == 5


class TestFilters:
    @pytest.mark.parametrize("fq, expected", [
        ("organization:dispertan", {"produksi-padi", "produksi-jagung"}),
        ('organization:"dispertan"', {"produksi-padi", "produksi-jagung"}),
        ("-organization:dinkes", {"produksi-padi", "produksi-jagung"}),
        ("organization:dinkes OR organization:dispertan",
         {"prevalensi-stunting", "kematian-ibu-bayi", "kasus-dbd",
          "produksi-padi", "produksi-jagung"}),
        ("organization:(dinkes OR dispertan) AND res_format:XLSX",
         {"kematian-ibu-bayi"}),
        ('tags:"tanaman pangan" AND NOT tags:padi', {"produksi-jagung"}),
        ("+groups:kesehatan -tags:kematian",
         {"prevalensi-stunting", "kasus-dbd"}),
        ("(groups:pertanian AND periodicity:tahunan) OR periodicity:bulanan",
         {"produksi-padi", "kasus-dbd"}),
        ("periodicity:triwulanan", {"produksi-jagung"}),
        ("unit:persen", {"prevalensi-stunting"}),
        ("license_id:odc-odbl", {"produksi-jagung"}),
        ("name:produksi-padi", {"produksi-padi"}),
        ("dataset_type:dataset AND name:produksi*",
         {"produksi-padi", "produksi-jagung"}),
        ("capacity:public AND tags:gizi", {"prevalensi-stunting"}),
        ("metadata_modified:[* TO 2021-01-01T00:00:00Z]", {"produksi-jagung"}),
        ("metadata_modified:[2024-01-01T00:00:00Z TO *] AND groups:pertanian",
         {"produksi-padi"}),
        ("metadata_modified:[NOW-1DAY TO NOW+1DAY] AND tags:padi",
         {"produksi-padi"}),
        ("metadata_created:[NOW/YEAR TO *] AND tags:padi", {"produksi-padi"}),
        ("notes:kecamatan", {"prevalensi-stunting", "produksi-padi"}),
        ("res_name:gabah", {"produksi-padi"}),
        ("code:IND-DINKES*", {"prevalensi-stunting"}),
        ("extras_unit:ton", {"produksi-padi"}),
    ])
    def test_fq(self, corpus, search, fq, expected):
        assert set(names(search(fq=fq, rows=100))) == expected

    def test_fq_list_items_all_apply(self, corpus, search):
        result = search(fq_list=["organization:dinkes", "res_format:CSV"])
        assert set(names(result)) == {"prevalensi-stunting", "kasus-dbd"}

    def test_id_filter(self, corpus, search):
        dataset = corpus["datasets"]["padi"]
        assert names(search(fq=f'id:"{dataset["id"]}"')) == ["produksi-padi"]

    def test_dcat_and_harvest_style_queries(self, corpus, search):
        # ckanext-dcat: fq_list with a type exclusion and a NOW range
        result = search(fq_list=["-dataset_type:harvest",
                                 "metadata_modified:[2024-01-01T00:00:00Z TO NOW]"],
                        sort="metadata_modified desc", rows=2)
        assert result["count"] == 4 and len(result["results"]) == 2
        # ckanext-harvest: org include/exclude, incremental range, id order
        result = search(fq="organization:dinkes OR organization:dispertan "
                           "-organization:dispertan",
                        sort="id asc", rows=100)
        ids = [d["id"] for d in result["results"]]
        assert ids == sorted(ids) and len(ids) == 3


class TestFacetsSortingPaging:
    def test_facets_count_what_matched(self, corpus, search):
        result = search(q="produksi", **{"facet.field": FACETS})
        facets = result["search_facets"]
        assert set(facets) == set(FACETS)
        organization = {i["name"]: i["count"] for i in facets["organization"]["items"]}
        assert organization == {"dispertan": 2}
        assert facets["organization"]["items"][0]["display_name"] == "Dinas Pertanian"
        tags = {i["name"]: i["count"] for i in facets["tags"]["items"]}
        assert tags == {"padi": 1, "tanaman pangan": 2}
        assert result["facets"]["res_format"] == {"CSV": 2}
        assert result["facets"]["license_id"] == {"cc-by": 1, "odc-odbl": 1}

    def test_facet_limit_and_mincount(self, corpus, search):
        result = search(**{"facet.field": ["tags"], "facet.limit": 1})
        assert len(result["facets"]["tags"]) == 1
        result = search(**{"facet.field": ["tags"], "facet.mincount": 2})
        assert result["facets"]["tags"] == {"tanaman pangan": 2}
        result = search(**{"facet.field": ["tags"], "facet.limit": -1})
        assert len(result["facets"]["tags"]) == 6

    def test_facets_on_fields_that_are_not_terms(self, corpus, search):
        # extras_* and unique fields are counted from the JSON fields
        result = search(q="produksi", **{"facet.field": ["extras_unit",
                                                         "name"]})
        assert result["facets"]["extras_unit"] == {"ton": 1}
        assert result["facets"]["name"] == {"produksi-padi": 1,
                                            "produksi-jagung": 1}

    def test_sort_on_a_column_field(self, corpus, search):
        result = search(sort="dataset_type asc, name desc", rows=1)
        assert names(result) == ["produksi-padi"]

    @pytest.mark.parametrize("sort, first", [
        ("title_string asc", "kematian-ibu-bayi"),
        ("title_string desc", "produksi-padi"),
        ("name asc", "kasus-dbd"),
        ("name desc", "produksi-padi"),
        ("metadata_modified asc", "produksi-jagung"),
        ("periodicity asc, name asc", "kasus-dbd"),
    ])
    def test_sort(self, corpus, search, sort, first):
        result = search(sort=sort)
        assert names(result)[0] == first
        assert result["sort"] == sort

    def test_default_sort_is_relevance_then_recency(self, corpus, search):
        assert search(q="kematian")["sort"] == "score desc, metadata_modified desc"

    def test_rows_and_start_page_through_everything(self, corpus, search):
        seen = []
        for start in range(0, 5, 2):
            page = search(rows=2, start=start, sort="name asc")
            assert page["count"] == 5
            seen += names(page)
        assert seen == sorted(seen) and len(set(seen)) == 5
        assert search(rows=2, start=10)["results"] == []

    def test_fl_returns_the_asked_fields(self, corpus, search):
        result = search(fl="name,title,tags,periodicity", q="padi")
        assert result["results"] == [{
            "name": "produksi-padi", "title": "Produksi Padi",
            "tags": ["padi", "tanaman pangan"], "periodicity": "tahunan"}]
        assert search(fl="id", q="padi")["results"][0] == {
            "id": corpus["datasets"]["padi"]["id"]}

    def test_results_are_package_dicts(self, corpus, search):
        result = search(q="padi")
        dataset = result["results"][0]
        assert dataset["type"] == "dataset"
        assert dataset["organization"]["name"] == "dispertan"
        assert dataset["resources"][0]["format"] == "CSV"
        assert {"key": "periodicity", "value": "tahunan"} in dataset["extras"]
        assert set(result) >= {"count", "results", "facets", "search_facets",
                               "sort"}


class TestPermissions:
    def test_anonymous_sees_only_public_active(self, corpus, search):
        result = search(include_private=True, include_drafts=True,
                        **{"facet.field": ["organization", "tags"]})
        assert result["count"] == 5
        assert "data-rahasia-dinkes" not in names(result)
        assert result["facets"]["organization"] == {"dinkes": 3,
                                                    "dispertan": 2}
        assert result["facets"]["tags"]["gizi"] == 1

    def test_member_sees_private_of_own_opd_when_asked(self, corpus, search):
        user = corpus["member"]["name"]
        assert search(user=user)["count"] == 5
        result = search(user=user, include_private=True,
                        **{"facet.field": ["tags"]})
        assert result["count"] == 6
        assert "data-rahasia-dinkes" in names(result)
        assert result["facets"]["tags"]["gizi"] == 2

    def test_outsider_never_sees_private(self, corpus, search):
        result = search(user=corpus["outsider"]["name"], include_private=True,
                        q="rahasia")
        assert result["count"] == 0
        # nor through the words of its description
        for user in (None, corpus["outsider"]["name"]):
            assert search(user=user, include_private=True,
                          q="terselubung")["count"] == 0
        assert names(search(user=corpus["member"]["name"],
                            include_private=True, q="terselubung")) == [
            "data-rahasia-dinkes"]

    def test_private_cannot_be_forced_through_fq(self, corpus, search):
        result = search(fq="capacity:private OR capacity:public",
                        include_private=True, q="rahasia")
        assert result["count"] == 0

    def test_drafts_only_for_their_creator_or_sysadmin(self, corpus, search):
        assert "draf-pertanian" not in names(search(include_drafts=True))
        admin = corpus["admin"]["name"]
        assert "draf-pertanian" in names(search(user=admin, include_drafts=True,
                                                rows=100))
        assert "draf-pertanian" not in names(search(user=admin, rows=100))

    def test_state_filter_from_the_caller_wins(self, corpus, search):
        admin = corpus["admin"]["name"]
        result = search(user=admin, fq="+state:draft")
        assert names(result) == ["draf-pertanian"]


class TestErrors:
    @pytest.mark.parametrize("params, field", [
        ({"fq": "organization:(dinkes"}, "fq"),
        ({"fq": "title:foo~2"}, "fq"),
        ({"fq": "{!frange l=1}organization:x"}, "fq"),
        ({"fq_list": ["name:/reg.*x/"]}, "fq_list"),
        ({"fq": "metadata_modified:[yesterday TO *]"}, "fq"),
        ({"q": "title:(padi"}, "q"),
        ({"q": "_val_:foo"}, "q"),
        ({"sort": "name sideways"}, "sort"),
        ({"sort": "geodist() asc"}, "sort"),
        ({"facet.field": ["tags;drop"]}, "facet.field"),
    ])
    def test_bad_syntax_is_a_validation_error(self, corpus, params, field):
        with pytest.raises(ValidationError) as error:
            helpers.call_action("package_search", **params)
        messages = error.value.error_dict[field]
        assert messages and all(isinstance(m, str) and m for m in messages)
        assert not any(word in m for m in messages
                       for word in ("psycopg2", "SQL", "Traceback"))

    def test_api_answers_409_naming_the_problem(self, corpus, app):
        response = app.get("/api/3/action/package_search",
                           query_string={"fq": "organization:(dinkes"},
                           status=409)
        error = response.json["error"]
        assert error["__type"] == "Validation Error"
        assert "fq" in error

    def test_dataset_page_survives_a_bad_query(self, corpus, app):
        app.get("/dataset/", query_string={"q": "title:(padi"}, status=200)


class TestOtherCallers:
    def test_package_autocomplete(self, corpus):
        result = helpers.call_action("package_autocomplete", q="jag")
        assert [r["name"] for r in result] == ["produksi-jagung"]

    def test_group_and_organization_pages_list_their_datasets(self, corpus, app):
        page = app.get("/organization/dispertan")
        assert "Produksi Padi" in page.body and "Produksi Jagung" in page.body
        page = app.get("/group/kesehatan")
        assert "Prevalensi Balita Stunting" in page.body

    def test_dataset_page_shows_facets(self, corpus, app):
        page = app.get("/dataset/", query_string={"tags": "tanaman pangan"})
        assert "Produksi Padi" in page.body and "Produksi Jagung" in page.body
        assert "Prevalensi Balita Stunting" not in page.body
        assert "Dinas Pertanian" in page.body

    def test_package_show_reads_the_index(self, corpus):
        dataset = helpers.call_action("package_show", id="produksi-padi")
        assert {"key": "unit", "value": "ton"} in dataset["extras"]


def test_timestamps_are_utc(corpus, search):
    result = search(fl="metadata_modified", q="padi")["results"][0]
    stamp = datetime.datetime.fromisoformat(
        result["metadata_modified"].replace("Z", "+00:00"))
    assert stamp.tzinfo is not None


def test_dashboard_lists_the_users_datasets(corpus, app):
    creator = helpers.call_action("package_show", id="produksi-padi")[
        "creator_user_id"]
    token = factories.APIToken(user=creator)["token"]
    page = app.get("/dashboard/datasets",
                   headers={"Authorization": token}, status=200)
    assert "Produksi Padi" in page.body
    assert "Draf Pertanian" in page.body  # the creator's own draft


def test_user_page_lists_created_datasets(corpus, app):
    creator = helpers.call_action("package_show", id="produksi-padi")[
        "creator_user_id"]
    user = model.User.get(creator)
    page = app.get(f"/user/{user.name}", status=200)
    assert "Produksi Padi" in page.body
