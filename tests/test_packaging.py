"""A normal (non-editable) install ships everything the plugin reads."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory) -> set[str]:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps",
         "--no-build-isolation", "--disable-pip-version-check", "-q",
         "-w", str(out), str(ROOT)],
        check=True, capture_output=True)
    wheel = next(out.glob("ckanext_magetan-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


@pytest.mark.parametrize("path", [
    "ckanext/magetan/plugin.py",
    "ckanext/magetan/config_declaration.yaml",
    "ckanext/magetan/schemas/indikator.yaml",
    "ckanext/magetan/migration/magetan/alembic.ini",
    "ckanext/magetan/migration/magetan/env.py",
    "ckanext/magetan/migration/magetan/script.py.mako",
    "ckanext/magetan/migration/magetan/versions/"
    "3f1c2b7a9d10_create_search_document.py",
    "ckanext/magetan/migration/magetan/versions/"
    "97a807c9c7d7_search_index_moves_to_pgindex.py",
    "ckanext/magetan/tableschema/templates/package/resource_read.html",
    "ckanext/magetan/tableschema/assets/webassets.yml",
    "ckanext/pgindex/plugin.py",
    "ckanext/pgindex/config_declaration.yaml",
    "ckanext/pgindex/migration/pgindex/env.py",
    "ckanext/pgindex/migration/pgindex/versions/6bfaa16206be_create_index.py",
    "ckanext/pgindex/i18n/id/LC_MESSAGES/ckanext-pgindex.mo",
    "ckanext/magetan/i18n/id/LC_MESSAGES/ckanext-magetan.mo",
    "ckanext/magetan/i18n/en/LC_MESSAGES/ckanext-magetan.mo",
    "ckanext/magetan/i18n/ckan-core/id.po",
    "ckanext/magetan/demo/portal.yaml",
    "ckanext/magetan/demo/indicators.yaml",
    "ckanext/magetan/codelists/kecamatan.csv",
    "ckanext/magetan/codelists/desa.csv",
    "ckanext/magetan/codelists/SOURCES.md",
])
def test_wheel_ships(wheel_names, path):
    assert path in wheel_names


def test_wheel_has_no_tests_or_local_files(wheel_names):
    assert not any(n.startswith(("tests/", "var/", "config/"))
                   for n in wheel_names)
