"""Every file the diary writes is private, atomic and never written through a link."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from diary.errors import BadInput, DiaryError
from diary.files import private_file
from tests.conftest import Diary

LOG = ["log", "--site", "calf", "--duration", "90s", "--pain", "6", "--at", "2026-11-19T10:00"]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def filled(diary: Diary, monkeypatch: pytest.MonkeyPatch) -> Diary:
    monkeypatch.setenv("DIARY_NOW", "2026-11-20T12:00:00")
    diary.ok(*LOG)
    diary.ok("log", "--site", "eyelid", "--duration", "3s", "--pain", "0", "--at", "2026-11-18")
    return diary


def test_charts_pdf_and_exports_are_private_even_under_umask_000(
    filled: Diary, tmp_path: Path
) -> None:
    old = os.umask(0)
    try:
        charts = tmp_path / "new" / "charts"
        written = filled.ok("charts", "--out", str(charts)).stdout.split()
        pdf = tmp_path / "visit.pdf"
        filled.ok("report", "doctor", "--out", str(pdf))
        export = tmp_path / "all.csv"
        filled.ok("export", "--format", "csv", "--out", str(export))
    finally:
        os.umask(old)
    assert written and all(_mode(Path(p)) == 0o600 for p in written)
    assert _mode(charts) == 0o700 and _mode(charts.parent) == 0o700
    assert _mode(pdf) == 0o600 and _mode(export) == 0o600
    leftovers = [p.name for p in tmp_path.rglob("*.part")]
    assert leftovers == []


def test_a_link_at_the_target_is_refused_and_its_target_untouched(
    filled: Diary, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    for command in (
        ["export", "--format", "json", "--out"],
        ["report", "doctor", "--out"],
    ):
        link = tmp_path / "link"
        link.unlink(missing_ok=True)
        link.symlink_to(victim)
        result = filled(*command, str(link))
        assert result.exit_code == 2 and "link" in result.stderr
        assert victim.read_text() == "keep me" and link.is_symlink()
    charts = tmp_path / "charts"
    charts.mkdir()
    (charts / "episodes_per_day.png").symlink_to(victim)
    assert filled("charts", "--out", str(charts)).exit_code == 2
    assert victim.read_text() == "keep me"


def test_a_planted_temporary_name_is_not_followed(filled: Diary, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    out = tmp_path / "x.json"
    (tmp_path / ".x.json.part").symlink_to(victim)  # the old, predictable temporary name
    filled.ok("export", "--format", "json", "--out", str(out))
    assert victim.read_text() == "keep me"
    assert out.is_file() and not out.is_symlink() and _mode(out) == 0o600


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "report.pdf"
    with pytest.raises(RuntimeError), private_file(target, binary=True) as handle:
        handle.write(b"half a report")
        raise RuntimeError("drawing failed")
    assert list(folder.iterdir()) == []
    target.write_text("the old one")
    with pytest.raises(RuntimeError), private_file(target) as handle:
        handle.write("half")
        raise RuntimeError("drawing failed")
    assert target.read_text() == "the old one"
    assert [p.name for p in folder.iterdir()] == ["report.pdf"]


def test_missing_folder_and_non_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="does not exist"), private_file(tmp_path / "no" / "x"):
        pass
    with pytest.raises(DiaryError, match="not a regular file"), private_file(tmp_path):
        pass


def test_export_to_dash_is_standard_output(filled: Diary, tmp_path: Path) -> None:
    result = filled.ok("export", "--format", "csv", "--out", "-")
    assert result.stdout.startswith("id,at,site")
    assert not (Path.cwd() / "-").exists()
