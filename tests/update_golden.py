"""Rewrite tests/golden/<stem>.record.json from the current pipeline. Review every diff by reading it
(git diff tests/golden) before committing: a golden is a statement of what is right, not a snapshot.

    python -m tests.update_golden [STEM ...]
"""

from __future__ import annotations

import sys

import extract
from extract.records.codec import dumps, loads

from .conftest import GOLDEN, ROOT, sample_pdfs


def golden_dict(pdf) -> list[dict]:
    out = []
    for rec in extract.read_pdf(pdf):
        d = loads(dumps(extract.to_dict(rec)))  # as the JSON holds it: boxes and confidences too
        d["source"]["path"] = str(pdf.relative_to(ROOT))
        out.append(d)
    return out


def main(stems: list[str]) -> None:
    GOLDEN.mkdir(exist_ok=True)
    for pdf in sample_pdfs():
        if stems and pdf.stem not in stems:
            continue
        records = golden_dict(pdf)
        data = records[0] if len(records) == 1 else records
        (GOLDEN / f"{pdf.stem}.record.json").write_text(dumps(data, indent=1) + "\n", encoding="utf-8")
        print("wrote", pdf.stem)


if __name__ == "__main__":
    main(sys.argv[1:])
