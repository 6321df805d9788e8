"""Subscriptions to releases: anyone gives an e-mail address and a sector,
an OPD or an indicator; the address is confirmed by a link (double opt-in);
every release of what it follows sends one e-mail, with a link that ends
the subscription.

The address is never shown to anyone (no action lists subscriptions), and
a request never says whether an address is subscribed already: it answers
the same, and re-sends a confirmation at most every few minutes.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from typing import Any, Mapping

import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.dialects.postgresql import insert as pg_insert

from rq import Retry

from ckan import model
from ckan.lib import mailer
from ckan.plugins import toolkit as tk

from ckanext.magetan import calendar, workflow
from ckanext.magetan.calendar import tables as ct

log = logging.getLogger(__name__)

KINDS = ("sector", "opd", "indicator")
PENDING_KEY = "magetan_release_mails"
CONFIRM_KEY = "magetan_release_confirmations"
# an address gets at most this many unconfirmed subscriptions, and a
# confirmation again only after this long
MAX_PENDING = 5
RESEND_AFTER = dt.timedelta(hours=1)
# confirmations an address gets in a day, however many it is asked to
MAX_CONFIRMATIONS_A_DAY = 5
_EMAIL = re.compile(r"^[^@\s<>\"',;()\[\]\\]{1,64}@[A-Za-z0-9.-]{1,253}"
                    r"\.[A-Za-z]{2,63}$")


def normal_email(value: str) -> str | None:
    """The address in a comparable form, or None when it is not one."""
    value = value.strip()
    if len(value) > 254 or not _EMAIL.match(value) or ".." in value:
        return None
    local, domain = value.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def target(kind: str, id_or_name: str) -> tuple[str, str] | None:
    """The id and title of what a subscription follows, if the public can
    see it (a group of the right type, or a published indicator)."""
    if kind == "indicator":
        package = model.Package.get(id_or_name)
        found = workflow.row(package.id) if package is not None else None
        if package is None or package.state != "active" or found is None \
                or not workflow.is_public(found):
            return None
        return package.id, package.title or package.name
    group = model.Group.get(id_or_name)
    wanted = "organization" if kind == "opd" else "group"
    if group is None or group.state != "active" or \
            ("organization" if group.is_organization else "group") != wanted:
        return None
    return group.id, group.title or group.name


def target_title(kind: str, target_id: str) -> str:
    if kind == "indicator":
        package = model.Package.get(target_id)
        return (package.title or package.name) if package else target_id
    group = model.Group.get(target_id)
    return (group.title or group.name) if group else target_id


def subscribe(email: str, kind: str, target_id: str,
              language: str) -> None:
    """Record a subscription waiting for its confirmation, and queue the
    confirmation e-mail (unless one went out a moment ago)."""
    at = workflow.now()
    existing = model.Session.execute(
        sa.select(ct.subscription)
        .where(ct.subscription.c.email == email,
               ct.subscription.c.target_kind == kind,
               ct.subscription.c.target_id == target_id,
               ct.subscription.c.unsubscribed_at.is_(None))
        .with_for_update()).mappings().first()
    if existing is not None:
        if existing["confirmed_at"] is not None:
            return  # already following: nothing to send
        sent = existing["confirmation_sent_at"]
        if sent is not None and at - sent < RESEND_AFTER:
            return
        _queue_confirmation(existing["id"])
        return
    pending = model.Session.execute(
        sa.select(sa.func.count()).select_from(ct.subscription)
        .where(ct.subscription.c.email == email,
               ct.subscription.c.confirmed_at.is_(None),
               ct.subscription.c.unsubscribed_at.is_(None))).scalar_one()
    if pending >= MAX_PENDING:
        return
    subscription_id = model.Session.execute(
        sa.insert(ct.subscription).values(
            email=email, target_kind=kind, target_id=target_id,
            token=secrets.token_urlsafe(32), language=language,
            created_at=at).returning(ct.subscription.c.id)).scalar_one()
    _queue_confirmation(subscription_id)


def _queue_confirmation(subscription_id: int) -> None:
    """Queue the confirmation e-mail, unless the address had its day's
    share already (nobody can make the portal flood an address)."""
    email = model.Session.execute(
        sa.select(ct.subscription.c.email)
        .where(ct.subscription.c.id == subscription_id)).scalar_one()
    sent_today = model.Session.execute(
        sa.select(sa.func.count()).select_from(ct.subscription)
        .where(ct.subscription.c.email == email,
               ct.subscription.c.confirmation_sent_at
               > workflow.now() - dt.timedelta(days=1))).scalar_one()
    if sent_today >= MAX_CONFIRMATIONS_A_DAY:
        return
    model.Session.execute(
        sa.update(ct.subscription)
        .where(ct.subscription.c.id == subscription_id)
        .values(confirmation_sent_at=workflow.now()))
    model.Session().info.setdefault(CONFIRM_KEY, []).append(subscription_id)


def by_token(token: str, lock: bool = False) -> dict[str, Any] | None:
    if not token or len(token) > 100:
        return None
    query = sa.select(ct.subscription).where(ct.subscription.c.token == token)
    if lock:
        query = query.with_for_update()
    found = model.Session.execute(query).mappings().first()
    return dict(found) if found else None


def confirm(token: str) -> dict[str, Any] | None:
    found = by_token(token, lock=True)
    if found is None or found["unsubscribed_at"] is not None:
        return None
    if found["confirmed_at"] is None:
        found["confirmed_at"] = workflow.now()
        model.Session.execute(
            sa.update(ct.subscription)
            .where(ct.subscription.c.id == found["id"])
            .values(confirmed_at=found["confirmed_at"]))
    return found


def unsubscribe(token: str, everything: bool = False
                ) -> dict[str, Any] | None:
    """End the subscription of ``token`` (``everything``: every
    subscription of its address)."""
    found = by_token(token, lock=True)
    if found is None:
        return None
    at = workflow.now()
    which = ct.subscription.c.email == found["email"] if everything \
        else ct.subscription.c.id == found["id"]
    model.Session.execute(
        sa.update(ct.subscription)
        .where(which, ct.subscription.c.unsubscribed_at.is_(None))
        .values(unsubscribed_at=at))
    found["unsubscribed_at"] = found["unsubscribed_at"] or at
    return found


def queue_release(entry: Mapping[str, Any]) -> int:
    """Record one delivery per subscribed address for a released entry (an
    address following its sector and its OPD gets one e-mail); the e-mails
    go after the commit."""
    targets = [(kind, entry[key]) for kind, key in (
        ("sector", "sector"), ("opd", "owner_org"),
        ("indicator", "package_id")) if entry.get(key)]
    if not targets:
        return 0
    chosen = (
        sa.select(ct.subscription.c.id, ct.subscription.c.email)
        .where(ct.subscription.c.confirmed_at.is_not(None),
               ct.subscription.c.unsubscribed_at.is_(None),
               sa.or_(*[sa.and_(ct.subscription.c.target_kind == kind,
                                ct.subscription.c.target_id == target_id)
                        for kind, target_id in targets]))
        .order_by(ct.subscription.c.email, ct.subscription.c.id)
        .distinct(ct.subscription.c.email)
        .subquery())
    rows = model.Session.execute(sa.select(chosen.c.id)).scalars().all()
    if not rows:
        return 0
    at = workflow.now()
    model.Session.execute(
        pg_insert(ct.delivery)
        .values([{"subscription_id": subscription_id,
                  "entry_id": entry["id"], "queued_at": at}
                 for subscription_id in rows])
        .on_conflict_do_nothing())
    model.Session().info.setdefault(PENDING_KEY, []).append(entry["id"])
    return len(rows)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]


def _list_headers(token: str) -> dict[str, str]:
    """RFC 2369's unsubscribe link, and RFC 8058's one-click POST to it."""
    return {"List-Unsubscribe": f"<{links(token)['unsubscribe']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _site() -> str:
    return tk.config.get("ckan.site_url", "").rstrip("/")


def links(token: str) -> dict[str, str]:
    site = _site()
    return {"confirm": f"{site}/release-calendar/subscription/{token}",
            "unsubscribe":
                f"{site}/release-calendar/subscription/{token}/unsubscribe"}


def send_confirmation(subscription_id: int) -> None:
    found = model.Session.execute(sa.select(ct.subscription).where(
        ct.subscription.c.id == subscription_id)).mappings().first()
    if found is None or found["confirmed_at"] or found["unsubscribed_at"]:
        return
    what = target_title(found["target_kind"], found["target_id"])
    with force_locale(found["language"]):  # the language it was asked in
        body = tk.render("emails/magetan_release_confirm.txt", {
            "what": what, "kind": found["target_kind"],
            "links": links(found["token"]),
            "site_title": tk.config.get("ckan.site_title")})
        subject = tk._("Confirm your subscription to releases: {what}") \
            .format(what=what)
    mailer.mail_recipient(
        found["email"], found["email"], _one_line(subject), body,
        headers=_list_headers(found["token"]))


def send_release(entry_id: str) -> None:
    """Send the e-mails of a release not sent yet; a failure is recorded on
    its delivery, and the job fails after trying all."""
    entry = calendar.entry_row(entry_id)
    if entry is None:
        return
    rows = model.Session.execute(
        sa.select(ct.delivery.c.subscription_id, ct.subscription)
        .join(ct.subscription,
              ct.subscription.c.id == ct.delivery.c.subscription_id)
        .where(ct.delivery.c.entry_id == entry_id,
               ct.delivery.c.sent_at.is_(None),
               ct.subscription.c.unsubscribed_at.is_(None))
    ).mappings().all()
    package = model.Package.get(entry["package_id"]) \
        if entry["package_id"] else None
    url = f"{_site()}/{package.type}/{package.name}" if package else \
        f"{_site()}/release-calendar/{entry_id}"
    failed = []
    for found in rows:
        what = target_title(found["target_kind"], found["target_id"])
        with force_locale(found["language"]):
            body = tk.render("emails/magetan_release.txt", {
                "title": entry["title"], "what": what, "url": url,
                "entry_url": f"{_site()}/release-calendar/{entry_id}",
                "links": links(found["token"]),
                "site_title": tk.config.get("ckan.site_title")})
            subject = tk._("Released: {title}").format(title=entry["title"])
        error = None
        try:
            mailer.mail_recipient(
                found["email"], found["email"], _one_line(subject), body,
                headers=_list_headers(found["token"]))
        except Exception as exc:  # noqa: BLE001 - the others still get theirs
            error = f"{exc.__class__.__name__}: {exc}"
        model.Session.execute(
            sa.update(ct.delivery)
            .where(ct.delivery.c.subscription_id == found["subscription_id"],
                   ct.delivery.c.entry_id == entry_id)
            .values(sent_at=None if error else workflow.now(), error=error))
        model.Session.commit()
        if error:
            failed.append(found["subscription_id"])
    if failed:
        raise mailer.MailerException(
            f"release {entry_id}: {len(failed)} e-mail(s) could not be sent")


def _after_commit(session: Any) -> None:
    entries = session.info.pop(PENDING_KEY, [])
    confirmations = session.info.pop(CONFIRM_KEY, [])
    from ckanext.magetan.calendar import jobs
    for entry_id in dict.fromkeys(entries):
        try:
            # a failed delivery is tried again (the worker's scheduler)
            tk.enqueue_job(jobs.send_release_emails, [entry_id],
                           title="Kirim e-mail rilis ke pelanggan",
                           rq_kwargs={"retry": Retry(max=3,
                                                     interval=[60, 600, 3600])})
        except Exception:  # the release stands; the deliveries stay queued
            log.exception("Could not queue the e-mails of release %s",
                          entry_id)
    for subscription_id in confirmations:
        try:
            tk.enqueue_job(jobs.send_confirmation, [subscription_id],
                           title="Kirim e-mail konfirmasi langganan")
        except Exception:
            log.exception("Could not queue confirmation %s", subscription_id)


def _after_soft_rollback(session: Any, previous: Any) -> None:
    if not previous.nested and previous.parent is None:
        session.info.pop(PENDING_KEY, None)
        session.info.pop(CONFIRM_KEY, None)


sa.event.listen(model.Session, "after_commit", _after_commit)
sa.event.listen(model.Session, "after_soft_rollback", _after_soft_rollback)
