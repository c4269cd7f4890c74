"""The pages of `diary serve`: server-rendered HTML, no script, every write through the same
checks and services as the command line (`diary.entries`, `diary.services`)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from flask import Flask, abort, flash, g, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from diary import services
from diary.analysis.flags import NOT_A_DIAGNOSIS, SEEK_CARE_NOW
from diary.describe import episode_summary, label_text, time_of_day, when_of
from diary.entries import day_input
from diary.errors import BadInput, DiaryError, EpisodeNotFound
from diary.parsing import parse_date, recent_period
from diary.services import calm
from diary.web.charts import MIN_WIDE_PX, chart_data, chart_period, chart_svg
from diary.web.forms import LogForm, StrictRequest, shown
from diary.web.pages import triggers_view
from diary.web.security import HostGuard, same_secret, session_key
from diary.web.views import (
    UNDO_MINUTES,
    Diary,
    back_target,
    day_page,
    edit_form,
    edit_page,
    entry,
    home_page,
    undoable,
    week_page,
)

__all__ = ["UNDO_MINUTES", "Diary", "create_app"]  # Diary: what the pages share

MAX_BODY = 64 * 1024  # a form post is a few hundred bytes
SESSION_DAYS = 30


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
        return home_page(diary, LogForm.empty())

    @app.post("/log")
    def log() -> Response | tuple[str, int]:
        form = LogForm.from_post(request.form)
        now = diary.now()
        try:
            episode = form.typed().episode(now=now)
            logged = services.add_episode(diary.database, episode, now=now)
        except BadInput as exc:
            return home_page(diary, form, error=str(exc)), 400
        # The page it redirects to repeats what was stored, its label and its flags.
        return redirect(url_for("home", logged=logged), code=303)

    @app.route("/entries/<int:episode_id>/edit", methods=["GET", "POST"])
    def edit(episode_id: int) -> Response | str | tuple[str, int]:
        current = entry(diary, episode_id)
        if request.method == "GET":
            return edit_page(diary, current, edit_form(diary, current))
        form = LogForm.from_post(request.form)
        try:
            changed = form.edited(current, now=diary.now())
            updated = services.replace_episode(diary.database, changed)
        except BadInput as exc:
            return edit_page(diary, current, form, error=str(exc)), 400
        flash(f"Saved: {episode_summary(updated)} — {when_of(updated)}.")
        return redirect(back_target(), code=303)

    @app.route("/entries/<int:episode_id>/delete", methods=["GET", "POST"])
    def delete(episode_id: int) -> Response | str:
        episode = entry(diary, episode_id)
        if request.method == "GET":
            return render_template("delete.html", page="", e=episode, back=back_target())
        services.delete_episode(diary.database, episode_id)
        flash(f"Deleted: {episode_summary(episode)} — {when_of(episode)}.")
        return redirect(back_target(), code=303)

    @app.post("/entries/<int:episode_id>/undo")
    def undo(episode_id: int) -> Response:
        episode = entry(diary, episode_id)
        if not undoable(episode, diary.now()):
            raise BadInput(
                f"undo is offered for {UNDO_MINUTES} minutes after logging; "
                "delete the entry from its list instead"
            )
        services.delete_episode(diary.database, episode_id)
        flash(f"Undone: {episode_summary(episode)} is no longer in the diary.")
        return redirect(url_for("home"), code=303)

    @app.get("/entries")
    def entries() -> str:
        """The entries a flag rests on (`?flag=CODE&key=KEY&severity=S&as_of=DATE`; without a
        key, every site the rule was raised at with that severity, as the pages list it;
        without a date, the flags of today)."""
        today = diary.now().date()
        given = request.args.get("as_of")  # a past week's flags: as they were at its end
        as_of = min(parse_date(given, today=today), today) if given else today
        flag, entries = services.flag_entries(
            diary.database,
            request.args.get("flag", ""),
            request.args.get("key", ""),
            severity=request.args.get("severity", ""),
            as_of=as_of,
            thresholds=diary.config.thresholds,
        )
        return render_template(
            "entries.html",
            page="",
            flag=flag,
            past=None if as_of == today else as_of,
            entries=list(entries),
            back=request.full_path,
        )

    @app.get("/day")
    def day() -> str:
        on = request.args.get("date") or None
        return day_page(diary, on)

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
            return day_page(diary, on, error=str(exc), posted=form), 400
        return redirect(url_for("day", date=record.day.isoformat(), saved=1), code=303)

    @app.get("/week")
    def week() -> str:
        return week_page(diary, request.args.get("week"))

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
