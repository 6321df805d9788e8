"""Indonesian is the default language and every message is translated."""
from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tools.i18n import DOMAINS, merged_catalogue


I18N = (Path(__file__).resolve().parents[3] / "ckanext-magetan" / "ckanext"
        / "magetan" / "i18n")


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
def test_indonesian_catalogue_translates_every_message(domain):
    template = polib.pofile(str(domain.i18n / f"{domain.name}.pot"))
    catalogue = polib.pofile(
        str(domain.i18n / "id" / "LC_MESSAGES" / f"{domain.name}.po"))
    translated = {e.msgid for e in catalogue if not e.obsolete and (
        e.msgstr or all(e.msgstr_plural.values()) and e.msgstr_plural)}
    assert {e.msgid for e in template} <= translated


@pytest.mark.parametrize("domain, locale", [
    (domain, folder.name) for domain in DOMAINS
    for folder in sorted(domain.i18n.iterdir())
    if (folder / "LC_MESSAGES").is_dir()], ids=str)
def test_compiled_catalogue_matches_its_sources(domain, locale):
    def texts(catalogue):
        def hashable(value):
            return tuple(value) if isinstance(value, (list, tuple)) else value
        return {hashable(m.id): hashable(m.string) for m in catalogue if m.id}

    expected = texts(merged_catalogue(domain, locale))
    with open(domain.i18n / locale / "LC_MESSAGES" / f"{domain.name}.mo",
              "rb") as f:
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


def test_examples_are_introduced_with_a_colon():
    """Indonesian introduces an example with "contoh:", not "contoh."."""
    catalogue = polib.pofile(
        str(I18N / "id" / "LC_MESSAGES" / "ckanext-magetan.po"))
    wrong = [e.msgid for e in catalogue if re.search(r"\bcontoh\.", e.msgstr)]
    assert wrong == []


def test_search_errors_are_indonesian_by_default(app):
    response = app.get("/api/3/action/package_search",
                       query_string={"fq": "organization:(dinkes"},
                       status=409)
    assert response.json["error"]["fq"][0].startswith(
        "Sintaks pencarian tidak valid")


@pytest.mark.usefixtures("clean_db")
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


@pytest.mark.usefixtures("clean_db")
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


# CKAN's pages under the default locale: (path, English text that must be
# gone, its Indonesian translation). Paths use the data of `portal` below.
CKAN_PAGES = [
    ("/group/new", "Markdown formatting", "format Markdown"),
    ("/ckan-admin", "Proceed with care", "Lakukan dengan hati-hati"),
    ("/ckan-admin/config", "Site Title", "Judul Situs"),
    ("/ckan-admin/config", "Update Config", "Perbarui Konfigurasi"),
    ("/ckan-admin/trash", "Purge all", "Hapus permanen semua"),
    ("/ckan-admin/trash", "Deleted datasets", "Kumpulan data yang dihapus"),
    ("/dataset/activity/penduduk", "updated the", "memperbarui Indikator"),
    ("/dataset/activity/penduduk", "All activity types",
     "Semua tipe aktivitas"),
    ("/organization/activity/dinkes", "updated the", "memperbarui Indikator"),
    ("/group/activity/kesehatan", "Activity type", "Tipe aktivitas"),
    ("/dashboard/", "My Datasets", "Indikator Saya"),
    ("/dashboard/datasets", "You haven't created any datasets",
     "Anda belum membuat kumpulan data"),
    ("/dashboard/groups", "You are not a member of any groups",
     "Anda belum menjadi anggota sektor"),
    ("/dataset/changes/{activity}", ">Changes<", ">Perubahan<"),
    ("/dataset/changes/{activity}", "Show metadata diff",
     "Tampilkan perbedaan metadata"),
    ("/user/{sysadmin}", "Create one now?", "Buat sekarang?"),
    ("/user/edit/{sysadmin}", "Are you sure you want to delete this User?",
     "Anda yakin akan menghapus Pengguna ini?"),
    ("/user/{sysadmin}/api-tokens", "Create API Token", "Buat Token API"),
    ("/user/{sysadmin}/api-tokens", "Last access", "Akses terakhir"),
    ("/user/", "All Users", "Semua Pengguna"),
    ("/organization/", "Add Organization", "Tambah Organisasi"),
    ("/organization/member_new/dinkes", "Existing User",
     "Pengguna Terdaftar"),
    ("/organization/member_new/dinkes", "What are roles?",
     "Apa itu peran?"),
    ("/organization/member_new/dinkes?user=budi", "Back to all members",
     "Kembali ke semua anggota"),
    ("/organization/edit/dinkes",
     "Are you sure you want to delete this Organization?",
     "Anda yakin akan menghapus Organisasi ini?"),
    ("/organization/bulk_process/dinkes", "Edit datasets",
     "Ubah Indikator"),
    ("/organization/delete/dinkes", "Confirm Delete",
     "Konfirmasi Penghapusan"),
    ("/group/edit/kesehatan", "Save Group", "Simpan Sektor"),
    ("/group/member_new/kesehatan", "Can add/remove datasets from groups",
     "Dapat menambahkan/mengeluarkan kumpulan data dari grup"),
    ("/dataset/groups/penduduk", "from the dataset",
     "dari kumpulan data"),
    ("/indikator/penduduk", "Go to resource", "Buka sumber daya"),
    ("/indikator/edit/penduduk", "you agree to release",
     "Anda setuju untuk merilis"),
    ("/indikator/delete/penduduk",
     "Are you sure you want to delete dataset",
     "Anda yakin akan menghapus kumpulan data"),
    ("/indikator/penduduk/resource/new", "What's a resource?",
     "Apa itu sumber daya?"),
    ("/indikator/penduduk/resource/new", "Save & add another",
     "Simpan & tambah lagi"),
    ("/indikator/", "Indikators", "Indikator"),
    ("/indikator/penduduk/resource/{resource}/edit",
     "Are you sure you want to delete this resource?",
     "Anda yakin akan menghapus sumber daya ini?"),
    ("/indikator/penduduk/resource/{resource}", "Resource URL:",
     "URL sumber daya:"),
    ("/indikator/penduduk/resource/{resource}/views", "New view",
     "Tampilan baru"),
    ("/indikator/resources/penduduk", "Manage resource:",
     "Kelola sumber daya:"),
    ("/dataset/", "You can also access this registry",
     "Anda juga dapat mengakses katalog ini"),
    ("/", "Powered by", "Didukung oleh"),
]

ANONYMOUS_PAGES = [
    ("/user/reset", "Request Reset", "Minta Setel Ulang"),
    ("/user/logged_out_redirect", "You are now logged out.",
     "Anda telah keluar."),
    ("/ckan-admin", "You might need to login", "Anda mungkin perlu masuk"),
    ("/indikator/tidak-ada", "Dataset not found",
     "Kumpulan data tidak ditemukan"),
    ("/indikator/tidak-ada", "Error 404", "Galat 404"),
]


@pytest.fixture(scope="module")
def portal(module_db):
    """A sysadmin, an editor, an OPD, a group and an indikator with a
    resource, an edit and a follower."""
    from ckan.tests import factories
    from ckan.tests.helpers import call_action

    from tests.conftest import indikator

    sysadmin = factories.SysadminWithToken()
    factories.User(name="budi")
    org = factories.Organization(
        name="dinkes", users=[{"name": "budi", "capacity": "editor"}])
    factories.Group(name="kesehatan")
    dataset = indikator(org, name="penduduk",
                        groups=[{"name": "kesehatan"}])
    resource = factories.Resource(package_id=dataset["id"], format="CSV",
                                  url="http://example.com/data.csv")
    context = {"user": sysadmin["name"]}
    call_action("package_patch", context, id=dataset["id"],
                title="Penduduk menurut kecamatan")
    activities = call_action("package_activity_list", context,
                             id=dataset["id"])
    call_action("follow_dataset", context, id=dataset["id"])
    return {
        "headers": {"Authorization": sysadmin["token"]},
        "names": {"sysadmin": sysadmin["name"], "resource": resource["id"],
                  "activity": activities[0]["id"]},
    }


@pytest.mark.parametrize(("path", "english", "indonesian"), CKAN_PAGES)
def test_ckan_pages_for_sysadmins_are_indonesian(app, portal, path, english,
                                                 indonesian):
    response = app.get(path.format(**portal["names"]),
                       headers=portal["headers"], status=200)
    assert english not in response.body
    assert indonesian in response.body


@pytest.mark.parametrize(("path", "english", "indonesian"), ANONYMOUS_PAGES)
def test_ckan_pages_for_visitors_are_indonesian(app, portal, path, english,
                                                indonesian):
    response = app.get(path.format(**portal["names"]))
    assert english not in response.body
    assert indonesian in response.body


def test_english_names_the_dataset_type_indicator(app, portal):
    search = app.get("/en/indikator/", headers=portal["headers"],
                     status=200).body
    assert "Indikators" not in search
    assert "Add Indicator" in search
    assert ">Indicators</a>" in search  # the breadcrumb
    assert "<title>Indicators - " in search
    activity = app.get("/en/dataset/activity/penduduk",
                       headers=portal["headers"], status=200).body
    assert "updated the indicator" in activity
    # (the hidden label of the header search says the raw type name, which
    # CKAN does not translate)
    assert "the indikator" not in activity.lower()


def test_groups_are_called_sectors(app, portal):
    indonesian = app.get("/group/", headers=portal["headers"], status=200).body
    assert ">Sektor</a>" in indonesian  # the main menu
    assert "Tambah Sektor" in indonesian and "Grup" not in indonesian
    english = app.get("/en/group/", headers=portal["headers"], status=200).body
    assert ">Sectors</a>" in english and "Add Sector" in english


def test_javascript_messages_are_indonesian(app):
    translations = app.get("/api/i18n/id", status=200).json
    assert translations[""]["lang"] == "id"
    # CKAN's own Indonesian catalogue ...
    assert translations["Upload"] == [None, "Unggah"]
    # ... and this extension's supplement of it
    assert translations["Link"] == [None, "Tautan"]
    assert translations["Remove"] == [None, "Hapus"]
    assert translations["Please Confirm"] == [None, "Mohon Konfirmasi"]
    assert translations["Are you sure you want to perform this action?"] == [
        None, "Anda yakin akan melakukan tindakan ini?"]
    assert translations["Start typing…"][1] == "Mulai mengetik…"


def test_javascript_translations_follow_the_catalogue(app, tmp_path,
                                                      monkeypatch):
    """A fresh storage gets its files; a newer catalogue rebuilds them."""
    import os

    from ckan.lib import i18n as ckan_i18n

    from ckanext.magetan import language as js_i18n

    monkeypatch.setattr(ckan_i18n, "get_js_translations_dir",
                        lambda: str(tmp_path))
    js_i18n.build()
    built = tmp_path / "id.js"
    assert '"Confirm":[null,"Konfirmasi"]' in built.read_text("utf-8")
    os.utime(built, (0, 0))
    js_i18n.build()
    assert built.stat().st_mtime > 0
    assert '"Confirm":[null,"Konfirmasi"]' in built.read_text("utf-8")
