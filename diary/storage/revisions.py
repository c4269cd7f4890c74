"""The schema revisions this code knows, oldest first; the last is the head.

A test keeps this in step with migrations/versions, so ordinary commands never need to
import Alembic to know whether a diary is current.
"""

KNOWN_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006")
HEAD_REVISION = KNOWN_REVISIONS[-1]
