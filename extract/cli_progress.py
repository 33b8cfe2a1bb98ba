"""The ingest's progress on stderr (part of the command line: the library never prints).

On a terminal: one bar that fits 80 columns — files done of all, elapsed, ETA, the file being read, and
the counts by status; it redraws several times a second, so the elapsed time moves during a long file.
Elsewhere (a log, CI): timestamped lines, one as each file ends (at most one a second), and a heartbeat
line every 30 s that names the files in flight while none ends.

The ETA is weighted: each file carries an estimate of its cost (its pages, and whether they need OCR),
and the time per unit of that weight is measured as files end.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

from extract.ingest.ledger import FileResult
from extract.ingest.runner import Task

HEARTBEAT_S = 30.0
LINE_EVERY_S = 1.0


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class IngestProgress:
    """``ingest.runner.Progress`` drawn on stderr."""

    def __init__(self, stream: TextIO | None = None, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.tty = self.stream.isatty()
        self.total = 0
        self.weight = 0.0
        self.done = 0
        self.done_weight = 0.0
        self.counts: dict[str, int] = {}
        self.flight: dict[str, tuple[str, float]] = {}  # sha256 -> (name, started)
        self.start = time.monotonic()
        self.last_line = 0.0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.ticker: threading.Thread | None = None

    # ------------------------------------------------------------ what the runner reports

    def planned(self, files: int, weight: float, skipped: int) -> None:
        self.total, self.weight = files, weight
        self.start = time.monotonic()
        if self.quiet:
            return
        if skipped:
            self._line(f"{skipped} files already in the ledger, not read again (--force reads them)")
        self.ticker = threading.Thread(target=self._tick, name="progress", daemon=True)
        self.ticker.start()

    def started(self, task: Task) -> None:
        with self.lock:
            self.flight[task.sha256] = (Path(task.path).name, time.monotonic())

    def finished(self, result: FileResult, weight: float) -> None:
        with self.lock:
            self.flight.pop(result.sha256, None)
            self.done += 1
            self.done_weight += weight
            self.counts[result.status] = self.counts.get(result.status, 0) + 1
        if self.quiet:
            return
        now = time.monotonic()
        if not self.tty and (now - self.last_line >= LINE_EVERY_S or self.done == self.total):
            self._line(self._status(now))
            self.last_line = now

    def close(self) -> None:
        self.stop.set()
        if self.ticker is not None:
            self.ticker.join(2)
        if self.tty and not self.quiet and self.total:
            self.stream.write("\r" + self._bar(time.monotonic()) + "\n")
            self.stream.flush()

    # ------------------------------------------------------------ drawing

    def eta(self, now: float) -> float | None:
        """Seconds left: the weight left at the time per unit of weight measured so far."""
        if not self.done_weight:
            return None
        return (self.weight - self.done_weight) * (now - self.start) / self.done_weight

    def rate(self, now: float) -> float:
        """Files a minute so far."""
        return 60 * self.done / (now - self.start) if now > self.start else 0.0

    def _status(self, now: float) -> str:
        eta = self.eta(now)
        counts = ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
        left = f"left ~{_clock(eta)}" if eta is not None else "left ?"
        elapsed = _clock(now - self.start)
        return f"{self.done}/{self.total} files, {elapsed} elapsed, {self.rate(now):.1f}/min, {left}; {counts}"

    def _bar(self, now: float) -> str:
        width = 16
        share = self.done_weight / self.weight if self.weight else (self.done / self.total if self.total else 1)
        filled = int(width * min(share, 1.0))
        eta = self.eta(now)
        bar = "█" * filled + "░" * (width - filled)
        with self.lock:
            names = [name for name, _ in self.flight.values()]
        current = names[0] if names else ""
        if len(current) > 22:
            current = current[:21] + "…"
        text = (
            f"{bar} {self.done}/{self.total} {_clock(now - self.start)} {self.rate(now):.1f}/min "
            f"ETA {_clock(eta) if eta is not None else '?'} {current}"
        )
        return text[:79].ljust(79)

    def _tick(self) -> None:
        beat = time.monotonic()
        while not self.stop.wait(0.25):
            now = time.monotonic()
            if self.tty:
                self.stream.write("\r" + self._bar(now))
                self.stream.flush()
            elif now - max(beat, self.last_line) >= HEARTBEAT_S:
                with self.lock:
                    flight = [f"{name} ({_clock(now - t0)})" for name, t0 in self.flight.values()]
                self._line(f"still reading {', '.join(flight) or '…'}; " + self._status(now))
                beat = now

    def _line(self, text: str) -> None:
        stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        if self.tty:
            self.stream.write("\r" + " " * 79 + "\r")
        self.stream.write(f"{stamp} {text}\n")
        self.stream.flush()
