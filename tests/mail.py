"""A real local SMTP server for the tests of e-mails (aiosmtpd)."""
from __future__ import annotations

import contextlib
import socket
from email import message_from_bytes
from email.header import decode_header, make_header
from typing import Any, Iterator

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd's handler: every message received, decoded."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content)
        self.messages.append({
            "to": envelope.rcpt_tos,
            "subject": str(make_header(decode_header(message["Subject"]))),
            "body": message.get_payload(decode=True).decode("utf-8"),
            "headers": dict(message.items()),
        })
        return "250 OK"


@contextlib.contextmanager
def running_inbox(port: int) -> Iterator[Inbox]:
    """An SMTP server on 127.0.0.1:``port`` while the block runs."""
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()
