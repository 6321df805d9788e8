"""Indonesian is the default language and every message is translated."""
from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tools.i18n import merged_catalogue


I18N = (Path(__file__).resolve().parent.parent / "ckanext-magetan" / "ckanext"
        / "magetan" / "i18n")


def test_indonesian_catalogue_translates_every_message():
    template = polib.pofile(str(I18N / "ckanext-magetan.pot"))
    catalogue = polib.pofile(
        str(I18N / "id" / "LC_MESSAGES" / "ckanext-magetan.po"))
    translated = {e.msgid for e in catalogue if e.msgstr and not e.obsolete}
    assert {e.msgid for e in template} <= translated


@pytest.mark.parametrize("locale", ["id", "en"])
def test_compiled_catalogue_matches_its_sources(locale):
    def texts(catalogue):
        def hashable(value):
            return tuple(value) if isinstance(value, (list, tuple)) else value
        return {hashable(m.id): hashable(m.string) for m in catalogue if m.id}

    expected = texts(merged_catalogue(locale))
    with open(I18N / locale / "LC_MESSAGES" / "ckanext-magetan.mo", "rb") as f:
        mo = texts(read_mo(f))
    assert expected == mo, "run `make i18n`"


def test_ckan_supplement_keeps_placeholders():
    supplement = I18N / "ckan-core" / "id.po"
    with open(supplement, "rb") as f:
        catalogue = read_po(f)
    placeholder = re.compile(r"\{[^}]*\}|%\([^)]*\)[sd]|%[sd]")
    for message in catalogue:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = (message.string if isinstance(message.string, tuple)
                   else (message.string,))
        wanted = {p for text in ids for p in placeholder.findall(text)}
        for string in strings:
            assert set(placeholder.findall(string)) <= wanted, message.id
        if len(ids) == 1:
            assert set(placeholder.findall(strings[0])) == wanted, message.id


def test_search_errors_are_indonesian_by_default(app):
    response = app.get("/api/3/action/package_search",
                       query_string={"fq": "organization:(dinkes"},
                       status=409)
    assert response.json["error"]["fq"][0].startswith(
        "Sintaks pencarian tidak valid")


def test_ckan_pages_are_indonesian(app):
    page = app.get("/dataset/", status=200).body
    assert "Masuk" in page  # CKAN's "Log in", from the supplement
    assert ">Log in<" not in page
    assert "Indikators" not in page  # CKAN's "{object_type}s" in the nav


def test_plural_messages_are_translated():
    with open(I18N / "id" / "LC_MESSAGES" / "ckanext-magetan.mo", "rb") as f:
        catalogue = read_mo(f)
    message = catalogue.get(('{number} dataset found for "{query}"',
                             '{number} datasets found for "{query}"'))
    assert message is not None
    assert set(message.string) == {'{number} dataset ditemukan untuk "{query}"'}


def test_english_is_available(app):
    response = app.get("/en/dataset/", status=200)
    assert 'lang="en"' in response.body
    response = app.get("/dataset/", status=200)
    assert 'lang="id"' in response.body


@pytest.mark.usefixtures("clean_db")
def test_plural_count_on_the_search_page(app):
    from ckan.tests import factories

    from tests.conftest import indikator

    org = factories.Organization()
    indikator(org, name="satu")
    indikator(org, name="dua")
    page = app.get("/dataset/", status=200).body
    assert "2 dataset ditemukan" in page
