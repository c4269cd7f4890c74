"""Benchmark the diary as a user runs it: whole processes, medians of several runs taken in
rounds (one run of every line a round, so each command and its floor meet the same machine).

    python bench/run.py                    # 100,000 episodes over 10 years
    python bench/run.py --episodes 1000000 # the large diary
    python bench/run.py --runs 9 --keep    # more runs; keep the generated diary
    python bench/run.py --episodes 1000000 --windowed-only  # what must not grow with history

    python bench/run.py --only 'list|export'  # the lines whose name matches, and their targets

Prints one table: the median wall time of each command (and its spread), the median CPU time
of its process (user + system), its peak memory, and each target of the issues with whether
it is met. Targets are ratios to a floor measured in the same run (`import sqlalchemy,
typer` for start-up; stdlib `sqlite3` + `csv`/`json` doing the same rows, in
bench/floors.py, for whole-diary commands), or differences to `diary --help`. They are
judged on CPU time: on two cores shared by several people, a process's wall time measures
its neighbours as much as itself, while the CPU time it used does not.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import re
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
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from diary.domain import Exposure, KeptDay, NewEpisode, TriggerEntry  # noqa: E402

DIARY = [sys.executable, "-m", "diary"]
FLOOR = [sys.executable, "-c", "import sqlalchemy, typer"]
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
    cpu_seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu(self) -> float:
        """Median user + system time of the process: what targets are judged on."""
        return statistics.median(self.cpu_seconds)


def run(
    name: str, argv: list[str], *, runs: int, env: dict[str, str], before: list[str] | None = None
) -> Timing:
    seconds, cpu, peak = [], [], 0.0
    for _ in range(runs):
        if before:
            subprocess.run(before, check=True, env=env, capture_output=True)
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        seconds.append(time.perf_counter() - started)
        cpu.append(usage.ru_utime + usage.ru_stime)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise SystemExit(
                f"{name} failed: {process.stderr.read().decode() if process.stderr else ''}"
            )
        peak = max(peak, usage.ru_maxrss / 1024)  # KiB on Linux
    return Timing(name, seconds, peak, cpu)


def run_interleaved(plan: list[Any], env: dict[str, str]) -> list[Timing]:
    """Each line's runs taken in rounds, one run of every line a round, so a command and its
    floor meet the same machine: on a shared machine the CPU time of the same process drifts
    by a third within minutes, and a floor timed minutes before its command misjudges it."""
    rounds = max((runs for _, _, runs, _ in plan), default=0)
    found: dict[str, Timing] = {}
    for round_ in range(rounds):
        for name, argv, runs, before in plan:
            if round_ >= runs:
                continue
            once = run(name, argv, runs=1, env=env, before=before)
            if name in found:
                known = found[name]
                known.seconds.extend(once.seconds)
                known.cpu_seconds.extend(once.cpu_seconds)
                known.peak_mb = max(known.peak_mb, once.peak_mb)
            else:
                found[name] = once
    return [found[name] for name, _, _, _ in plan if name in found]


def in_process_analysis(path: Path, end: date, _work: Path) -> tuple[float, float]:
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


def in_process_restore(path: Path, _end: date, work: Path) -> tuple[float]:
    """Seconds `diary restore` spends checking a backup of the diary, in a fresh process."""
    import sqlite3

    from diary.storage.backup import check_backup

    copy = work / "bench.backup"
    copy.unlink(missing_ok=True)
    source, target = sqlite3.connect(path), sqlite3.connect(copy)
    source.backup(target)
    target.execute("PRAGMA journal_mode = DELETE")
    source.close()
    target.close()
    started = time.process_time()
    check_backup(copy)
    return (time.process_time() - started,)


def in_process_charts(path: Path, end: date, _work: Path) -> tuple[float, float]:
    """CPU seconds for the charts page's every chart (diary.web.charts: the period's data,
    then each chart at phone size) in a fresh process: the first time, and again (cached)."""
    from diary import storage
    from diary.reports.charts import CHARTS
    from diary.thresholds import DEFAULTS
    from diary.web.charts import ChartCache, chart_svg

    database = storage.open_database(str(path))
    cache = ChartCache()
    took = []
    for _ in range(2):
        started = time.process_time()
        for chart in CHARTS:
            chart_svg(cache, database, chart.name, "phone", end, DEFAULTS)
        took.append(time.process_time() - started)
    database.dispose()
    return took[0], took[1]


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
    parser.add_argument(
        "--only", metavar="REGEX", help="time only the lines whose name matches (and their floors)"
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
    # A diary kept from an earlier run is brought to this code's schema before anything is
    # timed (else the first command timed would pay for the migration).
    subprocess.run([*DIARY, "--db", str(db), "db", "upgrade"], check=True, capture_output=True)
    work = Path(tempfile.mkdtemp(prefix="diary-bench-"))
    log_db = work / "log.sqlite3"
    shutil.copy(db, log_db)
    # As a user runs it: from bytecode compiled at install, not from source on every run. A
    # session with PYTHONDONTWRITEBYTECODE (or a tree edited since the last run) would
    # compile every changed module in every timed command, while the floor's libraries
    # have theirs: the diary's own lines would measure the compiler.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "diary"), str(REPO / "migrations")],
        check=True,
    )
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
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
        ("floor: import sqlalchemy, typer", FLOOR, n, None),
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
    whole = n if n < 3 else max(3, n // 2)  # --runs 1: one of each, a quick look
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
        ("diary list (whole diary)", [*DIARY, "list"], whole, None),
        ("diary list --json (whole diary)", [*DIARY, "list", "--json"], whole, None),
        (
            "diary export --format csv --out -",
            [*DIARY, "export", "--format", "csv", "--out", "-"],
            whole,
            None,
        ),
        (
            "diary export --format csv",
            [*DIARY, "export", "--format", "csv", "--out", str(csv_file), "--yes"],
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
    if args.only:
        chosen = with_floors({line[0] for line in plan if re.search(args.only, line[0])})
        plan = [line for line in plan if line[0] in chosen]
    reads_csv = any(str(csv_file) in argv and "export" not in argv for _, argv, _, _ in plan)
    if reads_csv and not csv_file.exists():  # the import lines read the CSV export
        subprocess.run(
            [*DIARY, "export", "--format", "csv", "--out", str(csv_file), "--yes"],
            check=True,
            env=env,
            capture_output=True,
        )
    timings = run_interleaved(plan, env)
    by_name = {t.name: t for t in timings}
    print(
        f"\n{args.episodes:,} episodes over {args.years} years; {n} runs a command "
        f"(whole-diary commands: {whole}); Python {sys.version.split()[0]}\n"
    )
    print(f"{'command':<40} {'median s':>9} {'min':>7} {'max':>7} {'cpu s':>7} {'peak MB':>8}")
    for t in timings:
        print(
            f"{t.name:<40} {t.median:>9.3f} {min(t.seconds):>7.3f} {max(t.seconds):>7.3f} "
            f"{t.cpu:>7.3f} {t.peak_mb:>8.0f}"
        )
    selected = (lambda name: re.search(args.only, name) is not None) if args.only else None
    in_process = measure_in_process(db, end, work, env, selected)
    for name, seconds in in_process.items():
        print(f"{name:<40} {seconds:>9.3f}")
    web_targets: list[tuple[str, float, float]] = []
    if selected is None or selected("serve"):
        web_targets = measure_web(log_db, env, by_name)
    targets = [*command_targets(by_name), *web_targets, *in_process_targets(in_process, args)]
    if timings:
        peak = max(t.peak_mb for t in timings)
        targets.append(("peak memory of any command < 200 MB", peak, 200.0))
    print(f"\n{'target (CPU time of each process)':<48} {'value':>8}  met")
    for name, value, limit in targets:
        print(f"{name:<48} {value:>8.3f}  {'yes' if value <= limit else 'NO'}")
    shutil.rmtree(work, ignore_errors=True)
    if not args.keep:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)


Target = tuple[str, float, float]  # (what, value, the most it may be)


START_FLOOR = "floor: import sqlalchemy, typer"
# (title, command, what it is compared with, "ratio" or "above" (seconds more), limit)
COMPARISONS: tuple[tuple[str, str, str, str, float], ...] = (
    ("diary log / import sqlalchemy, typer", "diary log", START_FLOOR, "ratio", 1.25),
    ("diary --help / import sqlalchemy, typer", "diary --help", START_FLOOR, "ratio", 1.10),
    ("day / log", "diary day --had coffee=2 (check-in)", "diary log", "ratio", 1.10),
    (
        "days (month) / list (week)",
        "diary days --since (1 month)",
        "diary list --since (1 week)",
        "ratio",
        1.10,
    ),
    ("flags - help", "diary flags", "diary --help", "above", 0.5),
    ("triggers (90 days) / flags", "diary triggers (90 days)", "diary flags", "ratio", 1.5),
    ("report weekly - help", "diary report weekly", "diary --help", "above", 0.5),
    (
        "list (whole) / export csv --out -",
        "diary list (whole diary)",
        "diary export --format csv --out -",
        "ratio",
        2.0,
    ),
    (
        "export csv / stdlib floor",
        "diary export --format csv",
        "floor: stdlib export csv",
        "ratio",
        3.1,
    ),
    (
        "export json / stdlib floor",
        "diary export --format json",
        "floor: stdlib export json",
        "ratio",
        1.5,
    ),
    (
        "export fhir / export json",
        "diary export --format fhir",
        "diary export --format json",
        "ratio",
        1.5,
    ),
    (
        "import csv / stdlib floor",
        "diary import (csv, empty diary)",
        "floor: stdlib import csv",
        "ratio",
        6.3,
    ),
)


def with_floors(names: set[str]) -> set[str]:
    """The lines named, and what each is compared with (`--only 'diary log'` times the
    floor too, or its target could not be judged)."""
    wanted = set(names)
    while True:  # a floor may be compared with its own (day / log / the start-up floor)
        more = {floor for _, command, floor, _, _ in COMPARISONS if command in wanted}
        if more <= wanted:
            return wanted
        wanted |= more


def command_targets(by_name: dict[str, Timing]) -> list[Target]:
    """Each target whose command and floor were both timed in this run."""
    targets: list[Target] = []
    for title, command, floor, kind, limit in COMPARISONS:
        if command not in by_name or floor not in by_name:
            continue
        a, b = by_name[command].cpu, by_name[floor].cpu
        if kind == "ratio":
            targets.append((f"{title} <= {limit:g}", a / b, limit))
        else:
            targets.append((f"{title} <= {limit:g} s", a - b, limit))
    for name in ("diary list (whole diary)", "diary list --json (whole diary)"):
        if name in by_name:
            targets.append((f"{name[6:]} peak < 100 MB", by_name[name].peak_mb, 100.0))
    if "diary charts (whole diary)" in by_name:
        targets.append(("charts < 4 s", by_name["diary charts (whole diary)"].cpu, 4.0))
    if "diary report doctor (8 weeks)" in by_name:
        targets.append(("report doctor < 10 s", by_name["diary report doctor (8 weeks)"].cpu, 10.0))
    return targets


def measure_web(log_db: Path, env: dict[str, str], by_name: dict[str, Timing]) -> list[Target]:
    try:
        import flask  # noqa: F401
    except ImportError:
        print("diary serve: not measured (pip install -e '.[web]')")
        return []
    import web

    served = web.measure(log_db, env)
    print(f"{'serve: POST /log, median of 50':<40} {served.log_median_s:>9.4f}")
    print(f"{'serve: POST /log + its page':<40} {served.log_and_page_median_s:>9.4f}")
    print(f"{'serve: /charts + SVGs, first':<40} {served.charts_first_s:>9.3f}")
    print(f"{'serve: /charts + SVGs, cached':<40} {served.charts_cached_s:>9.3f}")
    print(f"{'serve: memory idle / after charts':<40} {served.idle_mb:>6.0f} MB "
          f"{served.after_charts_mb:>4.0f} MB")  # fmt: skip
    targets = [("serve memory after charts < 150 MB", served.after_charts_mb, 150.0)]
    if "diary log" in by_name:
        targets.append(
            (
                "serve POST /log / diary log <= 0.05",
                served.log_median_s / by_name["diary log"].median,
                0.05,
            )
        )
    return targets


IN_PROCESS = {
    "in-process: classify all": "analysis",
    "in-process: classify all + flags": "analysis",
    "in-process: restore's check": "restore",
    "in-process: charts for the page, first": "charts",
    "in-process: charts for the page, cached": "charts",
}


def measure_in_process(
    db: Path, end: date, work: Path, env: dict[str, str], selected: Any
) -> dict[str, float]:
    """CPU seconds measured inside a fresh process each (nothing imported or cached before)."""
    kinds = {kind for name, kind in IN_PROCESS.items() if selected is None or selected(name)}
    found: dict[str, float] = {}
    for kind in ("analysis", "restore", "charts"):
        if kind not in kinds:
            continue
        measured = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import sys; sys.path.insert(0, {str(REPO / 'bench')!r}); import run; "
                f"print(*run.in_process_{kind}(run.Path({str(db)!r}), "
                f"run.date.fromisoformat({end.isoformat()!r}), run.Path({str(work)!r})))",
            ],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        names = [name for name, k in IN_PROCESS.items() if k == kind]
        found.update(zip(names, map(float, measured.stdout.split()), strict=True))
    return found


def in_process_targets(found: dict[str, float], args: argparse.Namespace) -> list[Target]:
    targets = []
    if "in-process: classify all + flags" in found:
        per = found["in-process: classify all + flags"] * 100_000 / args.episodes
        targets.append(("classify + flags in-process, per 100,000 < 1 s", per, 1.0))
    if "in-process: restore's check" in found:
        targets.append(("restore's check <= 0.3 s", found["in-process: restore's check"], 0.3))
    if "in-process: charts for the page, first" in found:
        first = found["in-process: charts for the page, first"]
        targets.append(("charts for the page, first <= 1.5 s", first, 1.5))
    return targets


if __name__ == "__main__":
    main()
