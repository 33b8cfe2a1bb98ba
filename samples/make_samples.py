"""Render the sample forms in samples/ from the data files in samples/data/.

Each ``samples/data/<stem>.yaml`` describes one form. Its top-level ``kind`` (default ``shanxi-dept``) names
the builder: the module ``samples/forms/<kind with - as _>.py``, which exposes
``build(data: dict, stem: str) -> openpyxl.Workbook`` and optionally
``check(pdf_path: Path, data: dict) -> list[str]`` (problems; empty when the PDF is as intended). The form is
made the way real ones are: written as an .xlsx with openpyxl, then printed to PDF by LibreOffice headless.
The PDF's date and ID are then made reproducible, and the result is checked with the builder's ``check``.
The data formats are described in samples/README.md. A builder may instead expose
``render(data: dict, stem: str, workdir: Path) -> (pdf bytes, [xlsx paths])``: kind ``document`` does, to print
several workbooks and join them into one composite PDF.

Usage: python samples/make_samples.py [STEM ...] [--keep-xlsx] [--no-check]
   or: python -m samples.make_samples [STEM ...]
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

SAMPLES_DIR = Path(__file__).resolve().parent
DATA_DIR = SAMPLES_DIR / "data"
DEFAULT_KIND = "shanxi-dept"

if str(SAMPLES_DIR.parent) not in sys.path:  # run as a script: make the package samples.forms importable
    sys.path.insert(0, str(SAMPLES_DIR.parent))

common = importlib.import_module("samples.forms.common")


def builder(kind: str) -> ModuleType:
    """The builder module of ``kind``."""
    name = kind.replace("-", "_")
    if not name.isidentifier() or not (SAMPLES_DIR / "forms" / f"{name}.py").exists():
        raise common.DataError(f"unknown kind {kind!r}: no samples/forms/{name}.py")
    return importlib.import_module(f"samples.forms.{name}")


def load(stem: str) -> dict[str, Any]:
    path = DATA_DIR / f"{stem}.yaml"
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise common.DataError(f"{path}: top level: expected a mapping")
    return data


def render(stem: str, data: dict[str, Any], workdir: Path, *, keep_xlsx: bool) -> Path:
    module = builder(str(data.get("kind", DEFAULT_KIND)))
    if hasattr(module, "render"):  # a composite (kind document): several workbooks printed and joined
        joined, workbooks = module.render(data, stem, workdir)
        target = SAMPLES_DIR / f"{stem}.pdf"
        target.write_bytes(joined)
        for xlsx in workbooks if keep_xlsx else []:
            shutil.copy(xlsx, SAMPLES_DIR / xlsx.name)
        return target
    xlsx = workdir / f"{stem}.xlsx"
    module.build(data, stem).save(xlsx)
    pdf = common.print_to_pdf(xlsx, workdir)
    target = SAMPLES_DIR / f"{stem}.pdf"
    target.write_bytes(common.make_reproducible(pdf.read_bytes(), stem))
    if keep_xlsx:
        shutil.copy(xlsx, SAMPLES_DIR / xlsx.name)
    return target


def check(pdf: Path, data: dict[str, Any]) -> list[str]:
    checker: Callable[[Path, dict[str, Any]], list[str]] | None = getattr(
        builder(str(data.get("kind", DEFAULT_KIND))), "check", None
    )
    return [] if checker is None else checker(pdf, data)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("stems", nargs="*", help="data file stems (default: all in samples/data)")
    parser.add_argument("--keep-xlsx", action="store_true", help="also keep the .xlsx next to the PDF")
    parser.add_argument("--no-check", action="store_true", help="skip the pdfplumber checks")
    args = parser.parse_args(argv)
    stems = args.stems or sorted(p.stem for p in DATA_DIR.glob("*.yaml"))
    failed = False
    with tempfile.TemporaryDirectory(prefix="make-samples-") as tmp:
        for stem in stems:
            if not (DATA_DIR / f"{stem}.yaml").exists():
                print(f"{stem}: no data file {DATA_DIR / f'{stem}.yaml'}", file=sys.stderr)
                return 2
            try:
                data = load(stem)
                pdf = render(stem, data, Path(tmp), keep_xlsx=args.keep_xlsx)
                problems = [] if args.no_check else check(pdf, data)
            except common.DataError as exc:
                print(exc, file=sys.stderr)
                return 2
            for problem in problems:
                print(f"{pdf.name}: {problem}", file=sys.stderr)
            failed |= bool(problems)
            print(f"{pdf.relative_to(SAMPLES_DIR.parent)}: {pdf.stat().st_size} bytes")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
