"""A search the backend cannot understand says why, in Indonesian, on the
dataset page (CKAN's view keeps only that it failed)."""
from __future__ import annotations

import pytest

from ckan.lib.search import SearchError
from ckan.logic import ValidationError

from ckanext.magetan.indicators import search

pytestmark = pytest.mark.usefixtures("clean_db")


def test_a_bad_query_names_the_problem_in_indonesian(app):
    page = app.get("/dataset/", query_string={"q": "title:(padi"},
                   status=200).body
    assert "Pencarian gagal" in page
    assert 'id="magetan-search-reason"' in page
    assert "Sintaks pencarian tidak valid" in page
    # CKAN's own generic message, from the portal's supplement of CKAN's
    # Indonesian catalogue
    assert "Terjadi galat saat mencari." in page
    assert "There was an error while searching" not in page
    assert ">Error<" not in page


def test_a_good_query_shows_no_error(app):
    page = app.get("/dataset/", query_string={"q": "padi"}, status=200).body
    assert "magetan-search-reason" not in page
    assert "Pencarian gagal" not in page


class _Refused(SearchError, ValidationError):
    def __init__(self) -> None:
        ValidationError.__init__(self, {"q": ["Tanda kurung tidak ditutup."]})


def test_only_errors_meant_for_people_give_a_reason():
    assert search.reason(SearchError("connection refused: db01")) is None
    assert search.reason(_Refused()) == "Tanda kurung tidak ditutup."
