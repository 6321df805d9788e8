"""Indonesian is the default language and every message is translated."""
from __future__ import annotations

from pathlib import Path

import polib
import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po


I18N = (Path(__file__).resolve().parent.parent / "ckanext-magetan" / "ckanext"
        / "magetan" / "i18n")


def test_indonesian_catalogue_translates_every_message():
    template = polib.pofile(str(I18N / "ckanext-magetan.pot"))
    catalogue = polib.pofile(
        str(I18N / "id" / "LC_MESSAGES" / "ckanext-magetan.po"))
    translated = {e.msgid for e in catalogue if e.msgstr and not e.obsolete}
    assert {e.msgid for e in template} <= translated


@pytest.mark.parametrize("locale", ["id", "en"])
def test_compiled_catalogue_matches_its_po(locale):
    folder = I18N / locale / "LC_MESSAGES"
    with open(folder / "ckanext-magetan.po", "rb") as f:
        po = {m.id: m.string for m in read_po(f) if m.id}
    with open(folder / "ckanext-magetan.mo", "rb") as f:
        mo = {m.id: m.string for m in read_mo(f) if m.id}
    assert {k: v for k, v in po.items() if v} == mo, "run `make i18n`"


def test_search_errors_are_indonesian_by_default(app):
    response = app.get("/api/3/action/package_search",
                       query_string={"fq": "organization:(dinkes"},
                       status=409)
    assert response.json["error"]["fq"][0].startswith(
        "Sintaks pencarian tidak valid")


def test_english_is_available(app):
    response = app.get("/en/dataset/", status=200)
    assert 'lang="en"' in response.body
    response = app.get("/dataset/", status=200)
    assert 'lang="id"' in response.body
