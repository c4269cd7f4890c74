"""The faster ways of computing the same thing give exactly what the plain ways give."""

from __future__ import annotations

import time
import uuid
from datetime import datetime

import pytest

from diary import fhir


@pytest.mark.parametrize("kind", ["episode", "pain", "absent", "bundle", "patient"])
def test_fhir_ids_are_the_uuid5_of_kind_and_key(kind: str) -> None:
    for key in [*range(0, 5000, 7), 2**31 - 1, "self", "2026-11-20", "é ✓ naïve"]:
        assert fhir._id(kind, key) == str(uuid.uuid5(fhir._NAMESPACE, f"{kind}/{key}"))


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kolkata"])
def test_fhir_times_carry_the_local_offset_of_their_hour(
    zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    fhir._local_offset_text.cache_clear()
    try:
        for moment in (
            datetime(2026, 1, 15, 9, 30),
            datetime(2026, 7, 15, 23, 59, 59),
            datetime(2026, 3, 29, 3, 0),  # the first hour of summer time in Europe
            datetime(2026, 10, 25, 1, 15),
        ):
            aware = moment.replace(tzinfo=moment.astimezone().tzinfo)
            assert fhir._moment(moment) == aware.isoformat(timespec="seconds")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
        fhir._local_offset_text.cache_clear()
