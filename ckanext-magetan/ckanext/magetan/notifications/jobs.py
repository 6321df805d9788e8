"""Background jobs: the e-mails of notifications (CKAN's RQ worker)."""
from __future__ import annotations

import logging

import sqlalchemy as sa

from ckan import model
from ckan.lib import mailer
from ckan.plugins import toolkit as tk

from ckanext.magetan import notifications, web, workflow
from ckanext.magetan.notifications.tables import notification

log = logging.getLogger(__name__)


def send_emails(ids: list[int]) -> None:
    """Send the e-mail of each notification not sent yet, in the portal's
    language; a failure is recorded on the notification, and the job fails
    after trying all."""
    with web.request_context():
        _send(ids)


def _send(ids: list[int]) -> None:
    failed = []
    rows = model.Session.execute(
        sa.select(notification).where(notification.c.id.in_(ids),
                                      notification.c.emailed_at.is_(None))
    ).mappings().all()
    site = tk.config.get("ckan.site_url", "").rstrip("/")
    for row in rows:
        user = model.User.get(row["user_id"])
        error = None
        if user is None or not user.email:
            error = "no e-mail address"
        else:
            text = notifications.message(row)
            body = tk.render("emails/magetan_notification.txt", {
                "name": user.fullname or user.name,
                "text": text["text"],
                "url": f"{site}{text['url']}" if text["url"] else "",
                "tasks_url": f"{site}/tugas-saya"})
            try:
                mailer.mail_user(user, text["subject"], body)
            except mailer.MailerException as exc:
                error = str(exc) or exc.__class__.__name__
        model.Session.execute(
            sa.update(notification).where(notification.c.id == row["id"])
            .values(emailed_at=None if error else workflow.now(),
                    email_error=error))
        if error:
            failed.append(row["id"])
    model.Session.commit()
    if failed:
        raise mailer.MailerException(
            f"notifications {failed} could not be e-mailed")
