"""The calendar as feeds: iCalendar (RFC 5545, with the ``icalendar``
library) and Atom (with ``feedgen``, as CKAN's own feeds)."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Mapping
from urllib.parse import urlsplit

import icalendar
from feedgen.feed import FeedGenerator

from ckan.plugins import toolkit as tk

ICAL_STATUS = {"provisional": "TENTATIVE", "confirmed": "CONFIRMED",
               "postponed": "CONFIRMED", "published": "CONFIRMED",
               "cancelled": "CANCELLED"}
RELEASE_LENGTH = dt.timedelta(hours=1)
# what XML 1.0 and RFC 5545 TEXT cannot carry (a dataset title may)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff"
                      r"\ufffe\uffff]")


def clean(text: Any) -> str:
    return _CONTROL.sub("", str(text or ""))


def _host() -> str:
    return urlsplit(tk.config.get("ckan.site_url") or "http://localhost"
                    ).hostname or "localhost"


def _moment(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value).astimezone(dt.timezone.utc) \
        if value else None


def _description(entry: Mapping[str, Any]) -> str:
    lines = []
    if entry["organization"]:
        lines.append(f"{tk._('OPD')}: {entry['organization']['title']}")
    if entry["sector"]:
        lines.append(f"{tk._('Sector')}: {entry['sector']['title']}")
    if entry["period_covered"]:
        lines.append(f"{tk._('Period covered')}: {entry['period_covered']}")
    lines.append(f"{tk._('Status')}: {entry['status_label']}")
    if entry["notice"]:
        lines.append(f"{tk._('Notice')}: {entry['notice']}")
    for change in entry.get("changes", []):
        if change["previous_text"] and change["kind"] != "planned" and \
                change["previous_text"] != change["planned_text"]:
            lines.append(tk._("{at}: moved from {previous} ({reason})").format(
                at=change["at"][:10], previous=change["previous_text"],
                reason=change["reason"] or change["kind_label"]))
    if entry["dataset"]:
        lines.append(entry["dataset"]["url"])
    else:
        lines.append(entry["url"])
    return clean("\n".join(lines))


def ical(entries: list[dict[str, Any]], name: str) -> bytes:
    """A VCALENDAR with one VEVENT per dated entry. UIDs are the entries'
    ids, so that a moved date updates the event a subscriber has, with a
    higher SEQUENCE; a cancelled release is a cancelled event."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Diskominfo Kabupaten Magetan//"
                           "ckanext-magetan release calendar//ID")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Jakarta")
    calendar.add("refresh-interval", dt.timedelta(hours=1),
                 parameters={"VALUE": "DURATION"})
    host = _host()
    for entry in entries:
        start = _moment(entry["released_at"] or entry["planned_date"])
        event = icalendar.Event()
        event.add("uid", f"{entry['id']}@{host}")
        event.add("dtstamp", _moment(entry["modified"]))
        event.add("last-modified", _moment(entry["modified"]))
        event.add("sequence", entry["sequence"])
        if start is not None:
            event.add("dtstart", start)
            event.add("dtend", start + RELEASE_LENGTH)
        elif entry["planned_month"]:
            first = dt.date.fromisoformat(entry["planned_month"] + "-01")
            following = (first + dt.timedelta(days=32)).replace(day=1)
            event.add("dtstart", first)
            event.add("dtend", following)
            event.add("transp", "TRANSPARENT")
        else:
            continue  # to be announced: nothing to put in a calendar
        summary = entry["title"]
        if entry["status"] in ("postponed", "cancelled", "provisional"):
            summary = f"[{entry['status_label']}] {summary}"
        event.add("summary", clean(summary))
        event.add("description", _description(entry))
        event.add("status", ICAL_STATUS[entry["status"]])
        event.add("url", entry["dataset"]["url"] if entry["dataset"]
                  else entry["url"])
        if entry["sector"]:
            event.add("categories", [clean(entry["sector"]["title"])])
        if entry["contact"]:
            event.add("contact", clean(entry["contact"]))
        calendar.add_component(event)
    return calendar.to_ical()


def atom(entries: list[dict[str, Any]], title: str, url: str,
         feed_url: str) -> bytes:
    """Released data, latest first, as an Atom feed."""
    feed = FeedGenerator()
    feed.id(feed_url)
    feed.title(title)
    feed.link(href=url, rel="alternate")
    feed.link(href=feed_url, rel="self")
    feed.language(tk.h.lang() or "id")
    feed.author({"name": tk.config.get("ckan.site_title") or "Magetan"})
    feed.subtitle(tk._("Statistics released on the portal"))
    latest = None
    for entry in reversed(entries):
        released = _moment(entry["released_at"])
        if released is None:
            continue
        latest = max(latest, released) if latest else released
        item = feed.add_entry()
        item.id(f"tag:{_host()},2026:release/{entry['id']}")
        item.title(clean(entry["title"]))
        item.link(href=entry["dataset"]["url"] if entry["dataset"]
                  else entry["url"])
        item.published(released)
        item.updated(released)
        item.summary(_description(entry))
        if entry["sector"]:
            item.category(term=entry["sector"]["name"],
                          label=clean(entry["sector"]["title"]))
    feed.updated(latest or dt.datetime.now(dt.timezone.utc))
    return feed.atom_str(pretty=True)
