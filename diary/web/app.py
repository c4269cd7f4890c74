"""The pages of `diary serve`: server-rendered HTML, no script, every write through the same
checks and services as the command line (`diary.entries`, `diary.services`)."""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, abort, flash, g, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from diary import calm, experiments, services
from diary.analysis.classify import classify_all
from diary.analysis.flags import NOT_A_DIAGNOSIS, SEEK_CARE_NOW
from diary.config import LoadedConfig
from diary.describe import episode_summary, label_text, time_of_day, when_of
from diary.domain import SIDES, VISIBLE_SIGNS, Episode, Flag
from diary.entries import day_input
from diary.errors import BadInput, DiaryError, EpisodeNotFound
from diary.parsing import default_week, iso_week_name, parse_date, parse_iso_week, recent_period
from diary.storage import Database
from diary.vocabulary import SITES
from diary.web.charts import MIN_WIDE_PX, ChartCache, chart_data, chart_period, chart_svg
from diary.web.forms import LogForm, StrictRequest, shown, sign_choices, trigger_text
from diary.web.pages import plain, triggers_view, week_view
from diary.web.security import HostGuard, same_secret, session_key

MAX_BODY = 64 * 1024  # a form post is a few hundred bytes
SESSION_DAYS = 30
UNDO_MINUTES = 10  # "undo" is offered this long after an entry was logged
WARNING_TEXT = (
    "Tick these only if you had them: they are signs to act on, not ordinary parts of a cramp."
)


@dataclass
class Diary:
    """What the pages share: the open database, the configuration and the clock."""

    database: Database
    config: LoadedConfig
    now: Any  # () -> datetime
    charts: ChartCache = field(default_factory=ChartCache)


def create_app(diary: Diary, token: str, *, hosts: tuple[str, ...]) -> Flask:
    """The Flask application, its WSGI entry wrapped in the Host guard."""
    app = Flask(__name__)
    app.request_class = StrictRequest
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
    app.jinja_env.globals.update(
        summary=episode_summary,
        label_text=label_text,
        time_of_day=time_of_day,
        when_of=when_of,
        not_a_diagnosis=NOT_A_DIAGNOSIS,
        seek_care_now=SEEK_CARE_NOW,
    )

    @app.before_request
    def authenticate() -> Response | None:
        if request.endpoint in ("static", "manifest"):
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

    @app.get("/manifest.webmanifest")
    def manifest() -> Response:
        """What "add to home screen" needs to open the diary like an app."""
        import json

        icons = [
            {"src": url_for("static", filename=f"icon-{n}.png"), "sizes": f"{n}x{n}",
             "type": "image/png", "purpose": "any maskable"}
            for n in (192, 512)
        ]  # fmt: skip
        icons.append(
            {"src": url_for("static", filename="icon.svg"), "sizes": "any", "type": "image/svg+xml"}
        )
        body = {
            "name": "Contraction diary",
            "short_name": "Diary",
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#1f5f8b",
            "icons": icons,
        }
        return Response(json.dumps(body), mimetype="application/manifest+json")

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
        # The page it redirects to repeats what was stored, its label and its flags.
        return redirect(url_for("home", logged=logged), code=303)

    @app.route("/entries/<int:episode_id>/edit", methods=["GET", "POST"])
    def edit(episode_id: int) -> Response | str | tuple[str, int]:
        current = _entry(diary, episode_id)
        if request.method == "GET":
            return _edit_page(diary, current, _edit_form(diary, current))
        form = LogForm.from_post(request.form)
        try:
            changed = form.edited(current, now=diary.now())
            updated = services.replace_episode(diary.database, changed)
        except BadInput as exc:
            return _edit_page(diary, current, form, error=str(exc)), 400
        flash(f"Saved: {episode_summary(updated)} — {when_of(updated)}.")
        return redirect(_back(), code=303)

    @app.route("/entries/<int:episode_id>/delete", methods=["GET", "POST"])
    def delete(episode_id: int) -> Response | str:
        episode = _entry(diary, episode_id)
        if request.method == "GET":
            return render_template("delete.html", page="", e=episode, back=_back())
        services.delete_episode(diary.database, episode_id)
        flash(f"Deleted: {episode_summary(episode)} — {when_of(episode)}.")
        return redirect(_back(), code=303)

    @app.post("/entries/<int:episode_id>/undo")
    def undo(episode_id: int) -> Response:
        episode = _entry(diary, episode_id)
        if not _undoable(episode, diary.now()):
            raise BadInput(
                f"undo is offered for {UNDO_MINUTES} minutes after logging; "
                "delete the entry from its list instead"
            )
        services.delete_episode(diary.database, episode_id)
        flash(f"Undone: {episode_summary(episode)} is no longer in the diary.")
        return redirect(url_for("home"), code=303)

    @app.get("/entries")
    def entries() -> str:
        """The entries a flag rests on (`?flag=CODE&key=KEY`)."""
        thresholds = diary.config.thresholds
        code, key = request.args.get("flag", ""), request.args.get("key", "")
        flags = services.active_flags(diary.database, diary.now().date(), thresholds)
        flag = next((f for f in flags if f.code == code and f.key == key), None)
        ids = set(flag.episode_ids) if flag else set()
        listed = [] if not ids else _episodes_by_id(diary, ids)
        return render_template(
            "entries.html",
            page="",
            flag=flag,
            entries=_with_labels(diary, listed),
            back=request.full_path,
        )

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

        start, end = chart_period(diary.now().date())
        data = chart_data(diary.charts, diary.database, start, end, diary.config.thresholds)
        calm.opened(diary.database, "charts", diary.now())  # calm mode counts this opening
        shown_charts = [c for c in CHARTS if c.enough(data)]
        skipped = [f"{c.title}: {c.too_little}" for c in CHARTS if not c.enough(data)]
        return render_template(
            "charts.html",
            page="charts",
            charts=shown_charts if data.total else [],
            skipped=skipped if data.total else [],
            start=start,
            end=end,
            empty=data.total == 0,
            min_wide=MIN_WIDE_PX,
        )

    @app.get("/charts/<name>.svg")
    def chart(name: str) -> Response:
        size = request.args.get("size", "phone")
        today, thresholds = diary.now().date(), diary.config.thresholds
        svg = chart_svg(diary.charts, diary.database, name, size, today, thresholds)
        if svg is None:
            abort(404)
        return Response(svg, mimetype="image/svg+xml")

    @app.get("/triggers")
    def triggers() -> str:
        thresholds = diary.config.thresholds
        today = diary.now().date()
        first, last = recent_period(
            None, None, today=today, days=int(thresholds.trigger_window_days)
        )
        report = services.trigger_report(diary.database, first, last, thresholds)
        return render_template(
            "triggers.html",
            page="triggers",
            view=triggers_view(report, diary.config.exposures),
        )

    @app.errorhandler(DiaryError)
    def diary_error(exc: DiaryError) -> tuple[str, int]:
        if isinstance(exc, EpisodeNotFound):
            message = f"No entry #{exc.episode_id} in the diary: it may have been deleted already."
            return render_template("error.html", page="", message=message), 404
        status = 400 if isinstance(exc, BadInput) else 503
        return render_template("error.html", page="", message=shown(str(exc))), status

    app.wsgi_app = HostGuard(app.wsgi_app, hosts)  # type: ignore[method-assign]
    return app


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


def _back() -> str:
    """Where an edit or a delete returns: the page it was opened from (ours only)."""
    target = request.values.get("back", "")
    return target if target.startswith("/") and not target.startswith("//") else url_for("home")


# --- calm mode and experiments -----------------------------------------------------------------


def _calm(diary: Diary) -> bool:
    """Calm mode (`diary calm on`): the page shows the short form and any urgent or doctor
    flag, not today's list or counts, and the confirmation is one line."""
    return calm.is_calm(diary.database)


def _experiment_line(diary: Diary, flags: list[Flag] | None = None) -> str | None:
    """Today's assignment of a running experiment ("Experiment: today without caffeine"),
    and, with an urgent or doctor flag, the line that says to stop it."""
    today = diary.now().date()
    lines = [experiments.today_line(diary.database, today)]
    if flags:
        lines.append(experiments.stop_line(diary.database, flags, today))
    said = " ".join(plain(line) for line in lines if line)
    return said or None


# --- the log form and the entries ---------------------------------------------------------------


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


def _entry(diary: Diary, episode_id: int) -> Episode:
    return services.get_episode(diary.database, episode_id)  # EpisodeNotFound: 404


def _undoable(episode: Episode, now: datetime) -> bool:
    logged = episode.logged_at
    return logged is not None and timedelta(0) <= now - logged <= timedelta(minutes=UNDO_MINUTES)


def _with_labels(diary: Diary, episodes: list[Episode]) -> list[tuple[Episode, Any]]:
    labels = classify_all(episodes, diary.config.thresholds)
    return [(e, labels[e.id]) for e in episodes]


def _episodes_by_id(diary: Diary, ids: set[int]) -> list[Episode]:
    found = []
    for episode_id in sorted(ids):
        try:
            found.append(services.get_episode(diary.database, episode_id))
        except EpisodeNotFound:
            continue
    return found


def _form_choices(diary: Diary, recent: list[Episode], form: LogForm) -> dict[str, Any]:
    ordinary, warning = sign_choices()
    choices = _usual_triggers(recent)
    return {
        "form": form,
        "trigger_choices": choices,
        "sites": SITES,
        "recent_sites": _recent_sites(recent),
        "sides": SIDES,
        "visible_signs": VISIBLE_SIGNS,
        "signs": ordinary,
        "warning_signs": warning,
        "warning_text": WARNING_TEXT,
    }


def _edit_form(diary: Diary, episode: Episode) -> LogForm:
    """The edit form of an entry: its usual triggers ticked, the others typed."""
    form = LogForm.of(episode)
    today = diary.now().date()
    usual = _usual_triggers(services.list_episodes(diary.database, today - timedelta(30), today))
    typed = [trigger_text(t) for t in episode.triggers]
    form.triggers = [t for t in typed if t in usual]
    form.values["other-trigger"] = ", ".join(t for t in typed if t not in usual)
    return form


def _edit_page(diary: Diary, episode: Episode, form: LogForm, *, error: str | None = None) -> str:
    today = diary.now().date()
    recent = services.list_episodes(diary.database, today - timedelta(days=30), today)
    return render_template(
        "edit.html",
        page="",
        e=episode,
        error=error,
        back=_back(),
        **_form_choices(diary, recent, form),
    )


def _split_flags(flags: list[Flag]) -> dict[str, Any]:
    urgent = [f for f in flags if f.severity == "urgent"]
    return {
        "urgent": urgent,
        "seek_said": any(SEEK_CARE_NOW in f.words for f in urgent),  # said once, not twice
        "doctor": [f for f in flags if f.severity == "doctor"],
        "watch": [f for f in flags if f.severity not in ("urgent", "doctor")],
    }


def _home(diary: Diary, form: LogForm, *, error: str | None = None) -> str:
    thresholds = diary.config.thresholds
    now = diary.now()
    today = now.date()
    logged = None
    logged_id = request.args.get("logged", type=int)
    if logged_id is not None and error is None:
        try:
            logged = services.stored_episode(
                diary.database, logged_id, as_of=today, thresholds=thresholds
            )
        except EpisodeNotFound:
            logged = None
    flags = (
        logged.active_flags if logged else services.active_flags(diary.database, today, thresholds)
    )
    calm = _calm(diary)
    todays = [] if calm else services.list_episodes(diary.database, today, today)
    recent = services.list_episodes(diary.database, today - timedelta(days=30), today)
    return render_template(
        "home.html",
        page="home",
        error=error,
        calm=calm,
        logged=logged,
        undo=logged is not None and _undoable(logged.episode, now),
        undo_minutes=UNDO_MINUTES,
        flags=_split_flags(flags),
        todays=list(reversed(_with_labels(diary, todays))),
        experiment=_experiment_line(diary, flags),
        back=url_for("home"),
        **_form_choices(diary, recent, form),
    )


# --- the check-in and the week -------------------------------------------------------


def _day_page(
    diary: Diary,
    on: str | None,
    *,
    error: str | None = None,
    posted: Any = None,
) -> str:
    today = diary.now().date()
    try:
        the_day = parse_date(on, today=today) if on else today
    except BadInput as exc:
        the_day, error = today, error or str(exc)
    record = services.get_day(diary.database, min(the_day, today))
    saved = request.args.get("saved") == "1" and error is None
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
        error=shown(error) if error else None,
        record=record,
        day=the_day,
        tracked=tracked,
        had=had,
        saved=saved,
        posted=posted,
        experiment=_experiment_line(diary),
        checked_in=_check_in_line(diary, record) if saved else None,
    )


def _calm_words(quiet: Any) -> dict[str, Any]:
    """What the calm week says after the flags (the base rates once a week, the checks, the
    GP line), laid out as a page rather than terminal lines."""
    if quiet is None:
        return {}
    checks = calm.CHECKS_LINE.format(this=quiet.checks_this_week, last=quiet.checks_last_week)
    return {
        "base_rates_title": calm.BASE_RATES_TITLE,
        "base_rates": calm.BASE_RATES,
        "base_rates_once": calm.BASE_RATES_ONCE,
        "checks": f"Weekly {checks}.",
        "advice": calm.CHECKS_ADVICE,
        "gp": calm.GP_LINE,
    }


def _check_in_line(diary: Diary, record: Any) -> str | None:
    """After a check-in on an experiment day: whether it matched, and tomorrow's assignment."""
    line = experiments.check_in_line(
        diary.database, record.day, list(record.exposures), today=diary.now().date()
    )
    return plain(line) if line else None


def _week_page(diary: Diary, week: str | None) -> str:
    today = diary.now().date()
    start, chosen = (parse_iso_week(week)[0], "") if week else default_week(today)
    summary = services.weekly_report(
        diary.database, start, today=today, thresholds=diary.config.thresholds, chosen=chosen
    )
    following = start + timedelta(days=7)
    # Calm mode: days with twitching instead of counts (and this opening is counted).
    quiet = calm.open_weekly(
        diary.database,
        start,
        now=diary.now(),
        thresholds=diary.config.thresholds,
        days=summary.days_so_far,
    )
    listed = [] if quiet else services.list_episodes(diary.database, start, start + timedelta(6))
    return render_template(
        "week.html",
        calm=None if quiet is None else [plain(line) for line in quiet.body()],
        calm_week=quiet,
        calm_words=_calm_words(quiet),
        page="week",
        title=f"Week {iso_week_name(start)}",
        start=start,
        end=start + timedelta(days=6),
        chosen=summary.chosen,
        view=week_view(summary),
        entries=_with_labels(diary, listed),
        back=request.full_path.rstrip("?"),
        previous=iso_week_name(start - timedelta(days=7)),
        next=iso_week_name(following) if following <= today else None,
    )
