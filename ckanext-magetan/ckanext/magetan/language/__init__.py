"""Translations for CKAN's JavaScript modules, the CKAN supplement included.

CKAN's JavaScript modules ("Upload"/"Link"/"Remove" of the image upload,
confirm-action dialogs, autocomplete, ...) take their messages from
``/api/i18n/<lang>``, which serves the file
``<ckan.storage_path>/i18n/js/<lang>.js``. CKAN 2.12 writes those files only
in ``ckan run`` and ``ckan translation js``
(``ckan.lib.i18n.build_js_translations``), and only from ``.po`` files: its
own and each ITranslation plugin's ``<locale>/LC_MESSAGES/<domain>.po``.
So, without this module,

* a WSGI deployment (gunicorn, docker/entrypoint.sh) serves ``{}`` and every
  JavaScript message stays English, and
* the translations of CKAN's messages that this extension adds
  (``i18n/ckan-core/<locale>.po``) never reach JavaScript: they are compiled
  into ``ckanext-magetan.mo`` only (tools/i18n.py), while the extension's
  ``.po`` holds its own messages.

``build()`` runs when the plugin is configured. When a locale's file is
missing or older than its catalogues, it lets CKAN rebuild the files, then
adds the entries of the compiled ``ckanext-magetan.mo`` that CKAN's
JavaScript uses, as CKAN itself adds a plugin's ``.po`` entries (a plugin's
translation wins over CKAN's). Otherwise it only compares a few mtimes.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import tempfile
from pathlib import Path

import polib

from ckan.lib import i18n as ckan_i18n

log = logging.getLogger(__name__)

I18N = Path(__file__).resolve().parent.parent / "i18n"
DOMAIN = "ckanext-magetan"


def _locales() -> list[str]:
    return sorted(p.name for p in I18N.iterdir()
                  if (p / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file())


def _sources(locale: str) -> list[Path]:
    ckan_po = (Path(ckan_i18n.get_ckan_i18n_dir()) / locale / "LC_MESSAGES"
               / "ckan.po")
    ours = I18N / locale / "LC_MESSAGES"
    return [p for p in (ckan_po, ours / f"{DOMAIN}.po", ours / f"{DOMAIN}.mo")
            if p.is_file()]


def _stale(dest_dir: Path) -> list[str]:
    stale = []
    for locale in _locales():
        dest = dest_dir / f"{locale}.js"
        newest = max(p.stat().st_mtime for p in _sources(locale))
        if not dest.is_file() or dest.stat().st_mtime < newest:
            stale.append(locale)
    return stale


def _js_message_ids() -> set[str]:
    """The msgids CKAN's JavaScript uses (``*.js`` occurrences in ckan.pot)."""
    pot = Path(ckan_i18n.get_ckan_i18n_dir()) / "ckan.pot"
    return {entry.msgid for entry in polib.pofile(str(pot))
            if not entry.obsolete
            and any(path.endswith(".js") for path, _ in entry.occurrences)}


def _add_our_catalogue(dest: Path, locale: str, wanted: set[str]) -> None:
    with open(dest, encoding="utf-8") as f:
        translations = json.load(f)
    mo = polib.mofile(str(I18N / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"))
    for entry in mo:
        if entry.msgid not in wanted:
            continue
        if entry.msgid_plural:
            forms = [text for _, text in sorted(entry.msgstr_plural.items())]
            translations[entry.msgid] = [entry.msgid_plural, *forms]
        elif entry.msgstr:
            translations[entry.msgid] = [None, entry.msgstr]
    # Written whole and renamed: another worker may be serving the file.
    fd, tmp = tempfile.mkstemp(dir=dest.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(translations, f, sort_keys=True, ensure_ascii=False,
                  separators=(",", ":"))
    os.chmod(tmp, 0o644)
    os.replace(tmp, dest)


def build() -> None:
    """Bring the JavaScript translation files up to date (see above)."""
    dest_dir = Path(ckan_i18n.get_js_translations_dir())
    try:
        if not _stale(dest_dir):
            return
        dest_dir.mkdir(parents=True, exist_ok=True)
        # Several server workers start at once: one builds, the others wait
        # and then find the files fresh.
        with open(dest_dir / ".magetan.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            stale = _stale(dest_dir)
            if not stale:
                return
            for locale in stale:
                # CKAN rebuilds only files older than the .po files it reads.
                (dest_dir / f"{locale}.js").unlink(missing_ok=True)
            ckan_i18n.build_js_translations()
            wanted = _js_message_ids()
            for locale in stale:
                dest = dest_dir / f"{locale}.js"
                if dest.is_file():
                    _add_our_catalogue(dest, locale, wanted)
    except OSError as error:
        log.warning("JavaScript translations not built: %s", error)
