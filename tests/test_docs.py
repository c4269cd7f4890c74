"""The README shows the real `--help`, and documents every command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_readme_help_is_current() -> None:
    import os
    import subprocess
    import sys

    shown = README.split("$ diary --help\n", 1)[1].split("```", 1)[0]
    env = {**os.environ, "COLUMNS": "100"}  # as docs/tour.py runs it
    done = subprocess.run(
        [sys.executable, "-m", "diary", "--help"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0
    assert shown == done.stdout


def test_every_command_is_in_the_readme() -> None:
    from diary.cli.app import COMMANDS

    assert "log" in COMMANDS and "report" in COMMANDS
    for command in COMMANDS:
        assert re.search(rf"diary (--db \S+ )?{command}\b", README), command


def test_readme_quick_start_matches_ci() -> None:
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    test_command = README.split("Run the tests")[1].split("```sh\n")[1].split("\n")[0]
    assert test_command in ci


DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_clinical_rules_page_names_every_flag_and_threshold() -> None:
    import dataclasses

    from diary.analysis.flags import CODES, EPISODE_RULES
    from diary.thresholds import Thresholds

    page = (DOCS / "clinical-rules.md").read_text()
    assert {rule.code for rule in EPISODE_RULES} <= set(CODES)
    for code in CODES:
        assert f"`{code}`" in page, code
    for f in dataclasses.fields(Thresholds):
        assert f"`{f.name}`" in page, f.name


def test_cli_page_names_every_command_and_exit_code() -> None:
    from diary.cli.app import COMMANDS

    page = (DOCS / "cli.md").read_text()
    for command in COMMANDS:
        assert re.search(rf"`diary {command}\b", page), command
    for code in ("`0`", "`1`", "`2`"):
        assert code in page


def test_the_code_cites_only_files_the_repository_has() -> None:
    root = Path(__file__).resolve().parents[1]
    for path in [*root.joinpath("diary").rglob("*.py"), *root.joinpath("tests").rglob("*.py")]:
        text = path.read_text()
        for name in ("CLINICAL_" + "RULES.md", "CLI_" + "CONTRACT.md"):
            assert name not in text, path


def _anchors(page: str) -> set[str]:
    """The anchors a Markdown renderer gives the page's headings ('## Trigger statistics'
    -> 'trigger-statistics')."""
    headings = re.findall(r"^#{1,6} (.+)$", page, re.M)
    return {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in headings}


def test_every_threshold_cites_a_section_of_the_rules_page_then_its_sources() -> None:
    import dataclasses

    from diary.thresholds import Thresholds

    anchors = _anchors((DOCS / "clinical-rules.md").read_text())
    form = re.compile(r"docs/clinical-rules\.md#(?P<anchor>[a-z0-9-]+); (?P<sources>\S.*)")
    for f in dataclasses.fields(Thresholds):
        source = f.metadata["source"]
        cited = form.fullmatch(source)
        assert cited is not None, f"{f.name}: {source!r}"
        assert cited["anchor"] in anchors, f"{f.name}: no section #{cited['anchor']}"
        assert "docs/" not in cited["sources"], f"{f.name}: {source!r}"


# What a person reading the program or its pages could not look up: notes and threads
# outside the repository.
NOT_DOCUMENTS = ("CLINICAL_" + "RULES", "CLI_" + "CONTRACT", "the " + "issue")


def test_code_and_pages_cite_no_notes_outside_the_repository() -> None:
    root = Path(__file__).resolve().parents[1]
    paths = [*root.joinpath("diary").rglob("*.py"), *DOCS.rglob("*.md"), root / "README.md"]
    for path in paths:
        text = path.read_text()
        for name in NOT_DOCUMENTS:
            assert not re.search(rf"\b{name}\b", text, re.I), f"{path}: {name}"


@pytest.mark.slow
def test_readme_tour_is_real_output() -> None:
    import subprocess
    import sys

    tour = Path(__file__).resolve().parents[1] / "docs" / "tour.py"
    done = subprocess.run([sys.executable, str(tour), "--check"], timeout=600)
    assert done.returncode == 0, "README tour is stale: run `python docs/tour.py`"
