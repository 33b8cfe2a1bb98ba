"""The review queue: one summary per form of a ledger, flagged forms first, filtered by template, region,
year, failed check, status or text.

The summaries are kept in memory and brought up to date on each request at the cost of two small queries:
a form is read again only when its file was read again (an ingest) or a decision was made on it, so a
queue of thousands of forms stays quick while an ingest writes the same ledger.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from extract.ingest.ledger import Ledger
from extract.ingest.review import rules_by_template
from extract.records.codec import from_dict, loads
from extract.records.corrections import apply, reviewed
from extract.records.tables import form_id
from extract.settings import DEFAULT_SETTINGS, Settings

STATUSES = ("flagged", "reviewed", "clean")  # queue order


@dataclass(frozen=True, slots=True)
class FormSummary:
    """One line of the queue."""

    form_id: str
    sha256: str
    name: str
    template: str
    kind: str
    region: str
    year: int | None
    file: str
    pages: tuple[int, ...]
    method: str
    failed: tuple[str, ...]  # failed checks, as run again after the decisions
    review: int  # fields listed for review and not decided
    gaps: int
    decisions: int
    status: str  # flagged | reviewed | clean

    @property
    def order(self) -> tuple[Any, ...]:
        return (STATUSES.index(self.status), -len(self.failed), -self.review, -self.gaps, self.file, self.pages[:1])

    def matches(self, filters: Filters) -> bool:
        return (
            (not filters.template or self.template == filters.template)
            and (not filters.region or self.region == filters.region)
            and (filters.year is None or self.year == filters.year)
            and (not filters.check or filters.check in self.failed)
            and (not filters.status or self.status == filters.status)
            and (not filters.q or filters.q.casefold() in f"{self.name} {self.file} {self.form_id}".casefold())
        )


@dataclass(frozen=True, slots=True)
class Filters:
    template: str = ""
    region: str = ""
    year: int | None = None
    check: str = ""
    status: str = ""
    q: str = ""

    def query(self) -> dict[str, str]:
        """The filters as query parameters (to carry them from the queue to a form and back)."""
        out = {
            "template": self.template,
            "region": self.region,
            "year": "" if self.year is None else str(self.year),
            "check": self.check,
            "status": self.status,
            "q": self.q,
        }
        return {k: v for k, v in out.items() if v}


@dataclass
class Choices:
    """The values each filter can take, from the forms of the ledger."""

    templates: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)


def summarise(data: dict[str, Any], decisions: Sequence[Any], rules: dict[str, Any]) -> FormSummary:
    record = apply(from_dict(data), decisions, rules.get(data["template"]))
    f = record.form
    name = f.project_name or f.unit_name or f.department or f.title or "(no name)"
    failed = tuple(c.id for c in record.checks if c.status == "fail")
    decided = {c.field for c in record.corrections or ()}
    review = sum(1 for p in record.review if p not in decided)
    # a form a reviewer settled is reviewed; one with nothing to settle is clean (its blank cells, ``gaps``,
    # only order it before the other clean ones)
    status = "reviewed" if reviewed(record) else "clean" if record.clean else "flagged"
    return FormSummary(
        form_id=form_id(record),
        sha256=record.source.sha256,
        name=name,
        template=record.template,
        kind=f.template_kind,
        region=f.region or "",
        year=f.fiscal_year,
        file=PurePath(record.source.path).name,
        pages=tuple(record.source.form_pages),
        method=record.source.method,
        failed=failed,
        review=review,
        gaps=len(record.gaps),
        decisions=len(record.corrections or ()),
        status=status,
    )


class Queue:
    """The summaries of a ledger's forms, kept up to date (thread-safe)."""

    def __init__(self, settings: Settings = DEFAULT_SETTINGS) -> None:
        self.rules = rules_by_template(settings)
        self.lock = threading.Lock()
        # (sha256, idx) -> (the file's finished_at, the form's last decision id, summary)
        self.cache: dict[tuple[str, int], tuple[float, int, FormSummary]] = {}

    def refresh(self, ledger: Ledger) -> list[FormSummary]:
        """Every form's summary in queue order, reading again only what changed since the last call."""
        with self.lock:
            last = dict(ledger.db.execute("SELECT form_id, MAX(id) FROM corrections GROUP BY form_id").fetchall())
            rows = ledger.db.execute(
                "SELECT r.sha256, r.idx, f.finished_at FROM records r JOIN files f USING (sha256)"
            ).fetchall()
            fresh: dict[tuple[str, int], tuple[float, int, FormSummary]] = {}
            stale: list[tuple[str, int, float]] = []
            for sha, idx, finished in rows:
                had = self.cache.get((sha, idx))
                if had is not None and had[0] == finished and had[1] == last.get(had[2].form_id, 0):
                    fresh[(sha, idx)] = had
                else:
                    stale.append((sha, idx, finished))
            for (sha, idx, finished), summary in zip(stale, self._read(ledger, stale), strict=True):
                fresh[(sha, idx)] = (finished, last.get(summary.form_id, 0), summary)
            self.cache = fresh
            return sorted((s for _, _, s in fresh.values()), key=lambda s: s.order)

    def _read(self, ledger: Ledger, keys: Sequence[tuple[str, int, float]]) -> Iterable[FormSummary]:
        decisions = ledger.corrections() if keys else {}
        for sha, idx, _ in keys:
            row = ledger.db.execute("SELECT record FROM records WHERE sha256 = ? AND idx = ?", (sha, idx)).fetchone()
            data = loads(row[0])
            pages = data["source"]["form_pages"]
            fid = f"{sha[:16]}p{pages[0] if pages else 0}"
            yield summarise(data, decisions.get(fid, []), self.rules)


def choices(forms: Sequence[FormSummary]) -> Choices:
    return Choices(
        templates=sorted({s.template for s in forms}),
        regions=sorted({s.region for s in forms if s.region}),
        years=sorted({s.year for s in forms if s.year is not None}),
        checks=sorted({c for s in forms for c in s.failed}),
    )


def neighbours(forms: Sequence[FormSummary], fid: str) -> tuple[str | None, str | None]:
    """The forms before and after ``fid`` in the (filtered) queue that still ask for a decision."""
    ids = [s.form_id for s in forms]
    if fid not in ids:
        flagged = [s.form_id for s in forms if s.status == "flagged"]
        return None, flagged[0] if flagged else None
    at = ids.index(fid)
    before = next((s.form_id for s in reversed(forms[:at]) if s.status == "flagged"), None)
    after = next((s.form_id for s in forms[at + 1 :] if s.status == "flagged"), None)
    return before, after
