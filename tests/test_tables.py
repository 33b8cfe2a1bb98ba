"""One flattener: ``run --csv``, ``export`` (from a ledger) and ``to_frames`` write the same tables, with
the printed precision, a ``form_id`` key on every table, and ``duplicate_of`` on a form read twice."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import extract
from extract.cli import app
from extract.ingest.export import write_tables
from extract.records.codec import dumps, from_dict, loads, to_dict, to_json
from extract.records.dictionary import tables as dictionary_tables
from extract.records.tables import RECORD_TABLES

from .conftest import SAMPLES

FILES = [
    "jinzhong-2021-justice-bureau.pdf",  # department form, 万元, amounts in its narrative
    "yinchuan-2021-no6-middle-school-funds.pdf",  # project form
    "guichi-2022-project-bundle.pdf",  # six project forms in one file, one of them the chizhou form
    "chizhou-2022-village-funds.pdf",  # the same form again, alone: a duplicate
]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("in")
    for name in FILES:
        shutil.copy(SAMPLES / name, folder / name)
    return [folder / name for name in FILES]


def _csvs(folder: Path) -> dict[str, bytes]:
    return {name: (folder / f"{name}.csv").read_bytes() for name in RECORD_TABLES}


def test_run_export_and_to_frames_write_the_same_tables(inputs: list[Path], tmp_path: Path) -> None:
    runner = CliRunner()
    # run, with the files in another order than the ledger keeps them
    r = runner.invoke(app, ["run", *map(str, reversed(inputs)), "--csv", str(tmp_path / "run")])
    assert r.exit_code in (0, 1), r.stderr
    db = tmp_path / "l.sqlite"
    i = runner.invoke(app, ["ingest", str(inputs[0].parent), "--db", str(db), "--workers", "1"])
    assert i.exit_code in (0, 1), i.stderr
    e = runner.invoke(app, ["export", "--db", str(db), "--to", str(tmp_path / "export")])
    assert e.exit_code == 0, e.stderr
    frames = extract.to_frames([rec for f in inputs for rec in extract.read_pdf(f)])
    write_tables(frames, tmp_path / "frames", "csv")

    run, exported, framed = _csvs(tmp_path / "run"), _csvs(tmp_path / "export"), _csvs(tmp_path / "frames")
    assert run == exported == framed  # byte for byte, every table
    forms = pd.read_csv(tmp_path / "run" / "forms.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(forms) == 9  # 1 + 1 + 6 + 1
    jz = forms[forms["name"] == "晋中市司法局"].iloc[0]
    # printed precision: 965.40 stays 965.40, 0.00 stays 0.00; a year is 2021, never 2021.0
    assert (jz["budget.initial_budget"], jz["budget.other_adjustment"], jz["fiscal_year"]) == ("965.40", "0.00", "2021")
    # every table keyed by form_id, every key a form
    for name in RECORD_TABLES:
        table = pd.read_csv(tmp_path / "run" / f"{name}.csv", encoding="utf-8-sig", dtype=str)
        assert list(table.columns) == [c.name for c in dictionary_tables()[name]]  # the documented columns
        assert set(table["form_id"]) <= set(forms["form_id"])
    # the chizhou form is in the bundle and alone: counted once
    village = forms[forms["name"] == "村级补助及运转经费"]
    assert len(village) == 2 and (village["duplicate_of"] == "").sum() == 1
    kept = village[village["duplicate_of"] == ""]["form_id"].item()
    assert set(village["duplicate_of"]) == {"", kept}
    # the data dictionary labels every column in Chinese
    dictionary = pd.read_csv(tmp_path / "run" / "dictionary.csv", encoding="utf-8-sig", dtype=str)
    assert dictionary["label"].notna().all()
    assert len(dictionary) == sum(len(dictionary_tables()[t]) for t in RECORD_TABLES)


def test_a_parquet_round_trip_keeps_exact_decimals(tmp_path: Path) -> None:
    records = extract.read_pdf(SAMPLES / "jinzhong-2021-justice-bureau.pdf")
    frames = extract.to_frames(records)
    write_tables(frames, tmp_path, "parquet")
    back = pd.read_parquet(tmp_path / "forms.parquet")
    for col in ("budget.execution", "budget.initial_budget", "executed", "score_total"):
        got, want = back.loc[0, col], frames["forms"].loc[0, col]
        assert isinstance(got, Decimal) and got == want
    amounts = pd.read_parquet(tmp_path / "amounts.parquet")
    assert Decimal("10502980.56") in set(amounts["amount"])
    assert str(amounts["amount"].sum()) == str(sum(frames["amounts"]["amount"], Decimal(0)))  # no 0.000000001


def test_json_money_is_printed_as_read_and_reads_back_exact() -> None:
    record = extract.read_pdf(SAMPLES / "jinzhong-2021-justice-bureau.pdf")[0]
    text = to_json(record)
    assert '"initial_budget": 965.40' in text and '"other_adjustment": 0.00' in text
    assert '"amount": 10502980.56' in text
    back = loads(text)
    assert back["budget"]["initial_budget"] == Decimal("965.40") and str(back["budget"]["initial_budget"]) == "965.40"
    assert from_dict(back) == record and to_dict(from_dict(back)) == to_dict(record)


def test_dumps_cannot_be_fooled_by_text_that_looks_like_its_marks() -> None:
    hostile = {"a": "\x00deadbeefdeadbeef:1.5", "b": Decimal("2.50"), "c": ['"', "\\"], "d": Decimal("-0.00")}
    assert dumps(hostile) == '{"a": "\\u0000deadbeefdeadbeef:1.5", "b": 2.50, "c": ["\\"", "\\\\"], "d": -0.00}'
    assert loads(dumps(hostile))["a"] == hostile["a"]


def test_the_data_dictionary_document_is_the_code_s() -> None:
    from extract.records.dictionary import markdown

    from .conftest import ROOT

    committed = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == markdown(), "regenerate: python -m extract.records.dictionary > docs/data-dictionary.md"
    for table, columns in dictionary_tables().items():  # every column has its Chinese label
        assert all(c.label and c.type in {"text", "int", "bool", "money", "number", "real", "time"} for c in columns)
        assert f"## {table}" in committed
