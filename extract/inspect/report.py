"""A static report of the flagged forms of a ledger, for sharing without a server: one self-contained HTML
file (``extract report --db LEDGER -o report.html``). Per form: what it is, its failed checks with expected,
actual, difference and unit, the fields to review with value, raw text and confidence, the narrative
amounts of a failed check highlighted in their text, and crops of its pages with every flagged field's box
drawn (PNG, inline). Every text from a PDF is escaped; nothing is fetched when the file is opened.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from extract.model import BBox, Record
from extract.records.corrections import flags, reviewed
from extract.records.tables import form_id

FLAG = (220, 0, 0)
PAD_PT = 24.0  # around the flagged boxes of a page's crop
WHOLE_PAGE = 0.45  # a crop larger than this share of the page: the whole page, at a lower resolution

STYLE = """
body{font:14px/1.45 system-ui,"Noto Sans CJK SC",sans-serif;margin:2em;color:#222}
h1{font-size:20px}h2{font-size:16px;margin-top:2.2em;border-top:2px solid #ccc;padding-top:.8em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;
vertical-align:top}th{background:#f3f3f3}.fail{color:#b00}mark{background:#ffd54f}
.meta{color:#555}.crop{margin:.4em 0;border:1px solid #999;max-width:100%}.narrative{max-width:60em}
"""


def _e(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return html.escape(str(value))


class PageImages:
    """Page images rendered once each, with the budgets' pixel cap; a file that is gone gives None."""

    def __init__(self, resolution: int) -> None:
        self.resolution = resolution
        self.cache: dict[tuple[str, int, int], Any] = {}

    def get(self, path: str, page: int, resolution: int | None = None) -> Any:
        res = resolution or self.resolution
        key = (path, page, res)
        if key not in self.cache:
            from extract.errors import ExtractError
            from extract.inspect.debug import page_image

            try:
                self.cache[key] = page_image(path, page, res)
            except (ExtractError, OSError, IndexError):
                self.cache[key] = None
        return self.cache[key]


def _png(image: Any) -> str:
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _union(boxes: Sequence[BBox]) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _boxed(record: Record) -> set[str]:
    """The flagged fields, an amount of a narrative standing for the narrative's cell it was read in."""
    out = set()
    for f in flags(record):
        head, _, index = f.partition("[")
        if (
            head == "amounts_in_text"
            and index.rstrip("]").isdigit()
            and int(index.rstrip("]")) < len(record.amounts_in_text)
        ):
            out.add(record.amounts_in_text[int(index.rstrip("]"))].field)
        else:
            out.add(f)
    return out


def _crops(record: Record, images: PageImages) -> list[str]:
    """An <img> per page with flagged fields: the crop around them, each flagged box drawn."""
    from PIL import ImageDraw

    marked = _boxed(record)
    by_page: dict[int, list[tuple[str, BBox]]] = {}
    for name, prov in record.provenance.items():
        if prov.page is not None and prov.bbox and any(name == f or name.startswith(f + ".") for f in marked):
            by_page.setdefault(prov.page, []).append((name, (prov.bbox[0], prov.bbox[1], prov.bbox[2], prov.bbox[3])))
    out = []
    for page, boxes in sorted(by_page.items()):
        image = images.get(record.source.path, page)
        if image is None:
            out.append(f'<p class="meta">page {page}: no image (the file is not at {_e(record.source.path)})</p>')
            continue
        scale = images.resolution / 72
        width, height = image.size[0] / scale, image.size[1] / scale
        x0, y0, x1, y1 = _union([b for _, b in boxes])
        crop = (max(x0 - PAD_PT, 0), max(y0 - PAD_PT, 0), min(x1 + PAD_PT, width), min(y1 + PAD_PT, height))
        if (crop[2] - crop[0]) * (crop[3] - crop[1]) > WHOLE_PAGE * width * height:
            crop = (0.0, 0.0, width, height)
        part = image.crop(tuple(int(v * scale) for v in crop)).copy()
        draw = ImageDraw.Draw(part)
        for _, b in boxes:
            draw.rectangle(
                [
                    (b[0] - crop[0]) * scale,
                    (b[1] - crop[1]) * scale,
                    (b[2] - crop[0]) * scale,
                    (b[3] - crop[1]) * scale,
                ],
                outline=FLAG,
                width=3,
            )
        names = ", ".join(sorted(n for n, _ in boxes))
        out.append(
            f'<p class="meta">page {page}: {_e(names)}</p><img class="crop" alt="page {page}" src="{_png(part)}">'
        )
    return out


def _narratives(record: Record) -> list[str]:
    """Narrative texts whose amounts a failed check names, with those amounts' labels and figures marked."""
    failing = {f for c in record.checks if c.status == "fail" for f in c.fields}
    by_field: dict[str, list[str]] = {}
    for i, a in enumerate(record.amounts_in_text):
        if f"amounts_in_text[{i}]" in failing:
            by_field.setdefault(a.field, []).append(a.label)
    out = []
    for field, labels in by_field.items():
        text = _e(_value(record, field))
        for label in sorted(set(labels), key=len, reverse=True):
            text = text.replace(_e(label), f"<mark>{_e(label)}</mark>")
        out.append(f'<p class="meta">{_e(field)}</p><p class="narrative">{text}</p>')
    return out


def _value(record: Record, path: str) -> Any:
    from extract.records.corrections import CorrectionError, value_at

    try:
        return value_at(record, path)
    except CorrectionError:  # a path no field of the record has (a failed check's table row): shown empty
        return None


def _section(record: Record, images: PageImages) -> str:
    f = record.form
    pages = record.source.form_pages
    head = (
        f'<h2 id="{_e(form_id(record))}">{_e(f.project_name or f.unit_name or f.department or f.title)} '
        f'<span class="meta">{_e(f.fiscal_year)} · {_e(record.template)} · {_e(form_id(record))}</span></h2>'
        f'<p class="meta">{_e(record.source.path)} p{pages[0] if pages else "?"}'
        f"{'-' + str(pages[-1]) if len(pages) > 1 else ''} · {_e(record.source.method)}</p>"
    )
    rows = [
        f'<tr><td class="fail">{_e(c.id)}</td><td>{_e(c.rule)}</td><td>{_e(c.expected)}</td><td>{_e(c.actual)}</td>'
        f"<td>{_e(c.difference)}</td><td>{_e(c.unit)}</td><td>{_e('; '.join(c.details))}</td></tr>"
        for c in record.checks
        if c.status == "fail"
    ]
    checks = (
        "<table><tr><th>failed check</th><th>rule</th><th>expected</th><th>actual</th><th>difference</th>"
        "<th>unit</th><th>details</th></tr>" + "".join(rows) + "</table>"
        if rows
        else ""
    )
    fields = []
    for path in sorted(flags(record)):
        prov = record.provenance.get(path)
        fields.append(
            f"<tr><td>{_e(path)}</td><td>{_e(_value(record, path))}</td><td>{_e(prov.raw if prov else '')}</td>"
            f"<td>{_e(prov.confidence if prov else '')}</td><td>{_e(prov.method if prov else '')}</td>"
            f"<td>{'review' if path in record.review else 'failed check'}</td></tr>"
        )
    table = (
        "<table><tr><th>field</th><th>value</th><th>as read</th><th>confidence</th><th>read by</th><th>why</th></tr>"
        + "".join(fields)
        + "</table>"
    )
    return head + checks + table + "".join(_narratives(record)) + "".join(_crops(record, images))


def build(records: Iterable[Record], title: str, resolution: int = 110, limit: int | None = None) -> tuple[str, int]:
    """The report's HTML, and how many forms it shows: those flagged and not yet reviewed."""
    images = PageImages(resolution)
    flagged = [r for r in records if not r.clean and not reviewed(r)]
    flagged.sort(key=lambda r: (r.source.path, r.source.form_pages[:1]))
    shown = flagged[:limit] if limit else flagged

    def entry(r: Record) -> str:
        name = r.form.project_name or r.form.unit_name or r.form.department
        why = ", ".join(c.id for c in r.checks if c.status == "fail") or "fields to review"
        return f'<li><a href="#{_e(form_id(r))}">{_e(name)}</a> <span class="meta">{_e(why)}</span></li>'

    toc = "".join(entry(r) for r in shown)
    body = "".join(_section(r, images) for r in shown)
    more = (
        f"<p>{len(flagged) - len(shown)} more flagged forms not shown (--limit).</p>"
        if len(shown) < len(flagged)
        else ""
    )
    page = (
        f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f"<style>{STYLE}</style></head><body><h1>{_e(title)}: {len(flagged)} flagged forms</h1>"
        f"<ol>{toc}</ol>{more}{body}</body></html>"
    )
    return page, len(shown)


def write_report(
    records: Iterable[Record], out: Path, title: str, resolution: int = 110, limit: int | None = None
) -> int:
    """The report in ``out`` (written whole or not at all); the number of forms shown."""
    from extract.ingest.outputs import write_set

    text, shown = build(records, title, resolution, limit)

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    write_set([(out, write)], out)
    return shown
