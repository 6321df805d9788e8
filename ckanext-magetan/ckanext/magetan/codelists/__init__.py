"""Reference code lists shipped with the portal (see SOURCES.md beside it).

Kecamatan and desa of Kabupaten Magetan (Kemendagri and BPS codes),
government-affairs (urusan) codes, periodicities and units: read once from
the CSV files of this package, used by the API, validation and the book.
"""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

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
