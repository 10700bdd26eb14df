"""Jobs used by the tests of core/jobs.py (importable by a worker started as a subprocess)."""
from __future__ import annotations

import time
from pathlib import Path

from django.core.exceptions import ValidationError

from tuijin.core import jobs


@jobs.background("test-slow")
def slow_once(job, marker: str, seconds: float = 60.0) -> str:
    """The first attempt writes the marker and works for a long time (to be killed); a later one ends at once."""
    path = Path(marker)
    if path.exists():
        job.step(50)
        return "again"
    path.write_text("started", encoding="utf-8")
    time.sleep(seconds)
    return "first"


FAILED: list[str] = []


@jobs.background("test-refused", on_fail=lambda job, message: FAILED.append(message))
def refused(job, amount: int) -> None:
    raise ValidationError({"amount": "金额超出范围。"})
