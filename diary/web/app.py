"""The pages of `diary serve`: server-rendered HTML, no script, every write through the same
checks and services as the command line (`diary.entries`, `diary.services`)."""

from __future__ import annotations

import io
import secrets
import textwrap
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import Flask, abort, g, redirect, render_template, request, session, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from diary import services
from diary.analysis.classify import classify, classify_all
from diary.analysis.flags import NOT_A_DIAGNOSIS, SEEK_CARE_NOW
from diary.domain import SIDES, SIGN_FIELDS, SIGN_HELP, VISIBLE_SIGNS, Episode
from diary.entries import LogInput, day_input
from diary.errors import BadInput, DiaryError
from diary.parsing import default_week, iso_week_name, parse_date, parse_iso_week, recent_period
from diary.storage import Database
from diary.config import LoadedConfig
from diary.vocabulary import SITES
from diary.web.security import HostGuard, same_secret, session_key

MAX_BODY = 64 * 1024  # a form post is a few hundred bytes
SESSION_DAYS = 30
CHART_WEEKS = 8  # the charts page shows the last 8 weeks, like the doctor PDF
CHART_CACHE_S = 60.0
PHONE_COLUMNS = 44  # the text reports are laid out for a phone's width
CHART_INCHES = (5.2, 3.9)  # drawn small so their text stays legible scaled to a phone


@dataclass
class Diary:
    """What the pages share: the open database, the configuration and the clock."""

    database: Database
    config: LoadedConfig
    now: Any  # () -> datetime
    chart_cache: dict[tuple[Any, ...], tuple[float, bytes]] = field(default_factory=dict)
    chart_lock: threading.Lock = field(default_factory=threading.Lock)


def create_app(diary: Diary, token: str, *, hosts: tuple[str, ...]) -> Flask:
    """The Flask application, its WSGI entry wrapped in the Host guard."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=session_key(token),
        SESSION_COOKIE_NAME="diary_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=timedelta(days=SESSION_DAYS),
        MAX_CONTENT_LENGTH=MAX_BODY,
        MAX_FORM_MEMORY_SIZE=MAX_BODY,
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.jinja_env.autoescape = True

    @app.before_request
    def authenticate() -> Response | None:
        if request.endpoint == "static":
            return None
        g.bearer = False
        given = request.args.get("token")
        if given is not None:
            if not same_secret(given, token):
                return _unauthorised()
            session.clear()
            session.permanent = True
            session["auth"] = True
            session["csrf"] = secrets.token_urlsafe(24)
            kept: dict[str, Any] = {k: v for k, v in request.args.items() if k != "token"}
            kept.update(request.view_args or {})
            return redirect(url_for(request.endpoint or "home", **kept), code=303)
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            if not same_secret(header.removeprefix("Bearer ").strip(), token):
                return _unauthorised()
            g.bearer = True
            return None
        if not session.get("auth"):
            return _unauthorised()
        if request.method == "POST" and not _same_origin_post():
            return Response(
                "Refused: this form was not sent from the diary's own page (reload it).\n",
                status=403,
                mimetype="text/plain",
            )
        return None

    @app.errorhandler(413)
    def too_large(_: Exception) -> Response:
        return Response("Refused: the request is too large.\n", status=413, mimetype="text/plain")

    @app.get("/")
    def home() -> str:
        return _home(diary, LogForm.empty())

    @app.post("/log")
    def log() -> Response | tuple[str, int]:
        form = LogForm.from_post(request.form)
        now = diary.now()
        try:
            episode = form.typed().episode(now=now)
            logged = services.add_episode(diary.database, episode, now=now)
        except BadInput as exc:
            return _home(diary, form, error=str(exc)), 400
        # The page it redirects to shows the label and the flags this episode is evidence for.
        return redirect(url_for("home", logged=logged), code=303)

    @app.get("/day")
    def day() -> str:
        on = request.args.get("date") or None
        return _day_page(diary, on)

    @app.post("/day")
    def check_in() -> Response | tuple[str, int]:
        form = request.form
        had = [v for v in form.getlist("had") if v.strip()]
        had += [
            f"{key.removeprefix('amount-')}={value.strip()}"
            for key, value in form.items(multi=True)
            if key.startswith("amount-") and value.strip()
        ]
        on = form.get("date") or None
        try:
            kept = day_input(on, had, "none" in form, now=diary.now())
            record = services.check_in(diary.database, kept, today=diary.now().date())
        except BadInput as exc:
            return _day_page(diary, on, error=str(exc), posted=form), 400
        return redirect(url_for("day", date=record.day.isoformat(), saved=1), code=303)

    @app.get("/week")
    def week() -> str:
        return _week_page(diary, request.args.get("week"))

    @app.get("/charts")
    def charts() -> str:
        from diary.reports.charts import CHARTS

        start, end = _chart_period(diary)
        data = _chart_data(diary, start, end)
        shown = [c for c in CHARTS if c.enough(data)]
        skipped = [f"{c.title}: {c.too_little}" for c in CHARTS if not c.enough(data)]
        return render_template(
            "charts.html",
            page="charts",
            charts=shown if data.total else [],
            skipped=skipped if data.total else [],
            start=start,
            end=end,
            empty=data.total == 0,
        )

    @app.get("/charts/<name>.svg")
    def chart(name: str) -> Response:
        return Response(_chart_svg(diary, name), mimetype="image/svg+xml")

    @app.get("/triggers")
    def triggers() -> str:
        from diary.reports.triggers import triggers_text

        thresholds = diary.config.thresholds
        today = diary.now().date()
        first, last = recent_period(
            None, None, today=today, days=int(thresholds.trigger_window_days)
        )
        report = services.trigger_report(diary.database, first, last, thresholds)
        return render_template(
            "report.html",
            page="triggers",
            title="Which triggers matter",
            text=_fit(
                triggers_text(report, units=diary.config.exposures, width=PHONE_COLUMNS),
                PHONE_COLUMNS,
            ),
        )

    @app.errorhandler(DiaryError)
    def diary_error(exc: DiaryError) -> tuple[str, int]:
        status = 400 if isinstance(exc, BadInput) else 503
        return render_template("error.html", page="", message=str(exc)), status

    app.wsgi_app = HostGuard(app.wsgi_app, hosts)  # type: ignore[method-assign]
    return app


def _fit(text: str, width: int) -> str:
    """A terminal report re-wrapped for a phone: long lines wrap under their own indent."""
    lines = []
    for line in text.splitlines():
        indent = " " * (len(line) - len(line.lstrip(" ")))
        lines.append(
            textwrap.fill(line, width, initial_indent="", subsequent_indent=indent + "  ")
            if len(line) > width
            else line
        )
    return "\n".join(lines) + "\n"


def _unauthorised() -> Response:
    return Response(
        render_template("locked.html", page=""),
        status=401,
        headers={"WWW-Authenticate": 'Bearer realm="diary"'},
    )


def _same_origin_post() -> bool:
    """A post made with the session cookie: the page's CSRF field and our own Origin."""
    expected = session.get("csrf")
    if not isinstance(expected, str) or not same_secret(request.form.get("csrf"), expected):
        return False
    origin = request.headers.get("Origin")
    return origin is not None and origin == request.host_url.rstrip("/")


# --- the log form ---------------------------------------------------------------------------


@dataclass
class LogForm:
    """The log form's values as shown (strings), so a refused post comes back as typed."""

    values: dict[str, str]
    triggers: list[str]
    signs: set[str]

    @classmethod
    def empty(cls) -> LogForm:
        return cls({}, [], set())

    @classmethod
    def from_post(cls, form: MultiDict[str, str]) -> LogForm:
        values = {
            name: form.get(name, "").strip()
            for name in ("site", "side", "duration", "pain", "visible", "at", "count", "note")
        }
        values["soreness-hours"] = form.get("soreness-hours", "").strip()
        values["other-trigger"] = form.get("other-trigger", "").strip()
        values["note"] = form.get("note", "")  # kept exactly as typed
        triggers = [t for t in form.getlist("trigger") if t.strip()]
        signs = {name for name in SIGN_FIELDS if name.replace("_", "-") in form}
        return cls(values, triggers, signs)

    def typed(self) -> LogInput:
        def given(name: str) -> str | None:
            return self.values.get(name) or None

        other = self.values.get("other-trigger", "")
        return LogInput(
            site=given("site"),
            side=given("side"),
            duration=given("duration"),
            pain=given("pain"),
            triggers=(*self.triggers, *([other] if other else [])),
            visible=given("visible"),
            signs=frozenset(self.signs),
            soreness_hours=given("soreness-hours"),
            at=given("at"),
            note=self.values.get("note") or None,
            count=given("count"),
        )


def _usual_triggers(recent: list[Episode], limit: int = 8) -> list[str]:
    """The person's most used triggers (in `recent`: the last 30 days), then common ones."""
    used = Counter(name for e in recent for name in e.trigger_names)
    ranked = [name for name, _ in used.most_common(limit)]
    for name in ("caffeine", "stress", "poor sleep", "dehydration", "exercise", "alcohol"):
        if len(ranked) >= limit:
            break
        if name not in ranked:
            ranked.append(name)
    return ranked


def _recent_sites(episodes: list[Episode], limit: int = 6) -> list[str]:
    return [site for site, _ in Counter(e.site for e in reversed(episodes)).most_common(limit)]


def _home(diary: Diary, form: LogForm, *, error: str | None = None) -> str:
    thresholds = diary.config.thresholds
    today = diary.now().date()
    flags = services.active_flags(diary.database, today, thresholds)
    todays = services.list_episodes(diary.database, today, today)
    recent = services.list_episodes(diary.database, today - timedelta(days=30), today)
    labels = classify_all(todays, thresholds)
    logged = None
    logged_id = request.args.get("logged", type=int)
    if logged_id is not None and error is None:
        try:
            episode = services.get_episode(diary.database, logged_id)
        except BadInput:
            episode = None
        if episode is not None:
            logged = {
                "episode": episode,
                "label": classify(episode, thresholds),
                "flags": [f for f in flags if episode.id in f.episode_ids],
            }
    return render_template(
        "home.html",
        page="home",
        error=error,
        form=form,
        trigger_choices=_usual_triggers(recent),
        logged=logged,
        urgent=[f for f in flags if f.severity == "urgent"],
        flags=[f for f in flags if f.severity != "urgent"],
        todays=[(e, labels[e.id]) for e in reversed(todays)],
        sites=SITES,
        recent_sites=_recent_sites(recent),
        sides=SIDES,
        visible_signs=VISIBLE_SIGNS,
        signs=[(name, name.replace("_", "-"), SIGN_HELP[name]) for name in SIGN_FIELDS],
        not_a_diagnosis=NOT_A_DIAGNOSIS,
        seek_care_now=SEEK_CARE_NOW,
    )


# --- the check-in, the week, the charts -------------------------------------------------------


def _day_page(
    diary: Diary,
    on: str | None,
    *,
    error: str | None = None,
    posted: MultiDict[str, str] | None = None,
) -> str:
    today = diary.now().date()
    try:
        the_day = parse_date(on, today=today) if on else today
    except BadInput as exc:
        the_day, error = today, error or str(exc)
    record = services.get_day(diary.database, min(the_day, today))
    tracked = diary.config.exposures
    had: dict[str, str | None] = (
        {k: None if v is None else f"{v:g}" for k, v in record.exposures.items()}
        if record.kept
        else {}
    )
    if posted is not None:  # a refused check-in comes back as it was ticked
        had = {name: None for name in posted.getlist("had")}
        had.update(
            {
                key.removeprefix("amount-"): value
                for key, value in posted.items()
                if key.startswith("amount-") and value.strip()
            }
        )
    return render_template(
        "day.html",
        page="day",
        error=error,
        record=record,
        day=the_day,
        tracked=tracked,
        had=had,
        saved=request.args.get("saved") == "1" and error is None,
        posted=posted,
    )


def _week_page(diary: Diary, week: str | None) -> str:
    from diary.reports.weekly import weekly_text

    today = diary.now().date()
    start, chosen = (parse_iso_week(week)[0], "") if week else default_week(today)
    summary = services.weekly_report(
        diary.database, start, today=today, thresholds=diary.config.thresholds, chosen=chosen
    )
    following = start + timedelta(days=7)
    return render_template(
        "report.html",
        page="week",
        title=f"Week {iso_week_name(start)}",
        text=weekly_text(summary, width=PHONE_COLUMNS),
        previous=iso_week_name(start - timedelta(days=7)),
        next=iso_week_name(following) if following <= today else None,
    )


def _chart_period(diary: Diary) -> tuple[date, date]:
    end = diary.now().date()
    return end - timedelta(days=7 * CHART_WEEKS - 1), end


def _chart_data(diary: Diary, start: date, end: date) -> Any:
    return services.chart_data_for(diary.database, start, end, diary.config.thresholds)


def _chart_svg(diary: Diary, name: str) -> bytes:
    """One chart as SVG, drawn by the same code as `diary charts`; kept for a minute per
    diary state (a new entry, from the page or the command line, draws it afresh)."""
    from diary.reports.charts import CHARTS, new_figure

    chart = next((c for c in CHARTS if c.name == name), None)
    if chart is None:
        abort(404)
    start, end = _chart_period(diary)
    key = (name, start, end, services.diary_state(diary.database))
    now = time.monotonic()
    with diary.chart_lock:
        cached = diary.chart_cache.get(key)
        if cached is not None and now - cached[0] < CHART_CACHE_S:
            return cached[1]
        data = _chart_data(diary, start, end)
        if not chart.enough(data):
            abort(404)
        figure = new_figure(*CHART_INCHES)
        chart.draw(figure.add_subplot(), data)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
        svg = buffer.getvalue()
        if len(diary.chart_cache) > 64:
            diary.chart_cache.clear()
        diary.chart_cache[key] = (now, svg)
        return svg
