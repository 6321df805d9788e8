"""Validators of the sector schema."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

import ckan.model as model
from ckan.plugins import toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.magetan.entities import may_read, own_id

__all__ = ["magetan_book_chapter"]


def magetan_book_chapter(key: FlattenKey, data: FlattenDataDict,
                         errors: FlattenErrorDict, context: Context) -> Any:
    """A chapter number of the statistics book (1-99), one sector each."""
    value = data.get(key)
    if value is tk.missing or value is None or value == "":
        return
    try:
        chapter = int(str(value).strip())
    except ValueError:
        chapter = 0
    if not 1 <= chapter <= 99:
        errors[key].append(tk._("Give a chapter number from 1 to 99."))
        return
    data[key] = str(chapter)
    other = model.Session.execute(sa.text(
        "SELECT id, title FROM \"group\" WHERE extras ->> 'chapter' = :chapter "
        "AND state <> 'deleted' AND NOT is_organization "
        "AND id IS DISTINCT FROM :id LIMIT 1"),
        {"chapter": str(chapter), "id": own_id(key, data, context, "group")},
    ).first()
    if other is None:
        return
    # Active sectors are public; one still pending is named only to those
    # who may read it.
    if may_read(context, "group_show", other.id):
        errors[key].append(tk._(
            "Chapter {chapter} is already the sector {title}.").format(
                chapter=chapter, title=other.title))
    else:
        errors[key].append(tk._(
            "Chapter {chapter} is already used by another sector.").format(
                chapter=chapter))
