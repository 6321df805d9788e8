"""Reference code lists shipped with the portal (see SOURCES.md beside it).

Kecamatan and desa of Kabupaten Magetan (Kemendagri and BPS codes),
government-affairs (urusan) codes, periodicities and units: read once from
the CSV files of this package, used by the API, validation and the book.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional

HERE = Path(__file__).parent


@dataclass(frozen=True)
class CodeList:
    """One reference list: its entries keyed by the ``key`` column."""

    name: str
    title: str
    description: str
    key: str
    entries: tuple[dict[str, str], ...]

    def get(self, code: str) -> Optional[dict[str, str]]:
        return self._by_code.get(code)

    def codes(self) -> list[str]:
        return [entry[self.key] for entry in self.entries]

    def search(self, text: str) -> Iterator[dict[str, str]]:
        """Entries with ``text`` in any of their values (case-insensitive)."""
        needle = text.lower()
        return (e for e in self.entries
                if any(needle in value.lower() for value in e.values()))

    @functools.cached_property
    def _by_code(self) -> dict[str, dict[str, str]]:
        return {entry[self.key]: entry for entry in self.entries}


# name: (file, key column, title, description)
_CATALOGUE = {
    "kecamatan": (
        "kecamatan.csv", "kemendagri_code", "Kecamatan di Kabupaten Magetan",
        "The 18 kecamatan with Kemendagri (35.20.xx) and BPS (3520xxx) codes."),
    "desa": (
        "desa.csv", "code", "Desa dan kelurahan di Kabupaten Magetan",
        "The 235 desa and kelurahan with Kemendagri codes (35.20.xx.yyyy)."),
    "urusan": (
        "urusan.csv", "code", "Urusan pemerintahan (Permendagri 90/2019)",
        "Government-affairs codes regional governments use."),
    "periodisitas": (
        "periodisitas.csv", "code", "Periodisitas",
        "How often an indicator is produced."),
    "satuan": (
        "satuan.csv", "code", "Satuan", "Common units of measure."),
}


def names() -> list[str]:
    return list(_CATALOGUE)


@functools.cache
def load(name: str) -> CodeList:
    """The code list ``name``; ``KeyError`` if there is none."""
    filename, key, title, description = _CATALOGUE[name]
    with open(HERE / filename, encoding="utf-8", newline="") as f:
        entries = tuple(dict(row) for row in csv.DictReader(f))
    return CodeList(name=name, title=title, description=description, key=key,
                    entries=entries)


@functools.cache
def digest(*list_names: str) -> str:
    """A SHA-256 of the files of the lists ``list_names``: what a result
    computed from them depends on (a new edition of a list changes it)."""
    found = hashlib.sha256()
    for name in list_names:
        found.update((HERE / _CATALOGUE[name][0]).read_bytes())
    return found.hexdigest()


# Code systems a Table Schema column may point at with its ``codelist``
# property: (list, column, compare as a name).  Desa have no BPS codes here
# (SOURCES.md): BPS's Master File Desa is not public.
CODE_SYSTEMS: dict[str, tuple[str, str, bool]] = {
    "kecamatan": ("kecamatan", "kemendagri_code", False),
    "kecamatan:bps": ("kecamatan", "bps_code", False),
    "kecamatan:nama": ("kecamatan", "name", True),
    "desa": ("desa", "code", False),
    "desa:nama": ("desa", "name", True),
}
# Words before a name that do not belong to it ("Kec. Poncol").
_NAME_PREFIX = re.compile(
    r"^(?:kecamatan|kec\.?|desa|ds\.?|kelurahan|kel\.?)\s+")


def normalize_name(text: str) -> str:
    """A place name as compared: lower case, single spaces, no prefix."""
    name = " ".join(str(text).split()).lower()
    return _NAME_PREFIX.sub("", name)


@functools.cache
def code_index(system: str) -> dict[str, dict[str, str]]:
    """The entries of a code system (``CODE_SYSTEMS``) by code or normalized
    name; ``KeyError`` for an unknown system."""
    name, column, by_name = CODE_SYSTEMS[system]
    index: dict[str, dict[str, str]] = {}
    for entry in load(name).entries:
        key = normalize_name(entry[column]) if by_name else entry[column]
        index.setdefault(key, entry)
    return index


def lookup(system: str, value: object) -> Optional[dict[str, str]]:
    """The entry ``value`` names in ``system`` (a code, or a name compared
    without case and prefix), or None."""
    if value is None:
        return None
    _name, _column, by_name = CODE_SYSTEMS[system]
    text = normalize_name(str(value)) if by_name else str(value).strip()
    return code_index(system).get(text)


def system_of(values: Iterable[object]) -> Optional[str]:
    """The code system (``CODE_SYSTEMS``, in its order) naming nine in ten
    of the distinct ``values`` at least (a "Jumlah" row may be among
    them), or None."""
    distinct = {str(v).strip() for v in values
                if v is not None and str(v).strip()}
    if not distinct:
        return None
    needed = max(1, -(-len(distinct) * 9 // 10))
    for system in CODE_SYSTEMS:
        if sum(lookup(system, v) is not None for v in distinct) >= needed:
            return system
    return None


def unit(text: object) -> Optional[dict[str, str]]:
    """The unit of ``satuan`` a column's unit text names (its code or its
    Indonesian label, without case; "%" is persen), or None."""
    if not isinstance(text, str) or not text.strip():
        return None
    wanted = " ".join(text.split()).lower()
    if wanted == "%":
        wanted = "persen"
    for entry in load("satuan").entries:
        if wanted in (entry["code"], entry["label_id"].lower()):
            return entry
    return None
