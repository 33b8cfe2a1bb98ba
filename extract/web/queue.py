"""The review queue: one summary per form of a ledger, flagged forms first, filtered by template, region,
year, failed check, status or text.

The summaries are kept in memory and brought up to date on each request at the cost of two small queries:
a form is read again only when its file was read again (an ingest) or a decision was made on it, so a
queue of thousands of forms stays quick while an ingest writes the same ledger.
"""

from __future__ import annotations

import json
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


# what the queue shows of a form no decision was made on, read by SQLite from the record's JSON (reading
# the whole record into Python costs ~15 ms a form: 15 s for a queue of 1,000)
PLAIN = """
SELECT json_extract(r.record, '$.template'), json_extract(r.record, '$.form.template_kind'),
    json_extract(r.record, '$.form.project_name'), json_extract(r.record, '$.form.unit_name'),
    json_extract(r.record, '$.form.department'), json_extract(r.record, '$.form.title'),
    json_extract(r.record, '$.form.region'), json_extract(r.record, '$.form.fiscal_year'),
    json_extract(r.record, '$.source.path'), json_extract(r.record, '$.source.form_pages'),
    json_extract(r.record, '$.source.method'), json_array_length(r.record, '$.review'),
    json_array_length(r.record, '$.gaps'),
    (SELECT json_group_array(json_extract(c.value, '$.id')) FROM json_each(r.record, '$.checks') AS c
        WHERE json_extract(c.value, '$.status') = 'fail')
FROM records AS r WHERE r.sha256 = ? AND r.idx = ?
"""


def summarise_plain(sha256: str, row: Sequence[Any]) -> FormSummary:
    """The summary of a form as read (no decision on it), from the ``PLAIN`` query's row: the same as
    ``summarise`` gives (a test keeps them equal)."""
    template, kind, project, unit, department, title, region, year, path, pages, method, review, gaps, failed = row
    form_pages = tuple(json.loads(pages or "[]"))
    failed_ids = tuple(json.loads(failed or "[]"))
    return FormSummary(
        form_id=f"{sha256[:16]}p{form_pages[0] if form_pages else 0}",
        sha256=sha256,
        name=project or unit or department or title or "(no name)",
        template=template,
        kind=kind,
        region=region or "",
        year=year,
        file=PurePath(path).name,
        pages=form_pages,
        method=method,
        failed=failed_ids,
        review=review or 0,
        gaps=gaps or 0,
        decisions=0,
        status="clean" if not failed_ids and not review else "flagged",
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
        decided = {row[0] for row in ledger.db.execute("SELECT DISTINCT form_id FROM corrections")}
        for sha, idx, _ in keys:
            plain = summarise_plain(sha, ledger.db.execute(PLAIN, (sha, idx)).fetchone())
            if plain.form_id not in decided:
                yield plain
                continue
            row = ledger.db.execute("SELECT record FROM records WHERE sha256 = ? AND idx = ?", (sha, idx)).fetchone()
            decisions = ledger.corrections(form_id=plain.form_id).get(plain.form_id, [])
            yield summarise(loads(row[0]), decisions, self.rules)


def choices(forms: Sequence[FormSummary]) -> Choices:
    return Choices(
        templates=sorted({s.template for s in forms}),
        regions=sorted({s.region for s in forms if s.region}),
        years=sorted({s.year for s in forms if s.year is not None}),
        checks=sorted({c for s in forms for c in s.failed}),
    )


def neighbours(forms: Sequence[FormSummary], fid: str) -> tuple[str | None, str | None]:
    """The flagged forms before and after ``fid`` among ``forms`` (the filtered queue) in file order, an
    order that does not change when a form is settled (the queue's does: a reviewed form moves down);
    from the last, on to the first."""
    ordered = sorted(forms, key=lambda s: (s.file, s.pages[:1], s.form_id))
    flagged = [s.form_id for s in ordered if s.status == "flagged" or s.form_id == fid]
    if fid not in flagged:
        return None, flagged[0] if flagged else None
    if len(flagged) == 1:
        return None, None
    at = flagged.index(fid)
    return flagged[at - 1], flagged[(at + 1) % len(flagged)]
