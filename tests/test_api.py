from __future__ import annotations

from decimal import Decimal

import extract

from .conftest import JINZHONG, SAMPLES


def test_exported_members() -> None:
    assert set(extract.__all__) == {
        "ExitCode",
        "ExtractError",
        "Record",
        "Settings",
        "read_pdf",
        "to_dict",
        "to_frames",
    }
    for name in extract.__all__:
        assert hasattr(extract, name)


def test_read_pdf_and_frames() -> None:
    records = extract.read_pdf(JINZHONG) + extract.read_pdf(SAMPLES / "jinzhong-2022-audit-bureau.pdf")
    assert [r.form.unit_name for r in records] == ["晋中市司法局", "晋中市审计局"]
    frames = extract.to_frames(records)
    assert set(frames) == {"forms", "indicators", "subtotals", "funds_other", "amounts", "checks"}
    forms = frames["forms"]
    assert list(forms["form.fiscal_year"]) == [2021, 2022]
    assert forms.loc[0, "budget.execution"] == Decimal("1121.69")  # exact Decimal, not a float
    assert list(forms["clean"]) == [False, True]
    assert len(frames["indicators"]) == 52 and len(frames["checks"]) == 20  # 10 a form: 8 own + 2 shared
    assert list(frames["checks"]["id"]).count("indicator_families") == 2  # shared: scores_present and this
    fails = frames["checks"][frames["checks"]["status"] == "fail"]
    assert list(fails["id"]) == ["text_expenditure_by_function"]
    assert records[0].clean is False and records[1].clean is True
    assert list(forms["form_id"]) == [f"{r.source.sha256[:16]}p1" for r in records]
    assert set(frames["indicators"]["form_id"]) == set(forms["form_id"])  # a key on every table


def test_to_frames_keeps_the_printed_precision_and_integer_years() -> None:
    forms = extract.to_frames(extract.read_pdf(JINZHONG))["forms"]
    assert str(forms.loc[0, "budget.initial_budget"]) == "965.40"  # as printed, not 965.4
    assert str(forms.loc[0, "budget.other_adjustment"]) == "0.00"
    assert str(forms["form.fiscal_year"].dtype) == "Int64" and forms.loc[0, "fiscal_year"] == 2021
    # the common columns in 万元 beside the printed ones
    assert forms.loc[0, "executed"] == Decimal("1121.69") and forms.loc[0, "unit"] == "万元"
    assert forms.loc[0, "budget"] == Decimal("71.39") + Decimal("965.40") + Decimal("84.90")


def test_to_frames_of_nothing_has_the_columns() -> None:
    frames = extract.to_frames([])
    assert "level3" in frames["indicators"].columns and "status" in frames["checks"].columns
    assert list(frames["forms"].columns) == list(extract.to_frames(extract.read_pdf(JINZHONG))["forms"].columns)
