"""`diary serve` measured as a phone uses it: a running server on a copy of the bench diary.

    python bench/web.py DIARY.sqlite3     # alone; bench/run.py calls `measure` in its run

Reports the time from request to answer of a logged episode (POST /log, median of 50),
the /charts page with its SVG images the first time and once cached, and the server's
resident memory idle and after the charts.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

POSTS = 50


@dataclass(frozen=True)
class WebTimings:
    log_median_s: float  # POST /log to its 303 answer: the episode is stored
    log_max_s: float
    log_and_page_median_s: float  # and the page it redirects to (label and flags)
    charts_first_s: float
    charts_cached_s: float
    idle_mb: float
    after_charts_mb: float


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _get(connection: http.client.HTTPConnection, path: str, headers: dict[str, str]) -> bytes:
    connection.request("GET", path, headers=headers)
    answer = connection.getresponse()
    body = answer.read()
    assert answer.status == 200, (path, answer.status)
    return body


def _charts(connection: http.client.HTTPConnection, headers: dict[str, str]) -> float:
    started = time.perf_counter()
    page = _get(connection, "/charts", headers).decode()
    for part in page.split('src="')[1:]:
        source = part.split('"', 1)[0]
        if source.startswith("/charts/"):
            _get(connection, source, headers)
    return time.perf_counter() - started


def measure(db: Path, env: dict[str, str]) -> WebTimings:
    """Start `diary serve` on a copy of `db`, measure, stop it."""
    work = Path(tempfile.mkdtemp(prefix="diary-web-bench-"))
    copy = work / "web.sqlite3"
    shutil.copy(db, copy)
    server = subprocess.Popen(
        [sys.executable, "-m", "diary", "--db", str(copy), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**env, "XDG_DATA_HOME": str(work)},
    )
    try:
        assert server.stdout is not None
        address = urllib.parse.urlsplit(server.stdout.readline().strip())
        token = urllib.parse.parse_qs(address.query)["token"][0]
        headers = {"Authorization": f"Bearer {token}"}
        connection = http.client.HTTPConnection(address.hostname or "", address.port)
        _get(connection, "/week", headers)  # the first page loads the report modules
        time.sleep(0.5)
        idle = _rss_mb(server.pid)
        form = urllib.parse.urlencode(
            {"site": "calf", "duration": "90s", "pain": "6", "trigger": "dehydration"}
        )
        posted = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
        times, with_page = [], []
        for _ in range(POSTS):
            started = time.perf_counter()
            connection.request("POST", "/log", body=form, headers=posted)
            answer = connection.getresponse()
            answer.read()
            times.append(time.perf_counter() - started)
            assert answer.status == 303, answer.status
            _get(connection, answer.headers["Location"], headers)
            with_page.append(time.perf_counter() - started)
        first = _charts(connection, headers)
        cached = _charts(connection, headers)
        after = _rss_mb(server.pid)
        connection.close()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    return WebTimings(
        statistics.median(times),
        max(times),
        statistics.median(with_page),
        first,
        cached,
        idle,
        after,
    )


if __name__ == "__main__":
    found = measure(Path(sys.argv[1]), dict(os.environ))
    print(found)
