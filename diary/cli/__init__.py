"""The `diary` command line: parse, call a use case, render."""

from diary.cli.app import app, main

__all__ = ["app", "main"]
