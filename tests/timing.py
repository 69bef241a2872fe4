"""Time bounds for tests that guard against blow-ups: fail in seconds instead of hanging CI for hours."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def stopped_after(seconds: float) -> Iterator[None]:
    """Interrupt a blow-up instead of waiting for it (the regular-expression engine checks for signals as it runs): a
    regression then fails in seconds rather than holding CI for hours."""

    def interrupt(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
