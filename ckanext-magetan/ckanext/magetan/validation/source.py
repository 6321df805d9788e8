"""The file a validation reads, and what is wrong with it before any row.

An uploaded file is read where CKAN stores it; a linked one is downloaded
into a temporary file first, refusing addresses inside the portal's network
(the report would show what they answer), redirects to them and anything
over the size limit. Then the file itself is looked at: empty, a web page
saved as .csv or .xls, a "spreadsheet" that is no zip or unpacks to far more
than its size (a zip bomb), formula cells without a computed value.
"""
from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import socket
import tempfile
import time
import zipfile
from dataclasses import dataclass
from typing import Any, Iterator, Optional
from urllib.parse import urljoin, urlsplit

import requests
import requests.adapters
import urllib3
import urllib3.connection

from ckan.lib import uploader

log = logging.getLogger(__name__)

ZIP_FORMATS = ("xlsx", "ods")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_REDIRECTS = 5
MAX_FORMULA_CELLS = 100


class SourceProblem(Exception):
    """The file cannot be validated as a table: ``kind`` names the problem
    (an error type of the report), ``note`` says it in English and
    ``params`` holds the numbers a message needs."""

    def __init__(self, kind: str, note: str, **params: Any):
        self.kind, self.note, self.params = kind, note, params
        super().__init__(note)


class FetchError(Exception):
    """A linked file that cannot be downloaded (the validation errors)."""


@dataclass
class Limits:
    max_bytes: int
    max_unzipped_bytes: int
    allow_private_urls: bool = False
    timeout: float = 30.0


@dataclass
class Source:
    path: str
    name: str  # the file name shown in the report


@contextlib.contextmanager
def located(resource: dict[str, Any], limits: Limits) -> Iterator[Source]:
    """The resource's file on disk, downloaded first when it is a link."""
    name = (resource.get("url") or "").rstrip("/").rsplit("/", 1)[-1] \
        or resource["id"]
    if resource.get("url_type") == "upload":
        path = uploader.get_resource_uploader(dict(resource)).get_path(
            resource["id"])
        if not path or not os.path.exists(path):
            raise SourceProblem("magetan-missing-file",
                                "the uploaded file is missing")
        size = os.path.getsize(path)
        if size > limits.max_bytes:
            raise SourceProblem("magetan-too-large",
                                f"the file has {size} bytes",
                                size=size, limit=limits.max_bytes)
        yield Source(path=path, name=name)
        return
    url = resource.get("url") or ""
    with tempfile.NamedTemporaryFile(prefix="magetan-validation-") as copy:
        download(url, copy, limits)
        copy.flush()
        yield Source(path=copy.name, name=name)


class _CheckedConnection:
    """A connection that resolves its host once, refuses it if any of its
    addresses is inside the portal's network, and connects to the address it
    checked: a name that resolves elsewhere the second time (DNS
    rebinding) gets no second look-up."""

    port: int
    _dns_host: str

    def _new_conn(self) -> socket.socket:
        # urllib3 has no resolver hook: its connections resolve
        # ``_dns_host`` in ``_new_conn``, so the checked address stands in
        # for the name just for that call (``host``, and with it the Host
        # header, SNI and certificate check, is the name again after it)
        name = self._dns_host
        self._dns_host = checked_address(name, self.port)
        try:
            return super()._new_conn()  # type: ignore[misc]
        finally:
            self._dns_host = name


class _CheckedHTTPConnection(_CheckedConnection,
                             urllib3.connection.HTTPConnection):
    pass


class _CheckedHTTPSConnection(_CheckedConnection,
                              urllib3.connection.HTTPSConnection):
    pass


class _CheckedHTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class CheckedAdapter(requests.adapters.HTTPAdapter):
    """requests' adapter with connections that refuse the portal's own
    network (``_CheckedConnection``)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPPool, "https": _CheckedHTTPSPool}


def download(url: str, target: Any, limits: Limits) -> None:
    """Write the document at ``url`` into the open file ``target``."""
    with requests.Session() as session:
        # no proxies or .netrc credentials from the environment: the
        # address checked is the one connected to
        session.trust_env = False
        if not limits.allow_private_urls:
            adapter = CheckedAdapter()
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        _download(session, url, target, limits)


def _download(session: requests.Session, url: str, target: Any,
              limits: Limits) -> None:
    for _ in range(MAX_REDIRECTS + 1):
        try:
            parts = urlsplit(url)
        except ValueError as error:  # "http://[::1" and the like
            raise FetchError(f"the link is not a valid address: {error}")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"only http and https links are read: {url!r}")
        try:
            response = session.get(url, stream=True, allow_redirects=False,
                                   timeout=(10, limits.timeout))
        except requests.RequestException as error:
            raise FetchError(f"the link cannot be read: {error}")
        with response:
            if response.is_redirect:
                url = urljoin(url, response.headers.get("location", ""))
                continue
            if response.status_code != 200:
                raise FetchError(
                    f"the link answers HTTP {response.status_code}")
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and \
                    int(declared) > limits.max_bytes:
                raise SourceProblem("magetan-too-large",
                                    f"the file has {declared} bytes",
                                    size=int(declared),
                                    limit=limits.max_bytes)
            written = 0
            deadline = time.monotonic() + limits.timeout
            try:
                for chunk in response.iter_content(64 * 1024):
                    if time.monotonic() > deadline:
                        raise FetchError(
                            "the download took longer than allowed")
                    written += len(chunk)
                    if written > limits.max_bytes:
                        raise SourceProblem(
                            "magetan-too-large",
                            f"the file has more than {limits.max_bytes} "
                            "bytes", size=written, limit=limits.max_bytes)
                    target.write(chunk)
            except requests.RequestException as error:
                raise FetchError(f"the download broke off: {error}")
            return
    raise FetchError("the link redirects too often")


def checked_address(host: str, port: int) -> str:
    """The address to connect to for ``host``: refused (``FetchError``)
    when any of its addresses is inside the portal's network."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"the host {host} is not found: {error}")
    if not infos:
        raise FetchError(f"the host {host} is not found")
    for info in infos:
        _refuse_address(info[4][0])
    return str(infos[0][4][0])


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def embedded_ipv4(ip: Any) -> list[Any]:
    """The IPv4 addresses an IPv6 address carries (mapped, compatible,
    6to4, NAT64, Teredo), which a router may reach in its stead."""
    if ip.version != 6:
        return []
    found = [ip.ipv4_mapped, ip.sixtofour]
    if ip.teredo:
        found.extend(ip.teredo)
    if int(ip) >> 32 == 0 or ip in NAT64:  # ::a.b.c.d, 64:ff9b::a.b.c.d
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [address for address in found if address is not None]


def _refuse_address(address: str) -> None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    for candidate in (ip, *embedded_ipv4(ip)):
        if not candidate.is_global or candidate.is_multicast:
            raise FetchError(
                "links into the portal's own network are not read")


def inspect(path: str, format: str, limits: Limits) -> list[dict[str, Any]]:
    """Problems of the file as a whole, before its rows: raises
    :class:`SourceProblem` for one that stops the validation; returns
    warnings (formulas read as their computed values)."""
    size = os.path.getsize(path)
    if size == 0:
        raise SourceProblem("magetan-empty-file", "the file is empty")
    if size > limits.max_bytes:
        raise SourceProblem("magetan-too-large", f"the file has {size} bytes",
                            size=size, limit=limits.max_bytes)
    with open(path, "rb") as f:
        head = f.read(2048)
    if _looks_like_html(head):
        raise SourceProblem("magetan-html",
                            "the file is a web page (HTML), not a table")
    if format in ZIP_FORMATS:
        return _inspect_zip(path, format, limits)
    if format == "xls" and not head.startswith(OLE2_MAGIC):
        raise SourceProblem("magetan-not-spreadsheet",
                            "the file is not an Excel 97-2003 workbook")
    if format == "json":
        from ckanext.magetan.tableschema import json_problem

        problem = json_problem(path)
        if problem:
            raise SourceProblem("magetan-bad-json", problem)
    if format in ("csv", "tsv") and b"\x00" in head and not (
            head.startswith((b"\xff\xfe", b"\xfe\xff"))
            or _utf16_without_bom(head)):
        raise SourceProblem("magetan-binary",
                            "the file holds binary data, not text")
    return []


def _looks_like_html(head: bytes) -> bool:
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = head.decode("utf-16", "ignore").encode("ascii", "ignore")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<!doctype html", b"<html", b"<head", b"<body",
                            b"<table")) or (
        text.startswith(b"<?xml") and b"<html" in text)


def _utf16_without_bom(head: bytes) -> bool:
    odd, even = head[1::2], head[0::2]
    return bool(odd) and (odd.count(0) > 0.9 * len(odd)
                          or even.count(0) > 0.9 * len(even))


def _inspect_zip(path: str, format: str,
                 limits: Limits) -> list[dict[str, Any]]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise SourceProblem("magetan-not-spreadsheet",
                            f"the file is not an {format.upper()} workbook")
    with archive:
        members = archive.infolist()
        unpacked = sum(member.file_size for member in members)
        # zipfile stops reading a member at its declared size, so the sum
        # bounds what openpyxl can unpack
        if unpacked > limits.max_unzipped_bytes:
            raise SourceProblem(
                "magetan-zip-bomb",
                f"the workbook unpacks to {unpacked} bytes",
                size=unpacked, limit=limits.max_unzipped_bytes)
        names = {member.filename for member in members}
    if format == "xlsx":
        if "[Content_Types].xml" not in names:
            raise SourceProblem("magetan-not-spreadsheet",
                                "the file is not an XLSX workbook")
        return _formula_cells(path)
    return []


def _formula_cells(path: str) -> list[dict[str, Any]]:
    """Formula cells of the first sheet: an error for those without a
    computed value (the file was written by a program, never opened in a
    spreadsheet), a warning that the others were read as their values."""
    import openpyxl

    # openpyxl opens a file name only with a workbook's extension, which
    # CKAN's storage paths and downloads lack: it is given the open file
    formulas: list[tuple[int, int]] = []
    with open(path, "rb") as stream:
        try:
            book = openpyxl.load_workbook(stream, read_only=True,
                                          data_only=False)
        except Exception as error:  # noqa: BLE001 - any reader error is the file's
            raise SourceProblem("magetan-not-spreadsheet",
                                f"the workbook cannot be opened: {error}")
        try:
            if not book.worksheets:
                raise SourceProblem("magetan-not-spreadsheet",
                                    "the workbook has no worksheet")
            sheet = book.worksheets[0]
            for row in sheet.iter_rows():
                for cell in row:
                    if getattr(cell, "data_type", None) == "f":
                        formulas.append((cell.row, cell.column))
        finally:
            book.close()
    if not formulas:
        return []
    wanted = set(formulas)
    empty: list[tuple[int, int]] = []
    with open(path, "rb") as stream:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            for row in sheet.iter_rows():
                for cell in row:
                    if (getattr(cell, "row", None),
                            getattr(cell, "column", None)) in wanted \
                            and cell.value is None:
                        empty.append((cell.row, cell.column))
        finally:
            book.close()
    if empty:
        from openpyxl.utils import get_column_letter

        where = [f"{get_column_letter(c)}{r}" for r, c in
                 empty[:MAX_FORMULA_CELLS]]
        raise SourceProblem(
            "magetan-formula",
            f"{len(empty)} formula cells have no computed value: "
            + ", ".join(where), cells=where, count=len(empty))
    return [{"type": "magetan-formulas-read",
             "note": f"{len(formulas)} formula cells were read as their "
                     "computed values",
             "rowNumber": None, "fieldName": None,
             "params": {"count": len(formulas)}}]


def format_of(resource: dict[str, Any]) -> Optional[str]:
    """The frictionless format of a tabular resource (by its format, else
    its file name), or None."""
    from ckanext.magetan.tableschema import tabular_format

    url = resource.get("url") or ""
    return tabular_format(resource.get("format"), urlsplit(url).path)
