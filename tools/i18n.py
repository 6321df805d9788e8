#!/usr/bin/env python3
"""Build the extension's translations: `make i18n`.

Each locale's catalogue ``ckanext-magetan.mo`` is compiled from two sources:

* ``i18n/<locale>/LC_MESSAGES/ckanext-magetan.po``: the extension's own
  messages (kept in step with the source by ``extract``);
* ``i18n/ckan-core/<locale>.po``: translations of CKAN's own messages that
  CKAN's catalogue for that locale lacks (CKAN 2.12.0 translates 21 % of its
  messages into Indonesian), for the pages the portal shows.

CKAN merges a plugin's catalogue over its own, so the second source fills
CKAN's gaps; where both define a message, the extension's own wins.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "ckanext-magetan" / "ckanext" / "magetan" / "i18n"
DOMAIN = "ckanext-magetan"


def merged_catalogue(locale: str) -> Catalog:
    """The extension's messages over the CKAN supplement, for ``locale``."""
    with open(I18N / locale / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as f:
        own = read_po(f, locale=locale)
    supplement_path = I18N / "ckan-core" / f"{locale}.po"
    merged = Catalog(locale=locale, domain=DOMAIN)
    if supplement_path.exists():
        with open(supplement_path, "rb") as f:
            for message in read_po(f, locale=locale):
                if message.id and message.string and not message.fuzzy:
                    merged[message.id] = message
    for message in own:
        if message.id and message.string and not message.fuzzy:
            merged[message.id] = message
    for message in merged:
        if isinstance(message.id, (list, tuple)):
            # Whichever catalogue CKAN loads first sets the plural rule
            # (Indonesian has one form; babel's default has two): give every
            # form the same text so each rule finds one.
            forms = [text for text in message.string if text]
            message.string = (forms[0], forms[0])
    return merged


def compile_all() -> None:
    for folder in sorted(p for p in I18N.iterdir()
                         if (p / "LC_MESSAGES").is_dir()):
        catalogue = merged_catalogue(folder.name)
        with open(folder / "LC_MESSAGES" / f"{DOMAIN}.mo", "wb") as f:
            write_mo(f, catalogue)
        print(f"{folder.name}: {len(catalogue)} messages")


def extract() -> None:
    for command in ("extract_messages", "update_catalog"):
        subprocess.run([sys.executable, "setup.py", "-q", command],
                       cwd=ROOT, check=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["extract"]:
        extract()
    compile_all()
