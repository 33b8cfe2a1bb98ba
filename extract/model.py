"""Plain data passed between the stages, and the record they produce.

One bbox convention everywhere: PDF points, top-left origin, ``(x0, top, x1, bottom)``.
The record's field names are a contract (see ``shared/reference/*.record.json``): add fields, never
rename or drop one. ``schemas/record.schema.json`` is generated from the dataclasses below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

BBox = tuple[float, float, float, float]
SCHEMA_VERSION = "1"
OMIT_NONE = {"omit_none": True}


def _opt(**kw: Any) -> Any:
    """A field left out of the JSON when it is None (template-specific extras)."""
    return field(default=None, metadata=OMIT_NONE, **kw)


# ---------------------------------------------------------------- page level


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line of one string as drawn on the page (text layer) or read by OCR."""

    text: str
    bbox: BBox
    size: float
    confidence: float = 1.0


UNREAD_INK = 0.0  # the confidence of a scanned cell with ink in it that reads as nothing: never a clean blank


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell; a merged cell is one cell with its spans. ``text`` is what the page shows;
    ``hidden`` holds lines of the cell's own text that its border clipped (wrapped overflow)."""

    page: int
    row: int
    col: int
    row_span: int
    col_span: int
    bbox: BBox
    text: str
    lines: tuple[TextLine, ...] = ()
    hidden: str = ""
    confidence: float = 1.0
    source: str = "text"  # text | ocr


@dataclass(frozen=True, slots=True)
class Grid:
    """A ruled table on one page: its column and row boundaries and its cells."""

    page: int
    bbox: BBox
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class PageContent:
    """What the pages stage found on one page."""

    number: int  # 1-based
    width: float
    height: float
    method: str  # "text" | "ocr" | "empty"
    grids: tuple[Grid, ...]
    free_lines: tuple[TextLine, ...]  # text outside every grid (titles, notes)
    text: str  # the page's plain text, for template screening
    image: Any = field(default=None, compare=False, repr=False)  # OCR pages: the prepared grayscale image
    scale: float = 1.0  # OCR pages: image pixels per point
    # OCR pages: boxes are in the upright, deskewed page; this maps them back to the page as stored
    to_page: Any = field(default=None, compare=False, repr=False)
    rotation: int = 0  # OCR pages: degrees the stored page was turned clockwise to stand upright
    scan_dpi: float = 0.0  # OCR pages: the resolution the page's image was stored at (0: not known)


@dataclass(frozen=True, slots=True)
class Field:
    """A value read from the form, with where it came from."""

    name: str  # record path, e.g. "budget.carryover" or "indicators[3].score"
    value: Decimal | int | str | None
    raw: str
    page: int | None
    bbox: BBox | None
    confidence: float = 1.0
    source: str = "text"
    readings: tuple[str, ...] = ()
    repaired_from: str | None = None
    repair: str | None = None


# ---------------------------------------------------------------- the record


@dataclass(frozen=True, slots=True)
class Source:
    path: str
    sha256: str
    page_count: int
    form_pages: list[int]
    method: str  # text | ocr | mixed
    ocr_engine: str | None = None


@dataclass(frozen=True, slots=True)
class Form:
    template_kind: str  # department | project
    title: str | None = None
    region: str | None = None
    fiscal_year: int | None = None
    unit_name: str | None = _opt()
    unit_head: str | None = _opt()
    unit_phone: str | None = _opt()
    project_name: str | None = _opt()
    department: str | None = _opt()
    implementing_unit: str | None = _opt()
    report_no: str | None = _opt()
    fill_date: str | None = _opt()
    project_category: str | None = _opt()
    project_attribute: str | None = _opt()
    project_type: str | None = _opt()
    finance_office: str | None = _opt()
    contact: str | None = _opt()
    contact_phone: str | None = _opt()


@dataclass(frozen=True, slots=True)
class Budget:
    """The header's budget block (Shanxi department form), in ``unit`` (万元)."""

    unit: str | None = None  # as the page prints it (labels, a 单位： line) or the template fixes it
    carryover: Decimal | None = None
    initial_budget: Decimal | None = None
    budget_adjustment: Decimal | None = None
    other_adjustment: Decimal | None = None
    execution: Decimal | None = None
    year_end_balance: Decimal | None = None


@dataclass(frozen=True, slots=True)
class FundsRow:
    """One row of a funds block; ``execution_rate`` is a number in percent (86.19 for 86.19%)."""

    initial_budget: Decimal | None = None
    full_year_budget: Decimal | None = None
    executed: Decimal | None = None
    set_score: Decimal | None = None
    execution_rate: Decimal | None = None
    score: Decimal | None = None


@dataclass(frozen=True, slots=True)
class FundsOtherRow:
    """A row of a funds block that maps to no known key, kept with its label as printed
    (``其中：中央、省、市补助县级资金``, ``中央补助``)."""

    label: str
    initial_budget: Decimal | None = None
    full_year_budget: Decimal | None = None
    executed: Decimal | None = None
    set_score: Decimal | None = None
    execution_rate: Decimal | None = None
    score: Decimal | None = None


@dataclass(frozen=True, slots=True)
class FundsRows:
    total: FundsRow | None = _opt()
    fiscal_appropriation: FundsRow | None = _opt()
    carryover: FundsRow | None = _opt()
    other: FundsRow | None = _opt()
    special_account: FundsRow | None = _opt()
    unit_funds: FundsRow | None = _opt()


@dataclass(frozen=True, slots=True)
class ByIncome:
    total: Decimal | None = None
    general_public_budget: Decimal | None = None
    government_fund: Decimal | None = None
    special_account_nontax: Decimal | None = None
    other: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ByExpenditure:
    total: Decimal | None = None
    basic: Decimal | None = None
    project: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Funds:
    """The funds block of project and national department forms (项目资金 / 年度预算申请)."""

    unit: str | None = None  # as the page prints it (项目资金（元）, 金额单位：万元) or the template fixes it
    rows: FundsRows = field(default_factory=FundsRows)
    other_rows: list[FundsOtherRow] | None = _opt()  # rows with a label no key of ``rows`` stands for
    reason: str | None = _opt()
    by_income: ByIncome | None = _opt()
    by_expenditure: ByExpenditure | None = _opt()


@dataclass(frozen=True, slots=True)
class Goals:
    expected: str | None = None
    achieved: str | None = None
    adjusted: str | None = _opt()
    implementation_overview: str | None = _opt()


@dataclass(frozen=True, slots=True)
class Conclusion:
    evaluation: str | None = None
    problems: str | None = None
    improvements: str | None = None


@dataclass(frozen=True, slots=True)
class Signatures:
    project_leader: str | None = None
    finance_leader: str | None = None


@dataclass(frozen=True, slots=True)
class Narratives:
    functions_overview: str | None = _opt()
    staffing: str | None = _opt()
    budget_execution: str | None = _opt()
    performance_analysis: str | None = _opt()
    other: str | None = _opt()


@dataclass(frozen=True, slots=True)
class AmountInText:
    field: str
    label: str
    amount: Decimal
    unit: str
    role: str | None = _opt()  # total | part: "共…元，其中…元" statements


SCORE_KEYS = ("reference_score", "set_score", "score")  # an indicator's score columns, as its subtotal sums them


@dataclass(frozen=True, slots=True)
class IndicatorSubtotal:
    level1: str
    reference_score: Decimal | None = _opt()
    set_score: Decimal | None = None
    score: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Indicator:
    level1: str | None = None
    level2: str | None = None
    level3: str | None = None
    reference_score: Decimal | None = _opt()
    set_score: Decimal | None = None
    score: Decimal | None = None
    level3_canonical: str | None = _opt()
    analysis: str | None = _opt()
    target: str | None = _opt()
    target_adjusted: str | None = _opt()
    actual: str | None = _opt()
    deviation_reason: str | None = _opt()
    nature: str | None = _opt()
    unit: str | None = _opt()
    score_ratio: Decimal | None = _opt()
    is_core: bool | None = _opt()


@dataclass(frozen=True, slots=True)
class Score:
    total_set: Decimal | None = None
    total: Decimal | None = None
    grade: str | None = None
    stated: Decimal | None = _opt()  # the total stated in the header (自评得分, 自评总分)


@dataclass(frozen=True, slots=True)
class Evaluator:
    name: str
    title: str | None = None
    department: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class Check:
    id: str
    status: str  # pass | fail | warn (legal but unusual) | skipped
    rule: str
    expected: Decimal | None = _opt()
    actual: Decimal | None = _opt()
    difference: Decimal | None = _opt()  # |expected - actual|
    signed_difference: Decimal | None = _opt()  # actual - expected
    unit: str | None = _opt()
    tolerance: Decimal | None = _opt()
    fields: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Provenance:
    page: int | None
    bbox: list[float] | None
    raw: str
    confidence: float
    method: str = "text"  # text | ocr
    readings: list[str] | None = _opt()  # OCR: every reading of the cell (engines, preprocessing)
    repaired_from: str | None = _opt()  # OCR: the first reading, where an arithmetic repair replaced it
    repair: str | None = _opt()  # why: the check that the repaired value makes pass


@dataclass(frozen=True, slots=True)
class Correction:
    """A reviewer's decision on one field, kept beside what was read (never over it): ``confirm`` (the
    reading is right) or ``correct`` (``new`` is what the page shows)."""

    field: str  # record path: budget.execution, indicators[3].score
    action: str  # confirm | correct
    old: Decimal | int | str | None  # the value as read when the decision was made
    new: Decimal | int | str | None
    reason: str | None
    reviewer: str
    at: str  # ISO 8601, UTC


@dataclass(frozen=True, slots=True)
class Record:
    source: Source
    template: str
    form: Form
    budget: Budget | None = _opt()
    funds: Funds | None = _opt()
    goals: Goals | None = _opt()
    narratives: Narratives = field(default_factory=Narratives)
    amounts_in_text: list[AmountInText] = field(default_factory=list)
    indicator_subtotals: list[IndicatorSubtotal] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    score: Score = field(default_factory=Score)
    evaluators: list[Evaluator] = field(default_factory=list)
    conclusion: Conclusion | None = _opt()
    signatures: Signatures | None = _opt()
    checks: list[Check] = field(default_factory=list)
    provenance: dict[str, Provenance] = field(default_factory=dict)
    review: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    corrections: list[Correction] | None = _opt()  # a reviewer's decisions (see records.corrections)
    schema_version: str = SCHEMA_VERSION
    # the columns each table's template declares: they appear in the JSON even when null
    row_keys: dict[str, list[str]] = field(default_factory=dict, metadata={"internal": True})

    @property
    def clean(self) -> bool:
        """No failed check and nothing to review."""
        return not self.review and all(c.status != "fail" for c in self.checks)
