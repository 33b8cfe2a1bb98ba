"""Labels OCR read in part (issue 11, "no silent numbers"): a figure whose label a scan lost is placed and
flagged, or flagged — never passed off as a blank the form does not print. Real PDFs from ``samples/``
read by the real pipeline; the labels are then misread the ways development scans showed, on OCR cells."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from typing import Any

import pytest
import regex

from extract.grid import join_lines
from extract.pipeline import analyse, record_of

from .conftest import SAMPLES

TRANSPOSED = SAMPLES / "variants" / "classes" / "c8-transposed-funds.pdf"
FIXED = SAMPLES / "variants" / "fixed"
CLASSES = SAMPLES / "variants" / "classes"
DOWN = ("年初预算", "全年预算数", "全年执行数", "分值", "执行率", "得分")  # its funds block's labels down the side
COLUMNS = ("initial_budget", "full_year_budget", "executed", "set_score", "execution_rate", "score")
JUNK = "口丨亠巛夂丬"  # glyphs no label of the forms holds: what a seal or a broken stroke leaves of a label


def _misread(form: Any, change: Callable[[str], str], source: str) -> Any:
    def page(p: Any) -> Any:
        grids = tuple(
            dataclasses.replace(
                g, cells=tuple(dataclasses.replace(c, text=change(c.text), source=source) for c in g.cells)
            )
            for g in p.grids
        )
        return dataclasses.replace(p, grids=grids)

    return dataclasses.replace(form, pages=tuple(page(p) for p in form.pages))


@pytest.mark.parametrize("seed", range(8))  # test seeds 0–99
def test_a_transposed_funds_block_whose_labels_down_the_side_did_not_read_keeps_their_figures(seed: int) -> None:
    """A funds block printed transposed (年初预算数, 全年预算数 … down its side, 资金总额, 本年财政拨款 …
    across): a 300-dpi development scan read two of its side labels as 切预算数 and 数, and eight figures
    of the form were left blank with no flag. Rows of figures under no label found are never dropped: on a
    scan, as many as labels missing, in the block's order, take those labels, flagged; on a text layer
    (printed labels read as printed) they are flagged, not placed. Which labels are lost, and how, is drawn
    by the seed (one to three of six, any of them)."""
    rng = random.Random(seed)
    lost = sorted(rng.sample(range(len(DOWN)), rng.randint(1, 3)))
    misread = {DOWN[k]: "".join(rng.choice(JUNK) for _ in range(rng.randint(1, 3))) for k in lost}

    def change(text: str) -> str:
        return misread.get("".join(text.split()), text)

    a = analyse(TRANSPOSED)
    (form,) = a.forms
    assert all(any("".join(c.text.split()) == d for p in form.pages for g in p.grids for c in g.cells) for d in DOWN)
    want = record_of(a, form)
    assert want.funds is not None
    rows = ("total", "fiscal_appropriation", "carryover", "other")

    def values(record: Any, column: str) -> list[Any]:
        return [getattr(getattr(record.funds.rows, r), column) for r in rows]

    scan = record_of(a, _misread(form, change, "ocr"))
    text = record_of(a, _misread(form, change, "text"))
    for k in lost:
        column = COLUMNS[k]
        printed = [f"funds.rows.{r}.{column}" for r, v in zip(rows, values(want, column), strict=True) if v is not None]
        assert printed
        assert values(scan, column) == values(want, column)  # placed by the block's order …
        assert set(printed) <= set(scan.review)  # … and flagged
        assert all(v is None for v in values(text, column))  # a text layer: never placed by order …
        assert set(printed) <= set(text.review)  # … but flagged, not passed off as not printed
    for k in set(range(len(DOWN))) - set(lost):  # the labels that read keep their figures as before
        assert values(scan, COLUMNS[k]) == values(want, COLUMNS[k])


@pytest.mark.parametrize("source", ["department-4", "department-5"])
@pytest.mark.parametrize(
    "misread",
    [
        ("纳入专户管理的非税收入拨款", "专户管理的非税收入拨款"),  # a development scan: its first two glyphs lost
        ("纳入专户管理的非税收入拨款", "纳入专户管埋的非税收人拨款"),  # two 形近字
        ("纳入专户管理的非税收入拨款", "纳入专户管理的税收入款"),  # two lost inside
    ],
)
def test_a_long_label_read_two_characters_off_keeps_its_figure_flagged(source: str, misread: tuple[str, str]) -> None:
    """纳入专户管理的非税收入拨款：631,600.00 read as 专户管理的非税收入拨款：631600.00 on a development scan: the
    label matched nothing (one character off is the most a label was allowed), and the figure was left
    blank with no flag. A long label (8 characters or more) two characters off, in exactly one OCR cell, is
    that label; its figure is taken and flagged. Three characters off is no longer it."""
    was, now = misread
    a = analyse(FIXED / f"{source}.pdf")
    (form,) = a.forms
    want = record_of(a, form)
    assert want.funds is not None and want.funds.by_income is not None
    assert want.funds.by_income.special_account_nontax is not None
    path = "funds.by_income.special_account_nontax"

    got = record_of(a, _misread(form, lambda t: t.replace(was, now), "ocr"))
    assert got.funds is not None and got.funds.by_income is not None
    assert got.funds.by_income.special_account_nontax == want.funds.by_income.special_account_nontax
    assert path in got.review and path not in want.review

    worse = record_of(a, _misread(form, lambda t: t.replace(was, "口" + now[1:]).replace("收", "丨"), "ocr"))
    assert worse.funds is not None and worse.funds.by_income is not None
    assert worse.funds.by_income.special_account_nontax is None


REPEATED = [
    *(
        SAMPLES / "variants" / "classes" / f"{n}.pdf"
        for n in (
            "c3-project-label-synonyms",
            "c4-project-three-pages-repeated-header",
            "c7-dept-amounts-in-own-cells",
            "real-chizhou-a",
            "real-chongqing-b",
            "real-yinchuan-a",
        )
    ),
    *(FIXED / f"{n}.pdf" for n in ("department-2", "department-5", "project-5")),
]
VALUE_HEADS = ("目标值", "指标值", "完成值", "实际值", "分值", "权重", "得分", "偏差原因", "未完成原因")


@pytest.mark.parametrize("seed", range(len(REPEATED)))  # test seeds 0–99: the form and the headers lost
def test_a_column_whose_first_header_did_not_read_is_named_by_the_header_a_later_page_repeats(seed: int) -> None:
    """A seal over the first page's header: 分值 | 自评得分 read as 健分值 | 康, and a 300-dpi development scan
    lost every 分值 and 得分 of its table (42 figures, flagged) though pages 2 and 3 repeat the header, read
    whole. A column the first header does not name is taken where a header repeated later names it. Which
    one or two columns' first headers are lost, and how, is drawn by the seed."""
    rng = random.Random(seed)
    pdf = REPEATED[seed]
    a = analyse(pdf)
    (form,) = a.forms
    first = form.pages[0].number
    heads = sorted(
        {
            t
            for g in form.pages[0].grids
            for c in g.cells
            if (t := "".join(c.text.split()))
            and any(t.endswith(h) or t.startswith(h) for h in VALUE_HEADS)
            and len(t) <= 12
        }
    )
    lost = rng.sample(heads, min(len(heads), rng.randint(1, 2)))
    junk = {h: "".join(rng.choice(JUNK) for _ in range(rng.randint(1, 2))) for h in lost}

    def on_first_page(p: Any) -> Any:
        def cell(c: Any) -> Any:
            t = "".join(c.text.split())
            return dataclasses.replace(c, text=junk.get(t, c.text) if p.number == first else c.text, source="ocr")

        return dataclasses.replace(
            p, grids=tuple(dataclasses.replace(g, cells=tuple(map(cell, g.cells))) for g in p.grids)
        )

    want = record_of(a, form).indicators
    got = record_of(a, dataclasses.replace(form, pages=tuple(on_first_page(p) for p in form.pages))).indicators
    fields = ("level3", "target", "actual", "set_score", "score", "deviation_reason")
    assert [[getattr(i, k, None) for k in fields] for i in got] == [
        [getattr(i, k, None) for k in fields] for i in want
    ], lost


LEVEL_HEADS = ("一级指标", "二级指标", "三级指标")


@pytest.mark.parametrize("seed", range(8))  # test seeds 0–99
def test_level_headers_with_an_ordinal_out_of_its_place_are_named_by_their_order(seed: int) -> None:
    """一级指标 | 二级指标 | 三级指标 read as 一级指标 | 级指标 | 二级指标 (二 lost, 三 read as 二) on a 300-dpi
    development scan: no names column was found, and the form's whole indicator table was lost. A header
    naming every level column, one ordinal out of its place, names them by their order (the names flagged).
    The source form and which ordinals are lost or misread are drawn by the seed."""
    rng = random.Random(seed)
    source = ["project-0", "project-1", "department-4", "project-3"][seed % 4]
    while True:  # each ordinal kept or lost, and one of them read as another (二 for 三, 一 for 二 …)
        heads = [rng.choice((h, h[1:])) for h in LEVEL_HEADS]
        k = rng.randrange(3)
        heads[k] = rng.choice([o for o in "一二三" if o != "一二三"[k]]) + LEVEL_HEADS[k][1:]
        if len(set(heads)) == 3:
            break
    misread = dict(zip(LEVEL_HEADS, heads, strict=True))
    a = analyse(FIXED / f"{source}.pdf")
    (form,) = a.forms
    assert all(any("".join(c.text.split()) == h for g in form.pages[0].grids for c in g.cells) for h in LEVEL_HEADS)
    want = record_of(a, form)
    got = record_of(a, _misread(form, lambda t: misread.get("".join(t.split()), t), "ocr"))
    fields = ("level1", "level2", "level3", "target", "actual", "set_score", "score")
    assert [[getattr(i, k) for k in fields] for i in got.indicators] == [
        [getattr(i, k) for k in fields] for i in want.indicators
    ], heads
    assert any(regex.fullmatch(r"indicators\[\d+\]\.level[123]", p) for p in got.review), heads


FUNDS_HEADS = [
    FIXED / "project-3.pdf",
    *(
        SAMPLES / "variants" / "classes" / f"{n}.pdf"
        for n in (
            "c2-project-unit-line-yuan",
            "c3-dept-funds-label-synonym",
            "c5-yunnan-split-target",
            "c7-project-rate-fraction",
            "real-chongqing-b",
            "real-xiangyang-a",
            "real-yinchuan-b",
        )
    ),
]


def _columns_reordered(form: Any) -> Any:
    """The form's template with its funds block's columns in another order than the form prints them (a
    layout printing 分值 before 执行率, or after; its last two swapped here): a header left unread between two
    read is then not placed by the block's order, nor are the figures under it."""
    template = form.template
    spec = template.matrices[0]
    cols = list(spec.columns)
    cols[-2], cols[-1] = cols[-1], cols[-2]
    matrices = (dataclasses.replace(spec, columns=tuple(cols)), *template.matrices[1:])
    return dataclasses.replace(form, template=dataclasses.replace(template, matrices=matrices))


@pytest.mark.parametrize("seed", range(len(FUNDS_HEADS)))  # test seeds 0–99
def test_funds_headers_near_two_columns_until_one_is_taken_head_their_own(seed: int) -> None:
    """全年预算数 | 全年执行数 read as 全年预数 | 全饰丸行数 (a 300-dpi development scan): 全年预数 is as near
    全年执行数 as 全年预算数 while both are missing, so it headed nothing, and the full-year budget of every
    row went to review unread. Once 全饰丸行数 is taken for 全年执行数 (by resemblance, or one glyph off),
    全年预数 is weighed again and heads 全年预算数: both columns' figures are read, the full-year budgets
    flagged. Which glyphs are lost or misread is drawn by the seed."""
    rng = random.Random(seed)
    budget = "全年预算数"
    lost = rng.choice((2, 3))  # 全年算数 or 全年预数
    budget_read = budget[:lost] + budget[lost + 1 :]
    a = analyse(FUNDS_HEADS[seed])
    (form,) = a.forms
    form = _columns_reordered(form)
    heads = ["".join(c.text.split()) for g in form.pages[0].grids for c in g.cells]
    executed = next(h for h in ("全年执行数", "预算执行数", "执行数") if any(t.startswith(h) for t in heads))
    done = list(executed)
    for k in rng.sample(range(len(done) - 2), min(2, len(done) - 2)):  # glyphs before 行数 misread
        done[k] = rng.choice(JUNK)
    done_read = "".join(done)

    def change(text: str) -> str:
        t = "".join(text.split())
        for was, now in ((budget, budget_read), (executed, done_read)):
            if t.startswith(was):
                return now + t[len(was) :]
        return text

    want = record_of(a, form)
    got = record_of(a, _misread(form, change, "ocr"))
    assert want.funds is not None and got.funds is not None
    rows = [r for r in ("total", "fiscal_appropriation", "carryover", "other") if getattr(want.funds.rows, r, None)]
    for r in rows:
        for column in ("full_year_budget", "executed"):
            printed = getattr(getattr(want.funds.rows, r), column)
            assert getattr(getattr(got.funds.rows, r), column) == printed, (r, column, budget_read, done_read)
            if printed is not None and column == "full_year_budget":
                assert f"funds.rows.{r}.{column}" in got.review


ACROSS = ("资金总额", "其中：本年财政拨款", "上年结转资金", "其他资金")  # the transposed block's headers across
ROWS = ("total", "fiscal_appropriation", "carryover", "other")


@pytest.mark.parametrize("seed", range(6))  # test seeds 0–99
def test_a_transposed_funds_block_whose_header_across_did_not_read_keeps_its_figures(seed: int) -> None:
    """The same block's headers across (资金总额 | 其中：本年财政拨款 | …) on a 300-dpi development scan: 其中：本年
    财政拨款 read as 其中政技尔财政拨款 matched no row, and the fiscal-appropriation row's figures were left
    out (flagged). Headers across a transposed block are read as a block's headers are: one holding a
    row's label, one resembling it, or an unread one between two read in the block's order (its figures
    flagged). Which header is lost, and how, is drawn by the seed."""
    rng = random.Random(seed)
    k = rng.randrange(1, len(ACROSS))  # the first, 资金总额, stands left of the others
    was = ACROSS[k]
    now = rng.choice(("".join(rng.choice(JUNK) for _ in range(2)), "口丨" + was[-4:]))
    a = analyse(TRANSPOSED)
    (form,) = a.forms
    want = record_of(a, form)
    got = record_of(a, _misread(form, lambda t: now if "".join(t.split()) == was else t, "ocr"))
    assert want.funds is not None and got.funds is not None
    assert getattr(got.funds.rows, ROWS[k]) == getattr(want.funds.rows, ROWS[k]), (was, now)
    assert got.funds.rows == want.funds.rows
    if not set(now) & set(was):  # placed by the block's order: flagged
        assert any(p.startswith(f"funds.rows.{ROWS[k]}.") for p in got.review), (was, now)


UNIT_LABELS = [
    *(FIXED / f"department-{k}.pdf" for k in (0, 1, 3, 4, 5)),
    *(
        SAMPLES / "variants" / "classes" / f"{n}.pdf"
        for n in (
            "c1-shanxi-level1-merged-across",
            "c2-project-funds-in-yuan",
            "c3-dept-funds-label-synonym",
            "c4-project-three-pages-repeated-header",
            "c8-transposed-funds",
            "real-ningxia-a",
            "real-xiangyang-b",
        )
    ),
]


@pytest.mark.parametrize("seed", range(len(UNIT_LABELS)))  # test seeds 0–99
def test_a_label_whose_unit_lost_its_opening_bracket_is_still_that_label(seed: int) -> None:
    """年初预算金额（万元） read as 年初预算金额万元） (a 300-dpi development scan): the label ran on into 万元 as if
    into more words, matched nothing, and three budget figures were lost (flagged). A unit and its closing
    bracket right after a label are its unit, the opening bracket lost. Which labels lose it is drawn by
    the seed."""
    rng = random.Random(seed)
    a = analyse(UNIT_LABELS[seed])
    (form,) = a.forms
    labels = sorted(
        {
            t
            for p in form.pages
            for g in p.grids
            for c in g.cells
            if regex.search(r"[\p{Han}]（(?:万元|元)）$", t := "".join(c.text.split()))
        }
    )
    lost = set(rng.sample(labels, rng.randint(1, min(3, len(labels)))))

    def change(text: str) -> str:
        t = "".join(text.split())
        return t.replace("（", "", 1) if t in lost else text

    want = record_of(a, form)
    got = record_of(a, _misread(form, change, "ocr"))
    assert (got.budget, got.funds) == (want.budget, want.funds), lost


def _with_total_labels(seed: int) -> tuple[Any, Any, set[str]]:
    """A fixed variant drawn by the seed, read: its analysis, its form and the total labels its table prints."""
    source = FIXED / f"{('project', 'department')[seed % 2]}-{seed // 2 % 6}.pdf"
    a = analyse(source)
    (form,) = a.forms
    totals = {"合计", "总分", "总计", "综合得分", "自评总分"}
    here = {t for p in form.pages for g in p.grids for c in g.cells if (t := "".join(c.text.split())) in totals}
    return a, form, here


@pytest.mark.parametrize("seed", range(12))  # test seeds 0–99
def test_a_label_with_a_few_letters_read_apart_from_it_is_still_that_label(seed: int) -> None:
    """合计 read as 合计 MD (a 300-dpi development scan: a seal's or a pen's strokes beside it): the total row
    matched no label and the form's total score and its 100 were lost (flagged). A letter or three read
    apart from a label are no words of it. Which form, which labels and the letters are drawn by the seed."""
    rng = random.Random(seed)
    a, form, here = _with_total_labels(seed)
    letters = "".join(rng.choice("ABDEFHKMNRTUVWXY") for _ in range(rng.randint(1, 3)))

    def change(text: str) -> str:
        return f"{text.strip()} {letters}" if "".join(text.split()) in here else text

    want = record_of(a, form)
    got = record_of(a, _misread(form, change, "ocr"))
    assert want.score is not None and got.score is not None
    assert (got.score.total, got.score.total_set) == (want.score.total, want.score.total_set), (here, letters)


@pytest.mark.parametrize("source", ["department-4", "department-5", "c3-dept-funds-label-synonym"])
@pytest.mark.parametrize("mark", ["-", "—", "_", "一"])
def test_an_inline_label_whose_first_glyph_read_as_a_mark_keeps_its_figure(source: str, mark: str) -> None:
    """一般公共预算：1826.42 read as -般公共预算：1826.42 (a 300-dpi development scan): the label was found (a
    character off), but the figure after it was not, as a mark stood before the label's words; the cell to
    the right (基本支出：1064.27) was taken and read as nothing. The figure after a label so read is its figure."""
    pdf = (
        FIXED / f"{source}.pdf"
        if (FIXED / f"{source}.pdf").exists()
        else SAMPLES / "variants" / "classes" / f"{source}.pdf"
    )
    a = analyse(pdf)
    (form,) = a.forms
    want = record_of(a, form)
    got = record_of(a, _misread(form, lambda t: t.replace("一般公共预算", mark + "般公共预算"), "ocr"))
    assert want.funds is not None and want.funds.by_income is not None and got.funds is not None
    assert want.funds.by_income.general_public_budget is not None
    assert got.funds.by_income == want.funds.by_income


@pytest.mark.parametrize("seed", range(6))  # test seeds 0–99
def test_a_scanned_row_read_as_no_group_puts_the_groups_in_review(seed: int) -> None:
    """A 200-dpi development scan read the Shanxi form's first level-1 name (投入) and none below it (过耀,
    严出, 数, in cells its grid split from the level-2 column): the rows of 过程, 产出 and 效果 with their points
    were read as no group — each flagged as a row, but the groups themselves not in review, so their 9
    printed numbers were passed off as not printed. A scanned row read as no group puts the groups in
    review at the field stage, before any check. The form and which names below the first are lost are
    drawn by the seed."""
    from extract.forms.fields import extract_fields
    from extract.settings import Settings

    rng = random.Random(seed)
    source = (FIXED / "department-0.pdf", FIXED / "department-3.pdf", CLASSES / "c1-shanxi-level1-merged-across.pdf")[
        seed % 3
    ]
    a = analyse(source, Settings(exclude_templates=("dept-overall-shanxi",)))  # read as the generic reader did
    (form,) = a.forms
    want = record_of(a, form)
    names = [s.level1 for s in want.indicator_subtotals if s.level1]
    assert len(names) >= 3
    lost = set(names[1:]) if seed < 3 else set(rng.sample(names[1:], len(names) - 2)) | {names[1]}
    junk = {n: "".join(rng.choice(JUNK) for _ in range(len(n))) for n in lost}  # 过耀 for 过程: no group's name

    def page(p: Any) -> Any:
        """The lost names garbled, their cells (merged across the level-2 and level-3 columns) split at the
        column's ruling, as the scan's grid split them: a name in one column alone, no group's."""
        grids = []
        for g in p.grids:
            cells = []
            for c in g.cells:
                name = next((n for n in lost if "".join(c.text.split()).startswith(n)), None)
                edge = next((d.bbox[2] for d in g.cells if d.col == c.col and d.col_span == 1), None)
                if name is None or c.col_span < 2 or edge is None:
                    cells.append(dataclasses.replace(c, source="ocr"))
                    continue
                x0, y0, x1, y1 = c.bbox
                cells.append(dataclasses.replace(c, text=junk[name], col_span=1, bbox=(x0, y0, edge, y1), source="ocr"))
                rest = dataclasses.replace(c, text="", col=c.col + 1, col_span=c.col_span - 1, bbox=(edge, y0, x1, y1))
                cells.append(dataclasses.replace(rest, lines=(), source="ocr"))
            grids.append(dataclasses.replace(g, cells=tuple(cells)))
        return dataclasses.replace(p, grids=tuple(grids))

    pages = tuple(page(p) for p in form.pages)
    ex, _ = extract_fields(form.template, pages)
    assert len(ex.rows["indicator_subtotals"]) < len(names)
    assert "read as no group" in ex.review.get("indicator_subtotals", ""), lost


@pytest.mark.parametrize("seed", range(8))  # test seeds 0–99
def test_a_names_header_garbled_after_level_headers_read_whole_heads_the_names(seed: int) -> None:
    """一级指标 | 二级指标 | 三级指标 read as 一级指标 | 二级指标 | 般指标. on a 200-dpi development scan's first page:
    the table was taken to start at the header page 2 repeats, and the 9 indicators of page 1 were dropped
    (3 scores passed off as not printed). Level headers read whole, in order, name their columns, and the
    header cell after them heads the names (flagged). The form, and whether later pages' headers are
    garbled too, are drawn by the seed."""
    rng = random.Random(seed)
    sources = [FIXED / "project-0.pdf", FIXED / "project-1.pdf", FIXED / "department-4.pdf", *REPEATED[:2]]
    source = sources[seed % len(sources)]
    a = analyse(source)
    (form,) = a.forms
    garbled = "".join(rng.choice(JUNK) for _ in range(2)) + rng.choice(("指标.", "标", "指木示"))
    every_page = seed >= 4

    def page(p: Any) -> Any:
        first = p.number == form.pages[0].number

        def cell(c: Any) -> Any:
            hit = "".join(c.text.split()) == "三级指标" and (first or every_page)
            return dataclasses.replace(c, text=garbled if hit else c.text, source="ocr")

        return dataclasses.replace(
            p, grids=tuple(dataclasses.replace(g, cells=tuple(map(cell, g.cells))) for g in p.grids)
        )

    want = record_of(a, form)
    assert any("".join(c.text.split()) == "三级指标" for g in form.pages[0].grids for c in g.cells)
    got = record_of(a, dataclasses.replace(form, pages=tuple(page(p) for p in form.pages)))
    fields = ("level1", "level2", "level3", "target", "actual", "set_score", "score")
    assert [[getattr(i, k) for k in fields] for i in got.indicators] == [
        [getattr(i, k) for k in fields] for i in want.indicators
    ], garbled
    assert all(f"indicators[{k}].level3" in got.review for k in range(len(got.indicators)))


@pytest.mark.parametrize("seed", range(12))  # test seeds 0–99
def test_a_total_row_whose_label_is_misread_is_the_total_row_where_its_figures_are_the_sums(seed: int) -> None:
    """总分 read as 总分人 or 总分A (a glyph glued on), or as 人八 (nothing of it), on 200-dpi development scans:
    the total row was taken for the table's end (or a row of no group) and the form's total score and its 100
    were lost (flagged). The table's last row, its label misread, is the total row where its set score or
    score is the indicators' sum (with the funds block's): its figures are the form's totals, flagged. The
    form and the misreading are drawn by the seed."""
    rng = random.Random(seed)
    a, form, here = _with_total_labels(seed)
    # the total row's label (合计 beside 总分 is the funds block's row)
    label = next(t for t in ("总分", "自评总分", "综合得分", "总计", "合计") if t in here)
    glued = rng.random() < 0.5
    junk = "".join(rng.choice(JUNK) for _ in range(2))

    def change(text: str) -> str:
        t = "".join(text.split())
        if t != label:
            return text
        return t + rng.choice(("人", "A", "丨")) if glued else junk

    want = record_of(a, form)
    got = record_of(a, _misread(form, change, "ocr"))
    assert want.score is not None and got.score is not None
    assert (got.score.total, got.score.total_set) == (want.score.total, want.score.total_set), (label, glued)
    assert {"score.total", "score.total_set"} <= set(got.review)


BLOCK_COLUMNS = ("initial_budget", "full_year_budget", "executed", "set_score", "execution_rate", "score")


def _ruling_lost(form: Any, left: tuple[float, float], right: tuple[float, float], rows: range) -> Any:
    """The form as a scan that lost the ruling between two columns (x-ranges ``left`` and ``right``) over
    the grid rows ``rows``: each row's two cells are one OCR cell holding both cells' lines."""

    def near(c: Any, span: tuple[float, float]) -> bool:
        return abs(c.bbox[0] - span[0]) < 0.5 and abs(c.bbox[2] - span[1]) < 0.5

    def grid(g: Any) -> Any:
        cells = list(g.cells)
        for r in rows:
            a = next((c for c in cells if c.row == r and near(c, left)), None)
            b = next((c for c in cells if c.row == r and near(c, right)), None)
            if a is None or b is None or a.row_span != b.row_span:
                continue
            lines = (*a.lines, *b.lines)
            both = dataclasses.replace(
                a,
                col_span=a.col_span + b.col_span,
                bbox=(a.bbox[0], min(a.bbox[1], b.bbox[1]), b.bbox[2], max(a.bbox[3], b.bbox[3])),
                lines=lines,
                text=join_lines(lines),
            )
            cells = [both if c is a else c for c in cells if c is not b]
        return dataclasses.replace(g, cells=tuple(cells))

    pages = tuple(dataclasses.replace(p, grids=tuple(grid(g) for g in p.grids)) for p in form.pages)
    return dataclasses.replace(form, pages=pages)


def _scanned_funds(source: Any) -> tuple[Any, Any, Any]:
    """The form read, its cells taken for OCR cells, and its record so read (with a funds block)."""
    a = analyse(source)
    (form,) = a.forms
    form = _misread(form, lambda t: t, "ocr")
    want = record_of(a, form)
    assert want.funds is not None
    return a, form, want


def _adjacent_funds_columns(
    seed: int,
) -> tuple[random.Random, Any, Any, Any, tuple[str, ...], dict[str, Any], list[Any]]:
    """A form of ``FUNDS_HEADS`` read as OCR cells, two adjacent funds columns drawn by the seed, the boxes
    of their total row's figures and the first grid's cells."""
    rng = random.Random(seed)
    a, form, want = _scanned_funds(FUNDS_HEADS[seed % len(FUNDS_HEADS)])
    k = rng.randrange(len(BLOCK_COLUMNS) - 1)
    pair = BLOCK_COLUMNS[k : k + 2]
    boxes = {c: want.provenance[f"funds.rows.total.{c}"].bbox for c in pair}
    return rng, a, form, want, pair, boxes, list(form.pages[0].grids[0].cells)


def _cell_at(cells: list[Any], box: Any) -> Any:
    return next(c for c in cells if all(abs(u - v) < 0.5 for u, v in zip(c.bbox, box, strict=True)))


@pytest.mark.parametrize("seed", range(len(FUNDS_HEADS)))  # test seeds 0–99
def test_two_funds_columns_whose_ruling_a_scan_lost_keep_their_figures_apart(seed: int) -> None:
    """A 300-dpi development scan lost the ruling between the funds block's 预算执行数（元） and 权重 columns:
    one header cell read 数（元）预算执行 权重, the figures below 64210500 10 in one cell. The 权重 column took
    every row's executed figure (0.00 for 其他, a silent error) and the executed column, unheaded, was left
    blank with no flag. A header cell whose groups side by side each head a column is split between them:
    each figure goes to the column whose part of the cell it lies in, flagged. Which two adjacent columns
    lost their ruling is drawn by the seed."""
    _rng, a, form, want, pair, boxes, cells = _adjacent_funds_columns(seed)

    def at(box: Any) -> Any:
        return _cell_at(cells, box)

    total = at(boxes[pair[0]])
    above = sorted(
        (c for c in cells if c.row < total.row and abs(c.bbox[0] - total.bbox[0]) < 0.5 and c.text.strip()),
        key=lambda c: -c.row,
    )
    header = above[0].row
    rows = [
        r
        for r in ("total", "fiscal_appropriation", "carryover", "other")
        if any(getattr(getattr(want.funds.rows, r, None), c, None) is not None for c in pair)
    ]
    last = max(
        at(p.bbox).row for r in rows for col in pair if (p := want.provenance.get(f"funds.rows.{r}.{col}")) is not None
    )
    spans = tuple((boxes[c][0], boxes[c][2]) for c in pair)
    got = record_of(a, _ruling_lost(form, spans[0], spans[1], range(header, last + 1)))
    assert got.funds is not None
    for r in rows:
        for col in pair:
            printed = getattr(getattr(want.funds.rows, r), col)
            assert getattr(getattr(got.funds.rows, r), col) == printed, (r, col, pair)
            if printed is not None:
                assert f"funds.rows.{r}.{col}" in got.review, (r, col, pair)


@pytest.mark.parametrize("seed", range(16))  # test seeds 0–99
def test_figures_of_two_funds_columns_in_one_cell_under_one_header_read_are_never_passed_off(seed: int) -> None:
    """A 200-dpi 1-bit development scan lost the ruling between 年初预算数 and 全年预算数 under a seal's ring,
    in the header and the figures below: one header cell read 年初预算败 全幼康社 (the second header garbled),
    the figures 1580.42 1808. in one cell. The figures were read as one, 1580.421808 (flagged), and the
    full-year budget, its column's header unread, passed as not printed. Two figures in one cell are no
    figure (flagged, with why), and a column whose header was not read beside such a cell has every row's
    blank in review. No figure of the two columns is passed off wrong or blank. Which form and which two
    adjacent columns are drawn by the seed."""
    rng, a, form, want, pair, boxes, cells = _adjacent_funds_columns(seed)

    def at(box: Any) -> Any:
        return _cell_at(cells, box)

    def above(box: Any) -> Any:
        total = at(box)
        heads = [c for c in cells if c.row < total.row and abs(c.bbox[0] - total.bbox[0]) < 0.5 and c.text.strip()]
        return max(heads, key=lambda c: c.row)

    left_head, right_head = above(boxes[pair[0]]), above(boxes[pair[1]])
    junk = "".join(rng.choice(JUNK) for _ in range(4))

    def garbled(c: Any) -> Any:  # the right column's header, read as nothing known
        if c is not right_head:
            return c
        lines = tuple(dataclasses.replace(ln, text=junk[: max(1, len(ln.text))]) for ln in c.lines)
        return dataclasses.replace(c, text=join_lines(lines) if lines else junk, lines=lines)

    form = _cells_changed(form, garbled)
    rows = ("total", "fiscal_appropriation", "carryover", "other")
    printed = [
        (r, col) for r in rows for col in pair if getattr(getattr(want.funds.rows, r, None), col, None) is not None
    ]
    last = max(at(want.provenance[f"funds.rows.{r}.{col}"].bbox).row for r, col in printed)
    spans = tuple((boxes[c][0], boxes[c][2]) for c in pair)
    got = record_of(a, _ruling_lost(form, spans[0], spans[1], range(left_head.row, last + 1)))
    assert got.funds is not None
    for r, col in printed:
        value = getattr(getattr(got.funds.rows, r, None), col, None)
        path = f"funds.rows.{r}.{col}"
        assert value == getattr(getattr(want.funds.rows, r), col) or path in got.review, (path, value, pair)
    assert all(f"funds.rows.{r}.{col}" in got.review for r, col in printed if r == "total"), pair


@pytest.mark.parametrize("reordered", [False, True])
@pytest.mark.parametrize("seed", range(len(FUNDS_HEADS)))  # test seeds 0–99
def test_a_funds_column_a_seal_blanked_header_and_figures_is_in_review(seed: int, reordered: bool) -> None:
    """Under a seal a scan read a funds column as nothing — its header cell and the figures below blank
    (the same development scan: 执行率 over 90.10). Its figures are not passed off as not printed: the blank
    header cell between the columns found takes the column its place gives it, its blank cells flagged; or,
    where the template's order does not place it (the template's last two columns swapped, 执行率 blanked),
    a header cell between the columns found that reads as none means a column is there, unread, and the
    cells the form fills in it are in review. Which column is drawn by the seed (any but the first and last)."""
    rng = random.Random(seed)
    a, form, want = _scanned_funds(FUNDS_HEADS[seed])
    col = rng.choice(BLOCK_COLUMNS[1:-1])
    if reordered:
        form, col = _columns_reordered(form), "execution_rate"
    box = want.provenance[f"funds.rows.total.{col}"].bbox
    rows = [
        r
        for r in ("total", "fiscal_appropriation", "carryover", "other")
        if getattr(getattr(want.funds.rows, r, None), col, None) is not None
    ]

    def blank(p: Any) -> Any:
        def cell(c: Any) -> Any:
            inside = abs(c.bbox[0] - box[0]) < 0.5 and abs(c.bbox[2] - box[2]) < 0.5 and c.bbox[1] < box[3] + 200
            return dataclasses.replace(c, text="", lines=()) if inside and c.bbox[3] > box[1] - 80 else c

        return dataclasses.replace(
            p, grids=tuple(dataclasses.replace(g, cells=tuple(cell(c) for c in g.cells)) for g in p.grids)
        )

    got = record_of(a, dataclasses.replace(form, pages=tuple(blank(p) for p in form.pages)))
    assert got.funds is not None
    for r in rows:
        assert f"funds.rows.{r}.{col}" in got.review, (r, col)


INLINE = {  # the national department form's amounts printed after their label in one cell
    "funds.by_income.general_public_budget": "一般公共预算",
    "funds.by_income.government_fund": "政府性基金拨款",
    "funds.by_income.other": "其他资金",
    "funds.by_expenditure.basic": "基本支出",
    "funds.by_expenditure.project": "项目支出",
}


@pytest.mark.parametrize("source", ["department-4", "department-5"])
@pytest.mark.parametrize("seed", range(4))  # test seeds 0–99
@pytest.mark.parametrize("colon", ["：", ""])
def test_an_inline_amount_whose_label_is_misread_past_matching_is_in_review(source: str, seed: int, colon: str) -> None:
    """一般公共预算：18264200.00 read as 船公共预量：18264200.00 and 基本支出：10642700.00 as 姜本变出：…
    (a 300-dpi development scan, 1-bit, turned over): three glyphs off, no label matched, and both amounts
    were blank with no flag. Where an OCR cell prints an amount after a label that is no known one — with
    its colon, or the colon lost too (a 200-dpi scan of small print) — the amounts whose label no cell reads
    are in review. Which label, and how its glyphs are misread, is drawn by the seed."""
    rng = random.Random(seed)
    path, label = rng.choice(sorted(INLINE.items()))
    garbled = "".join(rng.choice(JUNK) if k % 2 == 0 or k == len(label) - 1 else ch for k, ch in enumerate(label))
    a = analyse(FIXED / f"{source}.pdf")
    (form,) = a.forms
    want = record_of(a, form)
    section, name = path.split(".")[1:]
    assert getattr(getattr(want.funds, section), name) is not None
    assert path not in want.review

    def change(text: str) -> str:
        return text.replace(label + "：", garbled + colon).replace(label + ":", garbled + colon)

    got = record_of(a, _misread(form, change, "ocr"))
    assert getattr(getattr(got.funds, section), name) is None, garbled
    assert path in got.review, garbled


GLUED = {**INLINE, "funds.by_income.total": "按收入性质分", "funds.by_expenditure.total": "按支出性质分"}


@pytest.mark.parametrize("source", ["department-4", "department-5"])
@pytest.mark.parametrize("path", sorted(GLUED))
def test_an_inline_amount_whose_colon_ocr_lost_is_read(source: str, path: str) -> None:
    """按收入性质分：2436.58 read as 按收入性质分2436.58 (a 200-dpi scan of small print, the colon lost): no
    cell read as the label, and the total passed as not printed, unflagged. A cell that prints a label of an
    inline amount and an amount right after it is that label and its value."""
    label = GLUED[path]
    a = analyse(FIXED / f"{source}.pdf")
    (form,) = a.forms
    want = record_of(a, form)
    section, name = path.split(".")[1:]
    printed = getattr(getattr(want.funds, section), name)
    assert printed is not None

    def change(text: str) -> str:
        return text.replace(label + "：", label).replace(label + ":", label)

    got = record_of(a, _misread(form, change, "ocr"))
    assert getattr(getattr(got.funds, section), name) == printed, path


GROUPED = {  # forms whose indicator table heads two score columns with one 指标分值 over them: placed by order?
    SAMPLES / "jinzhong-2021-justice-bureau.pdf": True,  # 参考分值 | 设定分值 (Shanxi)
    SAMPLES / "jinzhong-2021-number-formats.pdf": True,
    FIXED / "department-2.pdf": True,
    CLASSES / "c2-project-funds-in-yuan.pdf": True,  # 分值 | 得分 (national)
    CLASSES / "c5-yunnan-split-target.pdf": True,  # 标准分值 | 得分
    CLASSES / "real-ningxia-b.pdf": True,  # 权重 | 自评得分 (the generic reader)
    CLASSES / "real-yinchuan-a.pdf": False,  # 分值 | 得分, its template's order 分值, 指标值 …: no run of two
}


@pytest.mark.parametrize("source", sorted(GROUPED), ids=lambda p: p.stem)
@pytest.mark.parametrize("read_as", ["分值", "分值:"])
def test_a_group_header_over_two_unread_score_headers_heads_both_columns(source: Any, read_as: str) -> None:
    """指标分值 over 分值 | 得分 scanned at 300 dpi, 1-bit and turned over (a development scan): the group read
    as 分值 and the sub-headers as nothing. 分值 headed the scores at its centre — the ruling between the
    two columns — and the set scores were read from the 得分 column (right where both were the same), the
    scores not at all. A header cell naming one figure column over two or more blank OCR cells heads a
    group: its sub-columns take the one run of figure columns in the template's order holding that column
    and no column found elsewhere, their values flagged; with no such run, the values are flagged."""
    a = analyse(source)
    form = a.forms[0]
    cells = [c for g in form.pages[0].grids for c in g.cells]
    group = next(c for c in cells if "".join(c.text.split()) == "指标分值")
    subs = [c for c in cells if c.row == group.row + group.row_span and group.bbox[0] - 1 <= c.bbox[0] < group.bbox[2]]
    assert len(subs) >= 2
    scan = _misread(form, lambda t: t, "ocr")
    want = record_of(a, scan)
    subs_at = {(c.page, c.bbox) for c in subs}

    def change(p: Any) -> Any:
        def cell(c: Any) -> Any:
            if c.page == group.page and c.bbox == group.bbox:
                return dataclasses.replace(c, text=read_as)
            if (c.page, c.bbox) in subs_at:
                return dataclasses.replace(c, text="", lines=())
            return c

        grids = tuple(dataclasses.replace(g, cells=tuple(cell(c) for c in g.cells)) for g in p.grids)
        return dataclasses.replace(p, grids=grids)

    got = record_of(a, dataclasses.replace(scan, pages=tuple(change(p) for p in scan.pages)))
    keys = [
        k for k in ("reference_score", "set_score", "score") if any(getattr(i, k) is not None for i in want.indicators)
    ]
    assert len(got.indicators) == len(want.indicators)
    for n, (w, g) in enumerate(zip(want.indicators, got.indicators, strict=True)):
        for k in keys:
            if GROUPED[source]:
                assert getattr(g, k) == getattr(w, k), (n, k)
            under = keys[:2] if "reference_score" in keys else keys[-2:]  # (Shanxi: 参考分值 | 设定分值)
            if getattr(w, k) is not None and k in (under if GROUPED[source] else ["set_score"]):
                assert f"indicators[{n}].{k}" in got.review, (n, k)


LONG_TOTAL = [p for p in FUNDS_HEADS if p.stem not in ("c2-project-unit-line-yuan", "real-yinchuan-b")]  # not 合计


@pytest.mark.parametrize("seed", range(len(LONG_TOTAL)))  # test seeds 0–99
def test_a_funds_block_whose_label_and_total_row_label_both_misread_is_found_by_its_headers(seed: int) -> None:
    """年度预算申请 read as 年度颅算巾请 and 年度资金总额 as 年度资金总 (a 1-bit 300-dpi development scan): the
    block's label matched nothing, and a block found by its column headers needed one of its row labels
    below read whole — the total row's six figures were lost. On a scan, a row label one glyph off below
    three or more of its column headers finds the block too. Which glyph of the row label is lost, and what
    the block's label reads as, is drawn by the seed."""
    rng = random.Random(seed)
    a = analyse(LONG_TOTAL[seed])
    (form,) = a.forms
    anchors = form.template.matrices[0].anchor
    total = next(
        lb for lb in ("年度资金总额", "资金总额") if any(lb in c.text for g in form.pages[0].grids for c in g.cells)
    )
    cut = rng.randrange(len(total))
    total_read = total[:cut] + total[cut + 1 :]
    junk = "".join(rng.choice(JUNK) for _ in range(4))

    def change(text: str) -> str:
        t = "".join(text.split())
        if any(t.startswith(lb) for lb in anchors) or regex.match(
            r"^(其中[:：]?)?(本年|当年)?财政拨款|上年结转|其他资金", t
        ):
            return junk  # the block's label, and its other rows' labels (a block that prints its total row alone)
        return total_read if t == total else text

    want = record_of(a, _misread(form, lambda t: t, "ocr"))
    got = record_of(a, _misread(form, change, "ocr"))
    assert want.funds is not None and got.funds is not None
    assert want.funds.rows.total is not None and want.funds.rows.total.full_year_budget is not None
    assert got.funds.rows.total == want.funds.rows.total, (junk, total_read)


LABELLED = LONG_TOTAL[:4]  # a block label of their own left of the row labels (not 部门预算执行情况 over the form)


@pytest.mark.parametrize("seed", range(len(LABELLED)))  # test seeds 0–99
def test_a_funds_block_label_read_together_with_its_total_row_label_keeps_the_total_row(seed: int) -> None:
    """年度预算申请 | 年度资金总额 read as one cell, 年度预算申请年度资金总额 (a 300-dpi photocopy lost the ruling
    between the block's label and its first row's label): neither label matched, and the total row's
    figures were lost. An OCR cell holding the block's label followed by one of its row labels is both: the
    block's label, and that row's."""
    a = analyse(LABELLED[seed])
    (form,) = a.forms
    spec = form.template.matrices[0]
    heads = ["".join(c.text.split()) for g in form.pages[0].grids for c in g.cells]
    total = next(lb for lb in ("年度资金总额", "资金总额") if lb in heads)
    anchor = next(h for h in heads if any(h.startswith(a) for a in spec.anchor))

    def change(text: str) -> str:
        t = "".join(text.split())
        return anchor + total if t == anchor else ("" if t == total else text)

    want = record_of(a, _misread(form, lambda t: t, "ocr"))
    got = record_of(a, _misread(form, change, "ocr"))
    assert want.funds is not None and got.funds is not None
    assert want.funds.rows.total is not None and want.funds.rows.total.full_year_budget is not None
    assert got.funds.rows.total == want.funds.rows.total, anchor


FUNDS_ROWS = [FUNDS_HEADS[k] for k in (0, 1, 3, 4)]  # funds blocks printing figures in rows below their total


@pytest.mark.parametrize("seed", range(8))  # test seeds 0–99
def test_a_funds_figure_under_a_column_whose_header_did_not_read_is_in_review_though_it_reads_blank(
    seed: int,
) -> None:
    """A 300-dpi scan of small print read a funds column's header as nothing known (年初预算数 garbled), and
    the figure of one row in it (当年财政拨款 628.24) as nothing: the other rows' figures under no column
    found were flagged, that row's value passed as not printed. A column whose header was not read, where
    some row prints a figure under no column found, is printed: every row's value of it read as nothing is
    in review. Which form, column and row are drawn by the seed."""
    rng = random.Random(seed)
    source = FUNDS_ROWS[seed % len(FUNDS_ROWS)]
    a, form, want = _scanned_funds(source)
    rows = ("total", "fiscal_appropriation", "carryover", "other")
    cols = [
        c
        for c in BLOCK_COLUMNS
        if sum(getattr(getattr(want.funds.rows, r, None), c, None) is not None for r in rows) >= 2
    ]
    col = rng.choice(cols)
    printing = [r for r in rows if getattr(getattr(want.funds.rows, r, None), col, None) is not None]
    lost = rng.choice(printing[1:])
    head = want.provenance[f"funds.rows.total.{col}"].bbox
    figure = want.provenance[f"funds.rows.{lost}.{col}"].bbox

    def change(c: Any) -> Any:
        same = abs(c.bbox[0] - head[0]) < 0.5 and abs(c.bbox[2] - head[2]) < 0.5
        if same and head[1] - 80 < c.bbox[1] and c.bbox[3] <= head[1] + 0.5 and c.text.strip():
            return dataclasses.replace(c, text="口丨亠", lines=())  # the header, garbled
        if all(abs(u - v) < 0.5 for u, v in zip(c.bbox, figure, strict=True)):
            return dataclasses.replace(c, text="", lines=())  # the one figure, read as nothing
        return c

    got = record_of(a, _cells_changed(form, change))
    assert got.funds is not None
    assert getattr(getattr(got.funds.rows, lost), col) is None, (col, lost)
    assert f"funds.rows.{lost}.{col}" in got.review, (col, lost, source.stem)


def _cells_changed(form: Any, change: Callable[[Any], Any]) -> Any:
    """The form with ``change`` applied to every cell of every page."""
    pages = tuple(
        dataclasses.replace(
            p, grids=tuple(dataclasses.replace(g, cells=tuple(change(c) for c in g.cells)) for g in p.grids)
        )
        for p in form.pages
    )
    return dataclasses.replace(form, pages=pages)


def _blanked(form: Any, cell: Any) -> Any:
    """The form with one cell read as nothing (a seal over its print)."""
    return _cells_changed(
        form, lambda c: dataclasses.replace(c, text="", lines=()) if (c.page, c.bbox) == (cell.page, cell.bbox) else c
    )


SCORE_HEADS = {"set_score": ("分值", "权重", "标准分值", "设定分值"), "score": ("得分", "自评得分", "评价得分")}
BLANK_HEADS = [  # (form, column, placed by the template's order?) — forms whose header prints once
    (SAMPLES / "jinzhong-2021-justice-bureau.pdf", "set_score", True),  # 参考分值 | 设定分值 | 评价得分 (Shanxi)
    (SAMPLES / "jinzhong-2021-justice-bureau.pdf", "score", False),  # the last score column: no place between
    (SAMPLES / "anhui-2022-county-agriculture-bureau-dept.pdf", "set_score", True),
    (SAMPLES / "chizhou-2022-village-funds.pdf", "score", True),
    (SAMPLES / "sichuan-2022-rural-roads.pdf", "set_score", True),  # 权重, Sichuan's own template
    (FIXED / "department-1.pdf", "score", True),
    (FIXED / "project-0.pdf", "set_score", True),  # the generic reader
    (FIXED / "project-3.pdf", "score", True),
    (CLASSES / "c5-yunnan-split-target.pdf", "set_score", True),
    (CLASSES / "real-ningxia-a.pdf", "set_score", True),  # rows printing no score (其中…)
    (CLASSES / "c8-unknown-kind-targets-self-evaluation.pdf", "set_score", True),  # half the rows unscored
    (CLASSES / "c8-unknown-kind-targets-self-evaluation.pdf", "score", True),
]


def _garbled(form: Any, cell: Any) -> Any:
    """The form with one cell read unsurely as a seal's lettering (a seal over 得分 read 贴务专!, 0.62)."""
    return _cells_changed(
        form,
        lambda c: (
            dataclasses.replace(c, text="贴务专!", confidence=0.62) if (c.page, c.bbox) == (cell.page, cell.bbox) else c
        ),
    )


@pytest.mark.parametrize("how", ["blank", "garbled"])
@pytest.mark.parametrize(("source", "key", "placed"), BLANK_HEADS, ids=lambda v: getattr(v, "stem", str(v)))
def test_a_score_columns_header_a_seal_blanked_is_placed_by_the_templates_order(
    source: Any, key: str, placed: bool, how: str
) -> None:
    """A 200-dpi development scan: a seal over the indicator table's 分值 header, the figures below it clear.
    The column was not found; its values were flagged, and on a form where half the rows print no score
    (其中… rows) they passed as not printed — a printed 20 read as a blank. A figure column whose header
    cell reads blank between two columns found that the template's order puts next to each other but for
    it takes that cell, its values flagged; where the order gives it no place, its values are flagged. So
    does one whose header reads unsurely as no label (development scan project-1276, 1-bit: the seal's
    lettering over 得分 read 得贫二 at 0.62, every score of the table lost)."""
    a = analyse(source)
    form = _misread(a.forms[0], lambda t: t, "ocr")
    want = record_of(a, form)
    first = [c for g in form.pages[0].grids for c in g.cells]
    head = max((c for c in first if "".join(c.text.split()) in SCORE_HEADS[key]), key=lambda c: c.row)
    got = record_of(a, _blanked(form, head) if how == "blank" else _garbled(form, head))
    assert len(got.indicators) == len(want.indicators)
    printed = [n for n, w in enumerate(want.indicators) if getattr(w, key) is not None]
    assert printed
    for n, (w, g) in enumerate(zip(want.indicators, got.indicators, strict=True)):
        if placed:
            assert getattr(g, key) == getattr(w, key), n
        if n in printed:
            assert f"indicators[{n}].{key}" in got.review, n


GROUP_OVER_SCORES = [  # forms heading 分值 | 得分 (or 参考分值 | 设定分值) with one 指标分值 over them
    SAMPLES / "jinzhong-2021-justice-bureau.pdf",
    FIXED / "department-2.pdf",
    CLASSES / "c2-project-funds-in-yuan.pdf",
    CLASSES / "c5-yunnan-split-target.pdf",
    CLASSES / "real-ningxia-b.pdf",
]


@pytest.mark.parametrize("source", GROUP_OVER_SCORES, ids=lambda p: p.stem)
def test_a_column_at_the_centre_of_a_group_header_takes_the_blank_cell_under_it(source: Any) -> None:
    """指标分值 read as 分值 (the group header names the set score) and its sub-header 分值 lost under a seal
    while 得分 read: the set score column stood at the group's centre — the ruling between the two columns —
    and read no figure. It takes the one sub-cell under the group that reads blank and no column holds,
    its values flagged."""
    a = analyse(source)
    form = _misread(a.forms[0], lambda t: t, "ocr")
    want = record_of(a, form)
    cells = [c for g in form.pages[0].grids for c in g.cells]
    group = next(c for c in cells if "".join(c.text.split()) == "指标分值")
    subs = [c for c in cells if c.row == group.row + group.row_span and group.bbox[0] - 1 <= c.bbox[0] < group.bbox[2]]
    key = "reference_score" if any(i.reference_score is not None for i in want.indicators) else "set_score"
    sub = subs[0]  # the first sub-column: 参考分值 (Shanxi) or 分值

    def change(c: Any) -> Any:
        if (c.page, c.bbox) == (group.page, group.bbox):
            return dataclasses.replace(c, text="分值" if key == "set_score" else "参考分值")
        if (c.page, c.bbox) == (sub.page, sub.bbox):
            return dataclasses.replace(c, text="", lines=())
        return c

    got = record_of(a, _cells_changed(form, change))
    assert len(got.indicators) == len(want.indicators)
    for n, (w, g) in enumerate(zip(want.indicators, got.indicators, strict=True)):
        assert getattr(g, key) == getattr(w, key), n
        if getattr(w, key) is not None:
            assert f"indicators[{n}].{key}" in got.review, n


def test_a_score_column_no_place_can_be_given_is_in_review_where_half_the_rows_print_no_score() -> None:
    """A form whose sub-item rows (其中…) print no score: with 分值 blanked and 实际完成值 garbled past
    resemblance no order places 分值 (the header cell beside it reads, as no column), and its figures stand
    in half the table's rows only — as many as the rows scored, which is what the share is taken of: every
    printed set score is in review."""
    a = analyse(CLASSES / "c8-unknown-kind-targets-self-evaluation.pdf")
    form = _misread(a.forms[0], lambda t: t, "ocr")
    want = record_of(a, form)
    first = [c for g in form.pages[0].grids for c in g.cells]
    score = max((c for c in first if "".join(c.text.split()) == "分值"), key=lambda c: c.row)  # not the funds'
    actual = next(c for c in first if "".join(c.text.split()) == "实际完成值")
    form = _cells_changed(
        _blanked(form, score),
        lambda c: dataclasses.replace(c, text=JUNK[:5]) if (c.page, c.bbox) == (actual.page, actual.bbox) else c,
    )
    got = record_of(a, form)
    printed = [n for n, w in enumerate(want.indicators) if w.set_score is not None]
    assert 0 < len(printed) < len(want.indicators) * 0.6
    assert all(got.indicators[n].set_score is None for n in printed)
    assert all(f"indicators[{n}].set_score" in got.review for n in printed)


TARGET_ACTUAL_HEADS = {
    "target": ("年度指标值", "指标值", "目标值", "年初目标值", "年度目标值", "预期指标值"),
    "actual": ("实际完成值", "完成值", "实际值", "全年实际值", "实际完成指标值", "全年完成值"),
}
BLANK_VALUE_COLUMNS = [  # (form, column, placed by the template's order?)
    (SAMPLES / "anhui-2022-county-agriculture-bureau-dept.pdf", "actual", True),
    (SAMPLES / "chizhou-2022-village-funds.pdf", "target", True),
    (FIXED / "department-1.pdf", "actual", True),
    (FIXED / "project-2.pdf", "target", True),
    (CLASSES / "c8-unknown-kind-targets-self-evaluation.pdf", "actual", True),  # the generic reader
    (CLASSES / "real-chongqing-a.pdf", "target", True),
    (FIXED / "project-1.pdf", "actual", False),  # the order gives it no place
    (CLASSES / "real-ningxia-a.pdf", "actual", False),
    (CLASSES / "real-langzhong-b.pdf", "target", False),
]


NAME_AND_REASON_HEADS = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "deviation_reason": ("偏差原因分析及改进措施", "偏差原因分析", "未完成原因分析及改进措施", "偏差原因及改进措施"),
}
BLANK_TEXT_COLUMNS = [  # (form, column, placed by the template's order?)
    (SAMPLES / "anhui-2022-county-agriculture-bureau-dept.pdf", "level2", True),
    (SAMPLES / "sichuan-2022-rural-roads.pdf", "level2", True),
    (FIXED / "project-3.pdf", "level2", True),
    (CLASSES / "c8-unknown-kind-targets-self-evaluation.pdf", "level2", True),  # the generic reader
    (SAMPLES / "jinzhong-2021-justice-bureau.pdf", "level2", False),
    (CLASSES / "c3-dept-funds-label-synonym.pdf", "level2", False),
    (CLASSES / "real-ningxia-a.pdf", "level1", False),
    (FIXED / "project-3.pdf", "deviation_reason", False),  # printed in 4 rows of 24: flagged by its lost header
    (SAMPLES / "anhui-2022-county-agriculture-bureau-dept.pdf", "deviation_reason", False),
]


@pytest.mark.parametrize(
    ("source", "key", "placed"), BLANK_VALUE_COLUMNS + BLANK_TEXT_COLUMNS, ids=lambda v: getattr(v, "stem", str(v))
)
def test_a_text_columns_header_a_seal_blanked_is_placed_or_its_values_are_in_review(
    source: Any, key: str, placed: bool
) -> None:
    """A seal over 实际完成值, 年度指标值, 二级指标 (or 一级指标, 偏差原因分析), the print below it clear: the column
    was not found and every row's value was blank with no flag (95%, 29.5亩, 数量指标 passed off as not
    printed; level-2 names on 34 of 36 committed forms tried). Its blank header cell between its neighbours
    in the template's order is its place, its values flagged; elsewhere, where most rows print text under
    no column found (the target or actual column), or where text lies under a scanned header cell that
    reads blank or as no label, each row's value of the columns not found is in review."""
    a = analyse(source)
    form = _misread(a.forms[0], lambda t: t, "ocr")
    want = record_of(a, form)
    first = [c for g in form.pages[0].grids for c in g.cells]
    heads = {**TARGET_ACTUAL_HEADS, **NAME_AND_REASON_HEADS}[key]
    head = max((c for c in first if "".join(c.text.split()) in heads), key=lambda c: c.row)
    got = record_of(a, _blanked(form, head))
    printed = [n for n, w in enumerate(want.indicators) if getattr(w, key)]
    assert printed and len(got.indicators) == len(want.indicators)
    for n in printed:
        assert getattr(got.indicators[n], key) == (getattr(want.indicators[n], key) if placed else None), n
        assert f"indicators[{n}].{key}" in got.review, n


@pytest.mark.parametrize(
    "source", [CLASSES / "real-langzhong-a.pdf", CLASSES / "real-xiangyang-b.pdf"], ids=lambda p: p.stem
)
def test_a_column_named_by_its_own_sub_header_at_a_group_headers_centre_is_not_in_review(source: Any) -> None:
    """年度指标值 over 指标性质 | 指标值 | 度量单位: the target column stands at the group's centre, and its own
    sub-header 指标值 names it there — read as printed, no figure of it is in review."""
    a = analyse(source)
    got = record_of(a, _misread(a.forms[0], lambda t: t, "ocr"))
    assert got.indicators and all(i.target for i in got.indicators)
    assert not [p for p in got.review if p.endswith(".target")]


BLANK_HEADER_LABELS = [  # (form, label a seal blanks, the field it labels)
    (SAMPLES / "anhui-2022-county-agriculture-bureau-dept.pdf", "预期目标", "goals.expected"),
    (SAMPLES / "chizhou-2022-village-funds.pdf", "实施单位", "form.implementing_unit"),
    (SAMPLES / "chizhou-2022-village-funds.pdf", "主管部门", "form.region"),  # taken from the department's name
    (SAMPLES / "chizhou-2022-village-funds.pdf", "实际完成情况", "goals.achieved"),
    (SAMPLES / "xiangyang-2021-central-hospital-dongjin.pdf", "项目实施单位", "form.implementing_unit"),
    (FIXED / "department-1.pdf", "年度目标", "goals.expected"),
    (FIXED / "project-1.pdf", "全年实际完成情况", "goals.achieved"),
    (CLASSES / "c2-project-funds-in-yuan.pdf", "预期目标", "goals.expected"),
    # labels no vocabulary group knows, not found at all (fourteenth session): the value may be theirs
    (FIXED / "department-0.pdf", "单位负责人", "form.unit_head"),
    (FIXED / "department-2.pdf", "单位负责人", "form.unit_head"),
    (SAMPLES / "yinchuan-2021-no6-middle-school-funds.pdf", "自评得分", "score.stated"),
    (CLASSES / "c8-unknown-kind-targets-self-evaluation.pdf", "项目名称", "form.project_name"),  # the generic reader
    (CLASSES / "c8-unknown-kind-targets-self-evaluation.pdf", "主管部门", "form.department"),
    # an amount printed in a cell of its own beside its label (an inline field read from the next cell)
    (CLASSES / "c7-dept-amounts-in-own-cells.pdf", "其他资金", "funds.by_income.other"),
    # a value in the row above the next label's: it had counted as read by the field below (the border)
    (FIXED / "project-0.pdf", "主管部门", "form.region"),
    (FIXED / "project-1.pdf", "主管部门", "form.region"),
    (SAMPLES / "sichuan-2022-rural-roads.pdf", "项目年度目标", "goals.expected"),
]


def _value(record: Any, path: str) -> Any:
    for name in path.split("."):
        record = getattr(record, name)
    return record


@pytest.mark.parametrize(("source", "label", "path"), BLANK_HEADER_LABELS, ids=lambda v: getattr(v, "stem", str(v)))
def test_a_header_value_whose_label_a_seal_blanked_is_in_review(source: Any, label: str, path: str) -> None:
    """A seal over 预期目标 (or 实施单位, 实际完成情况), the value beside or under it clear: the field was not
    found and passed as not printed. A scanned cell of text no field read, beside or under a cell that
    reads blank above the indicator table, puts the template's header fields that were not read in review
    where the vocabulary knows their label or no cell reads it (单位负责人, 自评得分): the value may be theirs."""
    a = analyse(source)
    form = _misread(a.forms[0], lambda t: t, "ocr")
    want = record_of(a, form)
    assert path not in want.review
    cells = [c for p in form.pages for g in p.grids for c in g.cells]
    head = next(c for c in cells if "".join(c.text.split()) == label)
    got = record_of(a, _blanked(form, head))
    assert _value(want, path)
    assert not _value(got, path)
    assert path in got.review


def test_a_funds_rows_figure_read_by_a_pattern_that_did_not_match_is_in_review_where_its_row_was_read() -> None:
    """Hubei's total set score is printed in the block's label (预算执行情况（20分）); a seal over that label
    left the row's other figures read and the set score blank with no flag. On a scan, a funds row's figure
    a template reads by a pattern that did not match, where the rest of its row was read, is in review."""
    from extract.forms.fields import extract_fields
    from extract.pipeline import _flag_row_patterns

    a = analyse(SAMPLES / "xiangyang-2021-central-hospital-dongjin.pdf")
    (form,) = a.forms
    assert form.template.id == "project-hubei"
    clean, _ = extract_fields(form.template, _misread(form, lambda t: t, "ocr").pages)
    assert clean.fields["funds.rows.total.set_score"].value is not None
    _flag_row_patterns(clean, form.template)
    assert "funds.rows.total.set_score" not in clean.review
    sealed = _misread(form, lambda t: JUNK[:4] if "".join(t.split()).startswith("预算执行情况") else t, "ocr")
    ex, _ = extract_fields(form.template, sealed.pages)
    assert ex.fields["funds.rows.total.executed"].value is not None
    assert ex.get("funds.rows.total.set_score") is None or ex.fields["funds.rows.total.set_score"].value is None
    _flag_row_patterns(ex, form.template)
    assert "funds.rows.total.set_score" in ex.review


@pytest.mark.parametrize(
    "source",
    [
        CLASSES / "c8-unknown-kind-targets-self-evaluation.pdf",
        CLASSES / "real-xiangyang-a.pdf",
        FIXED / "project-0.pdf",
    ],
    ids=lambda p: p.stem,
)
def test_a_funds_row_whose_label_a_seal_blanked_keeps_its_figures_in_review(source: Any) -> None:
    """A seal over 年度资金总额, the row's figures clear: the generic reader (its funds block optional) took the
    row for a label merged down from above and dropped it — six printed figures passed as not printed.
    Figures beside a scanned label cell of their row's own that reads blank are a row of the block, kept
    with a blank label, and the rows the template names that were not found are in review."""
    a = analyse(source)
    form = _misread(a.forms[0], lambda t: t, "ocr")
    want = record_of(a, form)
    assert want.funds is not None and want.funds.rows.total is not None
    executed = want.funds.rows.total.executed
    assert executed is not None
    cells = [c for p in form.pages for g in p.grids for c in g.cells]
    label = next(c for c in cells if "".join(c.text.split()) in ("年度资金总额", "资金总额", "年度资金总额：", "合计"))
    got = record_of(a, _blanked(form, label))
    assert got.funds is not None
    total = got.funds.rows.total
    if total is None or total.executed is None:
        assert any(p in ("funds.rows", "funds.rows.total") or p.startswith("funds.rows.total.") for p in got.review)
        if got.template == "generic":  # its block optional: the row kept, unnamed, with its figures in review
            kept = [r for r in got.funds.other_rows or [] if r.executed == executed]
            assert kept and any(p.startswith("funds.other_rows") for p in got.review)
    else:
        assert total.executed == executed


@pytest.mark.parametrize(
    "source",
    [CLASSES / "c8-unknown-kind-targets-self-evaluation.pdf", FIXED / "project-5.pdf", CLASSES / "real-ningxia-b.pdf"],
    ids=lambda p: p.stem,
)
def test_text_beside_blank_cells_in_the_indicator_table_names_no_lost_header_label(source: Any) -> None:
    """Level names, template rows (……) and reasons beside blank cells fill an indicator table: they are no
    header value whose label was lost. Only text above the table's header is weighed, so a form read as OCR
    cells with nothing blanked has no header field in review for it."""
    from extract.forms.fields import extract_fields

    a = analyse(source)
    form = _misread(a.forms[0], lambda t: t, "ocr")
    ex, _ = extract_fields(form.template, form.pages)
    assert not [p for p, why in ex.review.items() if "beside a blank cell" in why]


CUT_FORMS = [
    SAMPLES / "jinzhong-2021-justice-bureau.pdf",
    SAMPLES / "jinzhong-2022-audit-bureau.pdf",
    *(FIXED / f"{kind}-{n}.pdf" for kind in ("project", "department") for n in range(6)),
]


def _ruling_made_up(form: Any, cut: Any) -> Any:
    """The form as a scan that found a ruling across the middle of one cell only (a seal's ring, a
    photocopy's streak): the cell is two, one above the other, each with a part of its text, and every other
    cell of its row spans one more row (the rows below one lower)."""

    def grid(g: Any) -> Any:
        if cut not in g.cells:
            return g
        r, cells = cut.row, []
        half = len(cut.text) // 2
        for c in g.cells:
            if c is cut:
                top = dataclasses.replace(
                    c, text=c.text[:half], lines=(), bbox=(*c.bbox[:3], (c.bbox[1] + c.bbox[3]) / 2)
                )
                low = dataclasses.replace(
                    c, row=r + 1, text=c.text[half:], lines=(), bbox=(c.bbox[0], top.bbox[3], *c.bbox[2:])
                )
                cells += [top, low]
            elif c.row > r:
                cells.append(dataclasses.replace(c, row=c.row + 1))
            elif c.row + c.row_span > r:
                cells.append(dataclasses.replace(c, row_span=c.row_span + 1))
            else:
                cells.append(c)
        ys = tuple(sorted((*g.ys, (cut.bbox[1] + cut.bbox[3]) / 2)))
        return dataclasses.replace(g, cells=tuple(cells), ys=ys)

    pages = tuple(dataclasses.replace(p, grids=tuple(grid(g) for g in p.grids)) for p in form.pages)
    return dataclasses.replace(form, pages=pages)


@pytest.mark.parametrize("seed", range(14))  # test seeds 0–99
def test_an_indicator_name_cell_a_scan_cut_in_two_is_one_indicator(seed: int) -> None:
    """A 300-dpi grey photocopy (development scan department-1026) found a ruling across the middle of one
    indicator's name cell only (社会公众或服务对象满意度 read as 找对象港音 over 小幼), the row's figures in
    cells over both parts: the lower part was read as one more indicator with the same figures (5 | 5.00 |
    5.00), the sums of the table off by its points, the total row not known for one. A scanned row whose own
    cells are names only, its figures all the row above's, is that row's name cut in two: one indicator,
    its name the two parts'. Which form and which indicator are drawn by the seed."""
    rng = random.Random(seed)
    a = analyse(CUT_FORMS[seed % len(CUT_FORMS)])
    (form,) = a.forms
    form = _misread(form, lambda t: t, "ocr")
    want = record_of(a, form)
    named = [k for k, r in enumerate(want.indicators) if r.level3 and len(r.level3) >= 2 and r.set_score is not None]
    k = rng.choice(named)
    box = want.provenance[f"indicators[{k}].level3"].bbox
    page = want.provenance[f"indicators[{k}].level3"].page
    assert box is not None
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    (cut,) = [
        c
        for p in form.pages
        if p.number == page
        for g in p.grids
        for c in g.cells
        if c.bbox[0] <= x <= c.bbox[2] and c.bbox[1] <= y <= c.bbox[3]
    ]
    if cut.row_span != 1:
        pytest.skip("a name cell over more than one row")
    got = record_of(a, _ruling_made_up(form, cut))
    keys = ("level3", "set_score", "score", "target", "actual")
    assert [[getattr(r, f, None) for f in keys] for r in got.indicators] == [
        [getattr(r, f, None) for f in keys] for r in want.indicators
    ], (k, cut.text)
    assert got.score == want.score


END_FORMS = [
    SAMPLES / "jinzhong-2021-justice-bureau.pdf",
    SAMPLES / "jinzhong-2022-audit-bureau.pdf",
    *(FIXED / f"department-{n}.pdf" for n in (0, 2, 3)),  # Shanxi layouts: 综合得分, 评价结果等次
]


@pytest.mark.parametrize("seed", range(10))  # test seeds 0–99
def test_end_labels_a_scan_misread_by_a_glyph_end_the_indicator_table(seed: int) -> None:
    """A 300-dpi 1-bit photocopy (development scan department-1000) read the rows after a Shanxi indicator
    table as 缘合得分 | 100 | 96.00 and 评价结累等次： | 优: no end label as read, so the table ran on over the
    total row (one more group, 100 | 96.00) and the evaluators below (three more indicators scored with
    their phone numbers, 3542636171), and the form's totals were not read. An end label one glyph off, in
    a cell across the names columns, ends the table; the total row's figures, the indicators' sums, are
    the totals, flagged. Which glyphs are misread is drawn by the seed; the second label keeps its own half
    the time."""
    rng = random.Random(seed)
    a = analyse(END_FORMS[seed % len(END_FORMS)])
    (form,) = a.forms

    def one_off(word: str) -> str:
        k = rng.randrange(len(word))
        return word[:k] + rng.choice(JUNK) + word[k + 1 :]

    total, grade = one_off("综合得分"), one_off("评价结果等次") if rng.random() < 0.5 else "评价结果等次"

    def change(text: str) -> str:
        t = "".join(text.split())
        return {"综合得分": total, "评价结果等次": grade}.get(t.rstrip("：:"), text)

    want = record_of(a, _misread(form, lambda t: t, "ocr"))
    got = record_of(a, _misread(form, change, "ocr"))
    assert want.score is not None and got.score is not None
    assert (got.score.total, got.score.total_set) == (want.score.total, want.score.total_set), (total, grade)
    assert {"score.total", "score.total_set"} <= set(got.review), (total, grade)
    assert len(got.indicators) == len(want.indicators) and len(got.indicator_subtotals) == len(
        want.indicator_subtotals
    ), (total, grade)
    assert [(e.name, e.phone) for e in got.evaluators] == [(e.name, e.phone) for e in want.evaluators]


FUNDS_TOTALS = [  # forms and their funds block's total row label
    (SAMPLES / "sichuan-2022-rural-roads.pdf", "总额"),
    (FIXED / "department-5.pdf", "资金总额"),
    (FIXED / "project-1.pdf", "合计"),
    (FIXED / "project-4.pdf", "合计"),
]


@pytest.mark.parametrize("surely", [False, True])
@pytest.mark.parametrize(("source", "label"), FUNDS_TOTALS, ids=lambda v: getattr(v, "stem", v))
def test_a_total_row_label_read_one_glyph_off_a_two_character_label_keeps_its_figures_in_review(
    source: Any, label: str, surely: bool
) -> None:
    """合计 read 合让 (0.94) on a 1-bit development scan (department-1273, 200 dpi): no label was a character
    off (that takes labels of four characters or more) and nothing resembled it, so the funds block's total
    row — all six figures — was lost (flagged). A label of the block's total row read unsurely as two
    characters one glyph off a two-character label of it (合计, 总计, 总额) is that row, its figures flagged;
    read surely it is not, and no figure of the row passes as read."""
    a = analyse(source)
    form = a.forms[0]
    want = record_of(a, form)
    assert want.funds is not None and want.funds.rows.total is not None
    first = next(c for p in form.pages for g in p.grids for c in g.cells if "".join(c.text.split()) == label)

    def change(c: Any) -> Any:
        if (c.page, c.bbox) != (first.page, first.bbox):
            return dataclasses.replace(c, source="ocr")
        return dataclasses.replace(c, text="合让", lines=(), source="ocr", confidence=0.99 if surely else 0.94)

    got = record_of(a, _cells_changed(form, change))
    assert got.funds is not None
    keys = ("initial_budget", "full_year_budget", "executed")
    total = got.funds.rows.total
    for key in keys:
        value = None if total is None else getattr(total, key)
        if surely:
            assert value is None or f"funds.rows.total.{key}" in got.review, key
            continue
        assert value == getattr(want.funds.rows.total, key), key
        if value is not None:
            assert f"funds.rows.total.{key}" in got.review, key
