"""What keeps health data private on a home network: the token, the session cookie, the
CSRF field, the Host allowlist and the headers on every answer.

The token is a per-diary secret in a 0600 file. A browser trades it once (`/?token=...`)
for a signed, HttpOnly, SameSite=Strict session cookie; scripts send it as a Bearer
header. Posts made with the cookie also carry the page's CSRF field and a same-origin
`Origin`. The Host check runs in a WSGI wrapper, before Flask sees the request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from diary.files import private_file, private_folder
from diary.storage import Target

TOKEN_BYTES = 24
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
HEADERS = (
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'self'; img-src 'self'; manifest-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Cache-Control", "no-store"),
    # Not no-referrer: with it Chromium sends `Origin: null` on same-origin posts.
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)


def token_path(target: Target) -> Path:
    """Beside an SQLite diary (`diary.sqlite3.web-token`); for a server URL, in the user
    data folder under a name derived from the URL."""
    if target.path is not None:
        return target.path.with_name(target.path.name + ".web-token")
    from diary.paths import user_data_dir

    digest = hashlib.sha256(target.url.render_as_string(hide_password=False).encode()).hexdigest()
    return user_data_dir() / "web-tokens" / f"{digest[:16]}.web-token"


def load_token(path: Path, *, renew: bool = False) -> str:
    """The diary's token, made (0600) on first use or when `renew` is set."""
    if not renew and path.is_file():
        token = path.read_text(encoding="ascii").strip()
        if len(token) >= 32:
            return token
    token = secrets.token_urlsafe(TOKEN_BYTES)
    private_folder(path.parent)
    with private_file(path) as handle:
        handle.write(token + "\n")
    return token


def same_secret(given: str | None, expected: str) -> bool:
    # surrogatepass: a field with an undecodable byte is simply not the secret
    given_bytes = None if given is None else given.encode("utf-8", "surrogatepass")
    return given_bytes is not None and hmac.compare_digest(given_bytes, expected.encode())


def session_key(token: str) -> bytes:
    """The cookie-signing key: derived from the token, so `--new-token` ends every session."""
    return hmac.new(token.encode(), b"diary session cookie", hashlib.sha256).digest()


def host_name(host_header: str) -> str:
    """'192.168.1.5:8765' -> '192.168.1.5', '[::1]:8765' -> '::1'."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class HostGuard:
    """A WSGI wrapper: answers 400 to a Host not allowed (DNS rebinding) before the app runs,
    and adds the security headers to every answer, errors included."""

    def __init__(self, app: WsgiApp, allowed: Iterable[str]) -> None:
        self.app = app
        self.allowed = frozenset(h.lower().strip("[]") for h in allowed)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        host = host_name(environ.get("HTTP_HOST", ""))
        if host not in self.allowed:
            body = b"Host not allowed: open the address `diary serve` printed.\n"
            start_response(
                "400 Bad Request",
                [
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Content-Length", str(len(body))),
                    *HEADERS,
                ],
            )
            return [body]

        def with_headers(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            ours = {name.lower() for name, _ in HEADERS}
            kept = [(n, v) for n, v in headers if n.lower() not in ours]
            return start_response(status, [*kept, *HEADERS], *rest)

        return self.app(environ, with_headers)
