"""A reviewer's decisions on the forms of a ledger: confirm a reading, or correct it with a reason. The
decision is kept in the ledger's ``corrections`` table (never over what was read) and the form's checks
run again at once with the corrected value.

    decide(ledger, form_id, field, "correct", "3.50", reason, reviewer) -> Decision (before, after)
    corrected(ledger, settings) -> every record of the ledger, with the decisions applied
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from extract.errors import stamped
from extract.forms.templates import RuleSpec
from extract.ingest.ledger import Ledger
from extract.model import Check, Correction, Record
from extract.records.codec import from_dict
from extract.records.corrections import ACTIONS, CorrectionError, apply, parse_value, value_at
from extract.records.tables import form_id
from extract.settings import DEFAULT_SETTINGS, Settings


@dataclass(frozen=True, slots=True)
class Decision:
    form_id: str
    correction: Correction
    before: Record  # with the decisions made before this one
    after: Record  # with this one too: the checks run again

    def changed_checks(self) -> list[tuple[str, str, str]]:
        """(check, status before, status after) of every check whose status changed."""
        was = {c.id: c.status for c in self.before.checks}
        return [(c.id, was.get(c.id, "-"), c.status) for c in self.after.checks if was.get(c.id) != c.status]


def rules_by_template(settings: Settings = DEFAULT_SETTINGS) -> dict[str, Sequence[RuleSpec]]:
    from extract.pipeline import templates_for

    return {t.id: t.rules for t in templates_for(settings)}


def _rules(record: Record, rules: dict[str, Sequence[RuleSpec]]) -> Sequence[RuleSpec] | None:
    return rules.get(record.template)  # a template not known here (a user's): the checks are left as read


def decide(
    ledger: Ledger,
    fid: str,
    field: str,
    action: str,
    text: str | None = None,
    reason: str | None = None,
    reviewer: str = "",
    settings: Settings = DEFAULT_SETTINGS,
    read_at: float | None = None,
) -> Decision:
    """Confirm the reading of ``field`` of the form ``fid``, or correct it to ``text``; kept in the ledger.
    A ``CorrectionError`` (exit 2) for an unknown form or field, a value not of the field's type, a
    correction without a reason, or no reviewer; a ``StaleDecision`` when the form's file was read again
    since ``read_at`` (when the reviewer was shown it), or while the decision was being made."""
    with stamped(f"{ledger.path} {fid}"):  # every refusal names the ledger and the form
        seen = read_at if read_at is not None else ledger.read_at(fid)
        return _decide(ledger, fid, field, action, text, reason, reviewer, settings, seen)


def _decide(
    ledger: Ledger,
    fid: str,
    field: str,
    action: str,
    text: str | None,
    reason: str | None,
    reviewer: str,
    settings: Settings,
    read_at: float | None,
) -> Decision:
    if action not in ACTIONS:
        raise CorrectionError(f"unknown action {action!r} (confirm or correct)")
    data = ledger.record(fid)
    if data is None:
        raise CorrectionError("no such form in the ledger")
    read = from_dict(data)
    old = value_at(read, field)
    new = parse_value(field, text or "") if action == "correct" else old
    if action == "correct" and not (reason or "").strip():
        raise CorrectionError(f"{field}: a correction needs a reason")
    if not reviewer.strip():
        raise CorrectionError("a decision needs a reviewer's name")
    at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")
    c = Correction(field, action, old, new, (reason or "").strip() or None, reviewer.strip(), at)
    rules = _rules(read, rules_by_template(settings))
    earlier = ledger.corrections(form_id=fid).get(fid, [])
    before = apply(read, earlier, rules)
    ledger.add_correction(fid, c, read_at)
    return Decision(fid, c, before, apply(read, [*earlier, c], rules))


def corrected(ledger: Ledger, settings: Settings = DEFAULT_SETTINGS) -> Iterator[Record]:
    """Every record of the ledger, with the reviewer's decisions applied (checks run again)."""
    rules = rules_by_template(settings)
    decisions = ledger.corrections()
    for data in ledger.records():
        record = from_dict(data)
        yield apply(record, decisions.get(form_id(record), []), _rules(record, rules))


__all__ = ["Check", "Decision", "corrected", "decide", "rules_by_template"]
