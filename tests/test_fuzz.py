"""Damaged copies of clean samples (fixed seeds, bounded time): never a traceback, one stderr line per file
that cannot be read, and no damaged form passed as clean — a copy is either refused, flagged, or read
exactly as the undamaged form."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

import extract
from extract.cli import app
from extract.records.codec import dumps, loads

from .conftest import SAMPLES

runner = CliRunner()
CLEAN = ("jinzhong-2022-audit-bureau", "sichuan-2022-rural-roads")
VOLATILE = ("source", "provenance")


def damaged_copies(stem: str, folder: Path, seed: int) -> list[Path]:
    data = (SAMPLES / f"{stem}.pdf").read_bytes()
    rng = random.Random(f"{stem}-{seed}")
    out = []
    for i in range(10):  # 1-5 flipped bits anywhere
        b = bytearray(data)
        for _ in range(rng.randint(1, 5)):
            k = rng.randrange(len(b))
            b[k] ^= 1 << rng.randrange(8)
        out.append(folder / f"{stem}-flip{i}.pdf")
        out[-1].write_bytes(bytes(b))
    for i in range(4):  # cut short
        out.append(folder / f"{stem}-cut{i}.pdf")
        out[-1].write_bytes(data[: rng.randrange(len(data) // 10, len(data) - 10)])
    return out


def stable(record: dict) -> dict:
    return {k: v for k, v in record.items() if k not in VOLATILE}


@pytest.mark.parametrize(("stem", "seed"), [(stem, seed) for stem in CLEAN for seed in (9, 10, 11, 12)])
def test_damaged_copies_are_refused_flagged_or_read_exactly(stem: str, seed: int, tmp_path: Path) -> None:
    (original,) = extract.read_pdf(SAMPLES / f"{stem}.pdf")
    assert original.clean
    want = stable(loads(dumps(extract.to_dict(original))))
    files = damaged_copies(stem, tmp_path, seed)
    r = runner.invoke(app, ["run", "-q", *map(str, files)])
    assert "Traceback" not in r.output
    errors = r.stderr.strip().splitlines()
    refused = {line.split(": ")[0].split(" p")[0] for line in errors}
    assert len(errors) == len(refused), errors  # one line per file
    assert refused <= {str(f) for f in files}, errors  # nothing but the one line: no library chatter
    # a damaged copy of a form is refused as damaged, never filed as "not a form"
    assert not [e for e in errors if "no known form" in e or "matches no template" in e], errors
    by_file: dict[str, list[dict]] = {}
    for line in r.stdout.splitlines():
        rec = loads(line)
        by_file.setdefault(rec["source"]["path"], []).append(rec)
    for f in files:
        records = by_file.get(str(f), [])
        if str(f) in refused and not records:
            continue
        for rec in records:
            silently_changed = not rec["review"] and not any(c["status"] == "fail" for c in rec["checks"])
            if silently_changed:
                assert stable(rec) == want, f"{f.name}: a damaged copy read differently, and passed as clean"
