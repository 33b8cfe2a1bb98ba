"""Forms anywhere in a document: screen every page's plain text cheaply, parse only the candidate
pages, and split them into forms (a form may continue on the next page; several forms may share a
document). A page titled like a self-evaluation form that no template matches is reported, never
skipped silently and never forced into the nearest template.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from extract.errors import UnknownFormError
from extract.forms.templates import Template, fallback, is_bundled, match, nearest, norm, tied_near
from extract.model import PageContent

# a title line: short, ends with 自评表 (optionally a year in brackets); not a table-of-contents line
_TITLE = regex.compile(r"^\s*(?P<title>[^\s.…·]{0,40}?自评表)\s*(?:[(（]\s*\d{4}\s*年度?\s*[)）])?\s*$", regex.M)
SCAN_SHIFT = 15.0  # points: how far a scanned page's content may sit from the previous page's
CONTINUATION_OVERLAP = 0.6  # share of column borders a continuation page's table has in common


@dataclass(frozen=True, slots=True)
class FormPages:
    """One form found in a document: its template and its pages. ``how`` the template was chosen:
    ``keywords`` (all present), ``near`` (the closest template; ``missing`` keywords are not on the form)
    or ``generic`` (no template is close: the generic reader)."""

    template: Template
    pages: tuple[PageContent, ...]
    how: str = "keywords"
    missing: tuple[str, ...] = ()
    alternative: Template | None = None  # near: the generic reader, whose record is kept if it reads more
    overrode: tuple[str, ...] = ()  # bundled templates that matched too, taken over by a user template
    untitled: bool = False  # its first page's title did not read (a seal over it): a page before may be its first
    others: tuple[tuple[Template, tuple[str, ...]], ...] = ()  # near on a scan: templates as near (and missing)


def overridden(template: Template, templates: tuple[Template, ...], ids: tuple[str, ...]) -> tuple[str, ...]:
    """The bundled templates a user's template took a page from: they matched it too, and lost on priority.
    (Bundled templates outrank each other by design; a user's one that matches forms of other kinds —
    a keyword as broad as 自评表 — would otherwise silently drop their fields and checks.)"""
    if is_bundled(template):
        return ()
    return tuple(t.id for t in templates if t.id in ids and t.id != template.id and is_bundled(t))


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A page titled like a self-evaluation form that no template matches."""

    page: int
    title: str


@dataclass(frozen=True, slots=True)
class PageScreen:
    """What the cheap text screen says about one page."""

    number: int
    text: str  # norm-ed
    title: str | None  # a 自评表 title line, if any
    hits: tuple[str, ...]  # ids of templates matching this page (alone, or with the next page's text)
    needs_ocr: bool = False  # an image page without a usable text layer


_READABLE = regex.compile(r"[\p{Han}A-Za-z0-9，。、：；（）()%.,:;\-—\s]")
MIN_TEXT = 20  # a page with an image and fewer readable characters than this is a scan


def needs_ocr(text: str, has_image: bool) -> bool:
    """No usable text layer: an image page whose text is missing, tiny (a scanner's wrapper) or garbage."""
    if not has_image:
        return False
    readable = len(_READABLE.findall(text))
    return readable < MIN_TEXT or readable < 0.6 * len(text.strip())


# OCR text: a title whose 绩效自评表 has one character misread or missing (续效自评表, 绩效目评表, 绩效自评)
_FUZZY_TITLE = regex.compile(
    r"^(?P<title>[^\s.…·]{0,34}?(?:绩效自评表){e<=1})\s*(?:[(（]\s*\d{4}\s*年度?\s*[)）])?$", regex.BESTMATCH
)


# a title that ends without 表 (…绩效目标自评, then (2021年度) on the next line: a Sichuan transfer-payment form):
# taken only on a page whose table reads as a self-evaluation form (``reads_as_form``), never from a heading
_BARE_TITLE = regex.compile(
    r"^(?:附件\d{0,2})?(?P<title>[^\s.…·、，,:：]{2,40}?绩效(?:目标)?自评)(?:[(（]\s*\d{4}\s*年度?\s*[)）])?$"
)


def title_of(raw_text: str, fuzzy: bool = False) -> str | None:
    """The page's 自评表 title line (spaced titles such as ``项 目 支 出 绩 效 自 评 表`` too); ``fuzzy``
    (OCR text): also a title with one character of 绩效自评表 misread or missing. A title ending in
    绩效(目标)自评, without 表, names a form when the page's table reads as one."""
    m = _TITLE.search(raw_text)
    if m:
        return str(m.group("title")).strip()
    lines = ["".join(line.split()) for line in raw_text.splitlines()[:12]]
    for line in lines:
        m = _TITLE.fullmatch(line)
        if m:
            return str(m.group("title"))
    if fuzzy:
        for line in lines:
            if 5 <= len(line) <= 48 and (m := _FUZZY_TITLE.fullmatch(line)):
                return str(m.group("title"))
    every = ["".join(line.split()) for line in raw_text.splitlines()]
    wrapped = [a + b for a, b in itertools.pairwise(every) if a and b]  # a long title over two lines
    for m in (_TITLE.fullmatch(t) for t in wrapped if t.endswith("自评表")):
        if m:
            return str(m.group("title"))
    return _bare_title(every, raw_text)


def _bare_title(lines: list[str], raw_text: str) -> str | None:
    """A title ending in 绩效(目标)自评 on a page whose table reads as a form: the two lines a wrapped title
    takes, else the line alone."""
    for i, t in enumerate(lines):
        m = (_BARE_TITLE.fullmatch(lines[i - 1] + t) if i and lines[i - 1] else None) or _BARE_TITLE.fullmatch(t)
        if m and reads_as_form(raw_text):
            return str(m.group("title"))
    return None


def screen(
    raw_texts: Sequence[str], templates: tuple[Template, ...], images: Sequence[bool] = (), fuzzy: bool = False
) -> list[PageScreen]:
    """Template hits and titles per page, from plain text; pages without a usable text layer are
    marked for OCR (their screen is redone from the OCR text, with ``fuzzy`` keyword matching)."""
    flags = [needs_ocr(t, bool(images[i]) if i < len(images) else False) for i, t in enumerate(raw_texts)]
    texts = ["" if flags[i] else t for i, t in enumerate(raw_texts)]
    normed = [norm(t) for t in texts]
    out = []
    for i, text in enumerate(normed):
        alone = match(templates, text, fuzzy)
        both = alone or match(templates, text + (normed[i + 1] if i + 1 < len(normed) else ""), fuzzy)
        hits = [t for t in both if t.has(text, t.keywords[0], fuzzy)]  # the title keyword on this page
        out.append(PageScreen(i + 1, text, title_of(texts[i], fuzzy), tuple(t.id for t in hits), flags[i]))
    return out


LEVELS = ("一级指标", "二级指标", "三级指标")


def _has(text: str, labels: Sequence[str]) -> bool:
    """One of ``labels`` in ``text``, as printed or (4 characters or more) with one character misread."""
    return any(lb in text or (len(lb) >= 4 and regex.search(f"(?:{regex.escape(lb)}){{e<=1}}", text)) for lb in labels)


def reads_as_form(text: str) -> bool:
    """OCR text of a page whose title did not read (a seal over it) that is a self-evaluation form's table
    all the same: it heads columns of indicator levels, and of targets and of actual values or scores
    (年度指标值 | 实际完成值 or 得分, or their synonyms), or of points and scores (设定分值 | 评价得分: a Shanxi
    department form prints no targets) — what a 绩效目标表 (targets, no actual values, no scores) or a 决算
    table does not. Such a page is read by the generic reader, flagged, never lost."""
    from extract.forms.vocabulary import vocabulary

    columns = vocabulary().indicator_columns
    t = norm(text)
    scored = any(lb in t for lb in vocabulary().expand("indicator_columns", ["得分"]))  # a 绩效目标表 scores nothing
    done = _has(t, columns.get("actual", ())) or scored  # 实际完成值 read as 完成价
    points = scored and any(lb in t for lb in vocabulary().expand("indicator_columns", ["分值"]))
    return (points or (_has(t, columns.get("target", ())) and done)) and _has(t, LEVELS)


def candidates(screens: Sequence[PageScreen]) -> list[int]:
    """Pages worth parsing: form starts, pages titled like a form, and the page after each (a table
    may continue there)."""
    wanted: set[int] = set()
    for s in screens:
        if s.hits or s.title:
            wanted.update({s.number, s.number + 1})
        if s.needs_ocr:
            wanted.add(s.number)
    return sorted(n for n in wanted if n <= len(screens))


def _pick(templates: tuple[Template, ...], s: PageScreen, path: str, page: int) -> Template | None:
    """Of the templates matching a page, the one of highest priority; of those, the one whose keywords the
    page prints as worded, not by synonyms; a tie is an error."""
    hits = [t for t in templates if t.id in s.hits]
    if not hits:
        return None
    rank = {t.id: (t.priority, t.worded(s.text, s.needs_ocr)) for t in hits}
    best = max(rank.values())
    tied = [t for t in hits if rank[t.id] == best]
    if len(tied) > 1:
        names = ", ".join(t.id for t in tied)
        raise UnknownFormError(f"ambiguous form: templates {names} all match", path=path, page=page)
    return tied[0]


def _borders(page: PageContent, last: bool) -> tuple[float, ...]:
    if not page.grids:
        return ()
    return (page.grids[-1] if last else page.grids[0]).xs


def continues(prev: PageContent, page: PageContent, screen_: PageScreen) -> bool:
    """``page`` carries on ``prev``'s table: it has a table, starts no new form, and its first table
    shares most column borders with the last table of ``prev``."""
    if page.number != prev.number + 1 or not page.grids or screen_.hits or screen_.title:
        return False
    a, b = _borders(prev, last=True), _borders(page, last=False)
    if not a or not b:
        return False
    if prev.method == "ocr" or page.method == "ocr":
        # a scanned sheet lies a little differently on the glass each time: the same table, shifted
        shift = min((b[0] - a[0], b[-1] - a[-1]), key=abs)
        if abs(shift) <= SCAN_SHIFT:
            a = tuple(x + shift for x in a)
    # one sheet printed over pages: the same outer borders, and the borders of the page whose merged
    # cells hide more of them (a header block) are mostly borders of the other
    same_edges = abs(a[0] - b[0]) <= 2.0 and abs(a[-1] - b[-1]) <= 2.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    shared = sum(1 for x in small if any(abs(x - y) <= 2.0 for y in large))
    return shared / len(b) >= CONTINUATION_OVERLAP or (same_edges and shared / len(small) >= CONTINUATION_OVERLAP)


def split_forms(
    pages: dict[int, PageContent], screens: Sequence[PageScreen], templates: tuple[Template, ...], path: str
) -> tuple[list[FormPages], list[Unmatched]]:
    forms: list[FormPages] = []
    unmatched: list[Unmatched] = []
    n = 1
    while n <= len(screens):
        s = screens[n - 1]
        page = pages.get(n)
        if page is None or not page.grids:
            n += 1
            continue
        template = _pick(templates, s, path, n)
        how = "keywords"
        missing: tuple[str, ...] = ()
        others: tuple[tuple[Template, tuple[str, ...]], ...] = ()
        untitled = template is None and not s.title and s.needs_ocr and reads_as_form(s.text)
        if template is None and (s.title or untitled):  # no template matches: the nearest, or the generic reader
            text = s.text + (screens[n].text if n < len(screens) else "")
            template = nearest(templates, text, s.needs_ocr, untitled=untitled)
            tied = tied_near(templates, text, True, untitled) if template is None and s.needs_ocr else ()
            if template is None and tied:  # a scan whose keywords and labels single out none: each is read
                template = tied[0]
                others = tuple((tp, tuple(tp.missing(text, True))) for tp in tied[1:])
            if template is not None:
                how, missing = "near", tuple(template.missing(text, s.needs_ocr))
            elif (template := fallback(templates)) is not None:
                how = "generic"
        if template is None:
            if s.title:
                unmatched.append(Unmatched(n, s.title))
            n += 1
            continue
        members = [page]
        while (nxt := pages.get(members[-1].number + 1)) is not None and continues(
            members[-1], nxt, screens[nxt.number - 1]
        ):
            members.append(nxt)
        alternative = fallback(templates) if how != "generic" else None
        overrode = overridden(template, templates, s.hits) if how == "keywords" else ()
        forms.append(FormPages(template, tuple(members), how, missing, alternative, overrode, untitled, others))
        n = members[-1].number + 1
    return forms, unmatched
