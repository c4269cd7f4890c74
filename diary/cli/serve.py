"""`diary serve`: the diary as a page for the phone (needs the `web` extra)."""

from __future__ import annotations

import ipaddress
import signal
import sys
import threading
from typing import Annotated, Any

import typer

from diary.cli.state import state_of
from diary.errors import BadInput, DiaryError

DEFAULT_PORT = 8765
# What one client can hold, and for how long (issue: 105 half-open connections, headers never
# finished, kept the page from answering for their lifetime). Waitress reads requests on one
# loop and runs the app on THREADS; these bound the loop's side.
THREADS = 8
CONNECTION_LIMIT = 100  # open connections in all
PER_CLIENT = 24  # open connections one address may hold (a browser opens ~6)
CHANNEL_TIMEOUT_S = 20  # a connection idle this long, with no request in progress, is closed
CLEANUP_INTERVAL_S = 2  # how often idle connections are looked for
INSTALL_HINT = "diary serve needs the web extra: pip install 'contraction-diary[web]'"
EVERYWHERE = ("0.0.0.0", "::")


def serve(
    ctx: typer.Context,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to listen on; another than 127.0.0.1 serves your home network "
            "(plain HTTP).",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option("--port", min=0, max=65535, help="Port; 0 picks a free one."),
    ] = DEFAULT_PORT,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            metavar="NAME",
            help="A name or address the page is opened by (repeatable; needed with 0.0.0.0).",
        ),
    ] = None,
    new_token: Annotated[
        bool, typer.Option("--new-token", help="Replace the diary's key (signs out every phone).")
    ] = False,
) -> None:
    """Serve the diary as a small web page: log, check in, read the week, the charts and the
    triggers from a phone. Prints the address to open (with its key) as the first line;
    runs until Ctrl-C."""
    try:
        import waitress
        from flask import Flask  # noqa: F401
    except ImportError:
        raise DiaryError(INSTALL_HINT) from None
    from diary.web.app import create_app
    from diary.web.security import LOCAL_HOSTS, load_token, token_path
    from diary.web.views import Diary

    allowed = [_host_name(name, "--allow-host") for name in (allow_host or [])]
    listen = _host_name(host, "--host")
    if listen in EVERYWHERE and not allowed:
        raise BadInput(
            f"--host {host} listens on every network; name the addresses the phone will open "
            "with --allow-host NAME (e.g. --allow-host 192.168.1.20)"
        )
    state = state_of(ctx)
    database = state.database()
    config = state.config()
    token = load_token(token_path(database.target), renew=new_token)
    hosts = (*LOCAL_HOSTS, *([] if listen in EVERYWHERE else [listen]), *allowed)
    app = create_app(Diary(database, config, state.now), token, hosts=hosts)
    try:
        server: Any = waitress.create_server(
            app,
            host=listen,
            port=port,
            ident="diary",
            threads=THREADS,
            connection_limit=CONNECTION_LIMIT,
            channel_timeout=CHANNEL_TIMEOUT_S,
            cleanup_interval=CLEANUP_INTERVAL_S,
        )
        _bounded(server)
    except OSError as exc:
        raise DiaryError(f"cannot listen on {host} port {port}: {exc.strerror}") from None
    shown = allowed[0] if listen in EVERYWHERE else listen
    address = f"http://{_bracketed(shown)}:{server.effective_port}/?token={token}"
    typer.echo(address)
    local = listen in LOCAL_HOSTS
    if not local:
        typer.echo(
            "diary: warning: serving your home network over plain HTTP: anyone on it who "
            "sees the address can read the diary. Use it on a network you trust.",
            err=True,
        )
        _print_qr(address)
    typer.echo("Serving the diary; Ctrl-C stops.", err=True)
    sys.stdout.flush()

    def stop(_signal: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    from diary.web.charts import warm_up

    threading.Thread(target=warm_up, name="diary-warm-up", daemon=True).start()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    typer.echo("Stopped.", err=True)


def _bounded(server: Any) -> None:
    """Newest first: at the connection limit, or past PER_CLIENT for one address, the oldest
    connection with no request in progress (a slow or half-open one) is closed to make room,
    instead of the server no longer accepting anyone until it times out. A phone that opens
    the page while a slow client holds connections is answered at once."""

    def idle(channels: Any) -> list[Any]:
        waiting = [c for c in channels if not c.requests and not c.will_close]
        return sorted(waiting, key=lambda c: c.last_activity)

    def make_room(channels: list[Any], keep: int) -> None:
        for channel in idle(channels)[: max(0, len(channels) - keep)]:
            channel.handle_close()

    accept_one = server.handle_accept
    readable = server.readable

    def handle_accept() -> None:
        accept_one()
        by_address: dict[Any, list[Any]] = {}
        for channel in list(server.active_channels.values()):
            by_address.setdefault(_peer(channel.addr), []).append(channel)
        for channels in by_address.values():
            if len(channels) > PER_CLIENT:
                make_room(channels, PER_CLIENT)

    def readable_with_room() -> bool:
        make_room(list(server.active_channels.values()), CONNECTION_LIMIT - 1)
        return bool(readable())

    server.handle_accept = handle_accept
    server.readable = readable_with_room


def _peer(addr: Any) -> Any:
    return addr[0] if isinstance(addr, tuple) and addr else addr


def _host_name(value: str, option: str) -> str:
    """An IP address or a plain host name; anything else is bad input."""
    name = value.strip().strip("[]").lower()
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        pass
    labels = name.split(".")
    if name and all(
        0 < len(label) <= 63 and label.replace("-", "").isalnum() and label.isascii()
        for label in labels
    ):
        return name
    raise BadInput(f"{option} {value!r} is not a host name or IP address")


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _print_qr(address: str) -> None:
    """The address as a QR code in the terminal, for the phone's camera (segno, in the web
    extra; skipped quietly without it)."""
    try:
        import segno
    except ImportError:
        return
    segno.make(address, error="l").terminal(out=sys.stdout, compact=True)
