"""Fetch a report from an http(s) URL, safely.

* Only ``http`` and ``https``; a redirect anywhere else (``file:``,
  ``ftp:``, ``data:``...) is refused.
* Every host is resolved first and refused when any of its addresses is
  private, loopback, link-local, multicast, reserved or unspecified; the
  connection then goes to the address that was checked (no second DNS answer
  can swap it), and the same checks run again on every redirect.
* A timeout on every network operation and an overall deadline; at most
  :data:`MAX_FETCH_BYTES` are read.
* ``allow_hosts`` lets tests use a local server (``127.0.0.1``): only hosts
  named there skip the address checks.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from geodata.reader.extract import ReadError

__all__ = ["FetchResult", "fetch", "MAX_FETCH_BYTES", "TIMEOUT", "MAX_REDIRECTS"]

MAX_FETCH_BYTES = 2_000_000
TIMEOUT = 10.0
MAX_REDIRECTS = 5
_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_USER_AGENT = "FrontlineAtlas/0.1 (+report reader)"


@dataclass
class FetchResult:
    """What a URL gave: the final URL, its bytes and their charset (if declared)."""

    url: str
    content: bytes
    content_type: str
    charset: str | None


def _addresses(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise ReadError(f"cannot resolve host {host!r}: {error}") from error
    return list(dict.fromkeys(info[4][0] for info in infos))


def _check_address(address: str, host: str) -> None:
    ip = ipaddress.ip_address(address.split("%")[0])
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    if (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    ):
        raise ReadError(
            f"refused: {host} resolves to {address}, a private, loopback or link-local address"
        )


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


def _target(url: str, allow_hosts: frozenset[str]) -> tuple[str, str, int, str, str]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ReadError(f"refused: only http and https URLs are read, not {scheme or 'this'}:")
    host = parts.hostname
    if not host:
        raise ReadError("refused: the URL has no host")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as error:
        raise ReadError(f"refused: bad port in {url!r}") from error
    addresses = _addresses(host, port)
    if host.lower() not in allow_hosts:
        for address in addresses:
            _check_address(address, host)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, host, port, addresses[0], path


def fetch(
    url: str,
    *,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_FETCH_BYTES,
    allow_hosts=(),
) -> FetchResult:
    """Fetch a report's page.

    Parameters
    ----------
    url : str
        An ``http://`` or ``https://`` URL.
    timeout : float
        Seconds for each network operation, and for the whole fetch.
    max_bytes : int
        Largest body read.
    allow_hosts : iterable of str
        Hosts allowed even on private or loopback addresses (for tests).

    Raises
    ------
    ReadError
        For every refusal or failure, with the reason.
    """
    allowed = frozenset(h.lower() for h in allow_hosts)
    deadline = time.monotonic() + timeout
    current = url.strip()
    for _ in range(MAX_REDIRECTS + 1):
        scheme, host, port, address, path = _target(current, allowed)
        cls = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
        conn = cls(host, port, address, timeout)
        try:
            conn.request(
                "GET", path, headers={"User-Agent": _USER_AGENT, "Accept": ", ".join(_TYPES)}
            )
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise ReadError(f"redirect without a Location from {current}")
                current = urljoin(current, location.strip())
                continue
            if response.status != 200:
                raise ReadError(f"{current} answered HTTP {response.status} {response.reason}")
            return _read_body(response, current, max_bytes, deadline, timeout)
        except TimeoutError as error:
            raise ReadError(f"timed out fetching {current} after {timeout:g} s") from error
        except (OSError, http.client.HTTPException, ssl.SSLError) as error:
            if isinstance(error, ReadError):
                raise
            raise ReadError(f"cannot fetch {current}: {error}") from error
        finally:
            conn.close()
    raise ReadError(f"too many redirects (more than {MAX_REDIRECTS}) from {url}")


def _read_body(response, current: str, max_bytes: int, deadline: float, timeout: float):
    """Read a 200 answer: a text or HTML page of at most ``max_bytes``, before ``deadline``."""
    ctype = (response.getheader("Content-Type") or "text/html").lower()
    mime = ctype.split(";")[0].strip()
    if mime not in _TYPES:
        raise ReadError(f"refused: {current} is {mime}, not a text or HTML page")
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise ReadError(f"refused: {current} is {int(length):,} bytes (limit {max_bytes:,})")
    chunks, size = [], 0
    while True:
        if time.monotonic() > deadline:
            raise ReadError(f"timed out reading {current} after {timeout:g} s")
        chunk = response.read(65536)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise ReadError(f"refused: {current} is larger than {max_bytes:,} bytes")
        chunks.append(chunk)
    charset = None
    if "charset=" in ctype:
        charset = ctype.split("charset=")[1].split(";")[0].strip().strip('"') or None
    return FetchResult(current, b"".join(chunks), mime, charset)
