"""Regenerate the README's tour from real output.

    python docs/tour.py          # rewrite README.md in place
    python docs/tour.py --check  # exit 1 if the README differs from a fresh run

Every `$ diary ...` line inside a ```console block is run in order, through bash (so
quoting works as a reader would type it), with a fresh HOME, the `diary` of this Python
on PATH and "now" pinned; its output replaces the lines below it. A tour that wrote into
a reader's own files would be a bug: it runs in a temporary folder.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
NOW = "2026-11-21T20:00:00"
BLOCK = re.compile(r"```console\n(.*?)```", re.DOTALL)


def run_block(block: str, env: dict[str, str], cwd: Path) -> str:
    out: list[str] = []
    for chunk in re.split(r"(?m)^(?=\$ )", block):
        if not chunk.startswith("$ "):
            continue
        command = chunk.splitlines()[0][2:]
        done = subprocess.run(
            ["bash", "-c", command],
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=300,
        )
        shown = (done.stdout + done.stderr).rstrip("\n").replace(str(cwd), ".")
        shown = shown.replace(env["HOME"], "~")
        out.append(f"$ {command}\n{shown}\n" if shown else f"$ {command}\n")
    return "\n".join(out)


def regenerate(text: str) -> str:
    with tempfile.TemporaryDirectory(prefix="diary-tour-") as folder:
        home = Path(folder) / "home"
        home.mkdir()
        work = Path(folder) / "work"
        work.mkdir()
        env = {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(home),
            "DIARY_NOW": NOW,
            "COLUMNS": "100",
            "TZ": os.environ.get("TZ", "UTC"),
            "LANG": "C.UTF-8",
        }
        return BLOCK.sub(lambda m: f"```console\n{run_block(m.group(1), env, work)}```", text)


def main() -> None:
    text = README.read_text()
    fresh = regenerate(text)
    if "--check" in sys.argv:
        sys.exit(0 if fresh == text else 1)
    README.write_text(fresh)


if __name__ == "__main__":
    main()
