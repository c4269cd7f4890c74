"""Benchmark the diary as a user runs it: whole processes, medians of several runs.

    python bench/run.py                    # 100,000 episodes over 10 years
    python bench/run.py --episodes 1000000 # the large diary
    python bench/run.py --runs 9 --keep    # more runs; keep the generated diary
    python bench/run.py --episodes 1000000 --windowed-only  # what must not grow with history

Prints one table: the median wall time of each command (and its spread), the peak memory of
its process, and each target of the issues with whether it is met. Targets are ratios to a
floor measured in the same run (`import sqlalchemy.orm, typer` for start-up; stdlib
`sqlite3` + `csv`/`json` doing the same rows, in bench/floors.py, for whole-diary commands).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from diary.domain import Exposure, KeptDay, NewEpisode, TriggerEntry  # noqa: E402

DIARY = [sys.executable, "-m", "diary"]
FLOOR = [sys.executable, "-c", "import sqlalchemy.orm, typer"]
# (site, typed durations, pain range, visible, stiff, triggers to draw from, hours, weight)
KINDS = (
    (
        "eyelid",
        (2, 3, 4, 5),
        (0, 1),
        "flicker",
        False,
        ("caffeine", "stress", "poor sleep"),
        (8, 22),
        40,
    ),
    (
        "calf",
        (45, 60, 90, 120, 180),
        (4, 8),
        "bulge",
        True,
        ("dehydration", "exercise"),
        (22, 30),
        25,
    ),
    ("thumb", (2, 3), (0, 1), "flicker", False, ("fatigue", "caffeine"), (9, 18), 10),
    (
        "lower back",
        (60, 120, 300),
        (3, 7),
        "none",
        True,
        ("posture", "prolonged sitting"),
        (16, 22),
        10,
    ),
    ("thigh", (5, 10, 20, 30), (2, 5), "none", False, ("exercise", "overuse"), (7, 20), 10),
    ("abdomen", (300, 600, 1200), (4, 7), "none", True, ("menstruation",), (6, 23), 5),
)


def synthetic_history(count: int, *, years: int, end: date, seed: int = 1) -> list[NewEpisode]:
    rng = random.Random(seed)
    start = end - timedelta(days=365 * years)
    span_minutes = 365 * years * 24 * 60
    weights = [k[-1] for k in KINDS]
    episodes = []
    for _ in range(count):
        site, durations, pains, visible, stiff, triggers, hours, _w = rng.choices(KINDS, weights)[0]
        day = start + timedelta(minutes=rng.randrange(span_minutes))
        hour = rng.randrange(*hours) % 24
        picked = rng.sample(triggers, rng.randint(0, min(2, len(triggers))))
        episodes.append(
            NewEpisode(
                at=datetime.combine(
                    day.date() if isinstance(day, datetime) else day, clock(hour, rng.randrange(60))
                ),
                site=site,
                side=rng.choice((None, "left", "right")),
                duration_s=float(rng.choice(durations)),
                pain=rng.randint(*pains),
                visible=visible,  # type: ignore[arg-type]
                stiff=stiff,
                limited_motion=stiff and rng.random() < 0.3,
                triggers=tuple(TriggerEntry(t) for t in picked),
            )
        )
    episodes.sort(key=lambda e: e.at)
    return episodes


BENCH_EXPOSURES = (
    ("caffeine", 0.7, 4),
    ("alcohol", 0.2, 3),
    ("stress", 0.3, 0),
    ("poor sleep", 0.25, 0),
    ("exercise", 0.35, 0),
    ("dehydration", 0.15, 0),
    ("fatigue", 0.2, 0),
    ("cold", 0.1, 0),
    ("posture", 0.3, 0),
    ("overuse", 0.05, 0),
)


def synthetic_check_ins(*, years: int, end: date, seed: int = 2) -> list[KeptDay]:
    """A check-in on about nine days in ten over the whole period, with ten exposures
    (caffeine and alcohol with amounts)."""
    rng = random.Random(seed)
    days = []
    first = end - timedelta(days=365 * years)
    for offset in range((end - first).days):  # today is left for `diary day` to check in
        day = first + timedelta(days=offset)
        if rng.random() < 0.9:
            had = [
                Exposure(name, float(rng.randint(1, most)) if most else None)
                for name, share, most in BENCH_EXPOSURES
                if rng.random() < share
            ]
            days.append(KeptDay(day, tuple(had), checked_in_at=datetime.combine(day, clock(21))))
    return days


def build_diary(path: Path, count: int, years: int, end: date) -> None:
    from diary.storage import open_database
    from diary.storage.days import add_days
    from diary.storage.episodes import add_episodes

    if path.exists():
        return
    started = time.perf_counter()
    database = open_database(str(path))
    episodes = synthetic_history(count, years=years, end=end)
    for first in range(0, len(episodes), 100_000):
        with database.writing() as connection:
            add_episodes(
                episodes[first : first + 100_000],
                connection=connection,
                logged_at=datetime.combine(end, clock(12)),
            )
        with database.writing() as connection:
            add_days(synthetic_check_ins(years=years, end=end), connection=connection)
    database.dispose()
    print(
        f"built {path.name}: {count:,} episodes in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )


@dataclass
class Timing:
    name: str
    seconds: list[float]
    peak_mb: float

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def run(
    name: str, argv: list[str], *, runs: int, env: dict[str, str], before: list[str] | None = None
) -> Timing:
    seconds, peak = [], 0.0
    for _ in range(runs):
        if before:
            subprocess.run(before, check=True, env=env, capture_output=True)
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        seconds.append(time.perf_counter() - started)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise SystemExit(
                f"{name} failed: {process.stderr.read().decode() if process.stderr else ''}"
            )
        peak = max(peak, usage.ru_maxrss / 1024)  # KiB on Linux
    return Timing(name, seconds, peak)


def in_process_analysis(path: Path, end: date) -> tuple[float, float]:
    """Seconds to classify every episode and to evaluate the flags, in-process."""
    from diary import storage
    from diary.analysis.classify import Classifier
    from diary.analysis.flags import evaluate_flags

    database = storage.open_database(str(path))
    with database.reading() as connection:
        episodes = storage.episodes_between(None, None, connection=connection)
    database.dispose()
    gc.collect()
    started = time.perf_counter()
    classifier = Classifier()  # a fresh one: nothing weighed yet
    labels = {e.id: classifier(e) for e in episodes}
    classified = time.perf_counter() - started
    evaluate_flags(episodes, end, classifications=labels)
    return classified, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the generated diary")
    parser.add_argument(
        "--windowed-only",
        action="store_true",
        help="time only the commands that read a window of the diary (for "
        "1,000,000 episodes: log, list, flags, report weekly)",
    )
    parser.add_argument("--build-only", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    end = date(2026, 11, 20)
    if args.build_only:  # in a child process: this one must stay small while it measures
        build_diary(Path(args.build_only), args.episodes, args.years, end)
        return

    out = REPO / "bench" / "out"
    out.mkdir(exist_ok=True)
    db = out / f"diary-{args.episodes}.sqlite3"
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--episodes",
            str(args.episodes),
            "--years",
            str(args.years),
            "--build-only",
            str(db),
        ],
        check=True,
    )
    work = Path(tempfile.mkdtemp(prefix="diary-bench-"))
    log_db = work / "log.sqlite3"
    shutil.copy(db, log_db)
    env = {
        **os.environ,
        "DIARY_DB": str(db),
        "DIARY_NOW": f"{end}T21:00:00",
        "XDG_CONFIG_HOME": str(work),
        "XDG_DATA_HOME": str(work),
    }
    week_ago = (end - timedelta(days=6)).isoformat()
    month_ago = (end - timedelta(days=29)).isoformat()
    csv_file, json_file = work / "export.csv", work / "export.json"
    imported = work / "imported.sqlite3"
    n = args.runs
    everyday = [
        ("floor: import sqlalchemy.orm, typer", FLOOR, n, None),
        ("diary --help", [*DIARY, "--help"], n, None),
        (
            "diary log",
            [
                *DIARY,
                "--db",
                str(log_db),
                "log",
                "--site",
                "calf",
                "--duration",
                "90s",
                "--pain",
                "6",
                "--trigger",
                "dehydration",
            ],
            n,
            None,
        ),
        ("diary list --since (1 week)", [*DIARY, "list", "--since", week_ago], n, None),
        (
            "diary day --had coffee=2 (check-in)",
            [*DIARY, "--db", str(log_db), "day", "--had", "coffee=2", "--had", "stress", "--yes"],
            n,
            None,
        ),
        ("diary days --since (1 month)", [*DIARY, "days", "--since", month_ago], n, None),
        ("diary triggers (90 days)", [*DIARY, "triggers"], n, None),
        ("diary flags", [*DIARY, "flags"], n, None),
        ("diary report weekly", [*DIARY, "report", "weekly"], n, None),
    ]
    whole = max(3, n // 2)
    floors = [sys.executable, str(REPO / "bench" / "floors.py")]
    floor_db = work / "floor.sqlite3"
    remove_floor_db = [
        sys.executable,
        "-c",
        f"import pathlib; pathlib.Path({str(floor_db)!r}).unlink(missing_ok=True)",
    ]
    whole_diary = [
        (
            "diary triggers --since (10 years)",
            [*DIARY, "triggers", "--since", (end - timedelta(days=365 * args.years)).isoformat()],
            whole,
            None,
        ),
        (
            "diary charts (whole diary)",
            [*DIARY, "charts", "--out", str(work / "charts")],
            whole,
            None,
        ),
        (
            "diary report doctor (8 weeks)",
            [*DIARY, "report", "doctor", "--out", str(work / "visit.pdf")],
            whole,
            None,
        ),
        (
            "diary export --format csv",
            [*DIARY, "export", "--format", "csv", "--out", str(csv_file)],
            whole,
            None,
        ),
        (
            "diary export --format json",
            [*DIARY, "export", "--format", "json", "--out", str(json_file)],
            whole,
            None,
        ),
        (
            "diary export --format fhir",
            [*DIARY, "export", "--format", "fhir", "--out", str(work / "export.fhir.json")],
            whole,
            None,
        ),
        (
            "floor: stdlib export csv",
            [*floors, "export-csv", str(db), str(work / "floor.csv")],
            whole,
            None,
        ),
        (
            "floor: stdlib export json",
            [*floors, "export-json", str(db), str(work / "floor.json")],
            whole,
            None,
        ),
        (
            "floor: stdlib import csv",
            [*floors, "import-csv", str(db), str(csv_file), str(floor_db)],
            whole,
            remove_floor_db,
        ),
        (
            "diary import (csv, empty diary)",
            [*DIARY, "--db", str(imported), "import", str(csv_file)],
            whole,
            [
                sys.executable,
                "-c",
                f"import pathlib; [pathlib.Path('{imported}' + s).unlink(missing_ok=True) "
                "for s in ('', '-wal', '-shm')]",
            ],
        ),
    ]
    plan = everyday if args.windowed_only else everyday + whole_diary
    timings = [
        run(name, argv, runs=runs, env=env, before=before) for name, argv, runs, before in plan
    ]
    measured = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys; sys.path.insert(0, {str(REPO / 'bench')!r}); "
            f"import run, datetime; print(*run.in_process_analysis(run.Path({str(db)!r}), "
            f"datetime.date.fromisoformat({end.isoformat()!r})))",
        ],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    classify_s, analysis_s = map(float, measured.stdout.split())
    by_name = {t.name: t for t in timings}
    floor = by_name["floor: import sqlalchemy.orm, typer"].median
    help_s = by_name["diary --help"].median
    log_s = by_name["diary log"].median
    list_s = by_name["diary list --since (1 week)"].median
    print(
        f"\n{args.episodes:,} episodes over {args.years} years; {n} runs a command "
        f"(charts, export, import: {whole}); Python {sys.version.split()[0]}\n"
    )
    print(f"{'command':<36} {'median s':>9} {'min':>7} {'max':>7} {'peak MB':>8}")
    for t in timings:
        print(
            f"{t.name:<36} {t.median:>9.3f} {min(t.seconds):>7.3f} {max(t.seconds):>7.3f} "
            f"{t.peak_mb:>8.0f}"
        )
    print(f"{'in-process: classify all':<36} {classify_s:>9.3f}")
    print(f"{'in-process: classify all + flags':<36} {analysis_s:>9.3f}")
    peak = max(t.peak_mb for t in timings)
    web_targets = []
    try:
        import flask  # noqa: F401
    except ImportError:
        print("diary serve: not measured (pip install -e '.[web]')")
    else:
        import web

        served = web.measure(log_db, env)
        print(f"{'serve: POST /log, median of 50':<36} {served.log_median_s:>9.4f}")
        print(f"{'serve: POST /log + its page':<36} {served.log_and_page_median_s:>9.4f}")
        print(f"{'serve: /charts + SVGs, first':<36} {served.charts_first_s:>9.3f}")
        print(f"{'serve: /charts + SVGs, cached':<36} {served.charts_cached_s:>9.3f}")
        print(f"{'serve: memory idle / after charts':<36} {served.idle_mb:>6.0f} MB "
              f"{served.after_charts_mb:>4.0f} MB")  # fmt: skip
        web_targets = [
            ("serve POST /log / diary log <= 0.05", served.log_median_s / log_s, 0.05),
            ("serve memory after charts < 150 MB", served.after_charts_mb, 150.0),
        ]

    def ratio(title: str, command: str, floor_name: str, limit: float) -> tuple[str, float, float]:
        value = by_name[command].median / by_name[f"floor: stdlib {floor_name}"].median
        return (f"{title} <= {limit:g}", value, limit)

    whole_targets = (
        []
        if args.windowed_only
        else [
            ("charts < 4 s", by_name["diary charts (whole diary)"].median, 4.0),
            ("report doctor < 10 s", by_name["diary report doctor (8 weeks)"].median, 10.0),
            ratio("export csv / stdlib floor", "diary export --format csv", "export csv", 1.5),
            ratio("export json / stdlib floor", "diary export --format json", "export json", 1.5),
            (
                "export fhir / export json <= 1.5",
                by_name["diary export --format fhir"].median
                / by_name["diary export --format json"].median,
                1.5,
            ),
            ratio(
                "import csv / stdlib floor", "diary import (csv, empty diary)", "import csv", 1.5
            ),
        ]
    )
    targets = [
        ("diary log / floor <= 0.85", log_s / floor, 0.85),
        ("diary --help / floor <= 1.10", help_s / floor, 1.10),
        ("day / log <= 1.10", by_name["diary day --had coffee=2 (check-in)"].median / log_s, 1.10),
        (
            "days (month) / list (week) <= 1.10",
            by_name["diary days --since (1 month)"].median / list_s,
            1.10,
        ),
        ("flags - help <= 0.5 s", by_name["diary flags"].median - help_s, 0.5),
        (
            "triggers (90 days) / flags <= 1.5",
            by_name["diary triggers (90 days)"].median / by_name["diary flags"].median,
            1.5,
        ),
        ("report weekly - help <= 0.5 s", by_name["diary report weekly"].median - help_s, 0.5),
        *whole_targets,
        *web_targets,
        (
            "classify + flags in-process, per 100,000 < 1 s",
            analysis_s * 100_000 / args.episodes,
            1.0,
        ),
        ("peak memory of any command < 200 MB", peak, 200.0),
    ]
    print(f"\n{'target':<40} {'value':>8}  met")
    for name, value, limit in targets:
        print(f"{name:<40} {value:>8.3f}  {'yes' if value <= limit else 'NO'}")
    shutil.rmtree(work, ignore_errors=True)
    if not args.keep:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
