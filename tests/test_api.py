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
    assert set(frames) == {"forms", "indicators", "checks"}
    forms = frames["forms"]
    assert list(forms["form.fiscal_year"]) == [2021, 2022]
    assert forms.loc[0, "budget.execution"] == Decimal("1121.69")  # exact Decimal, not a float
    assert list(forms["clean"]) == [False, True]
    assert len(frames["indicators"]) == 52 and len(frames["checks"]) == 18  # 9 a form: 8 own + scores_present (shared)
    fails = frames["checks"][frames["checks"]["status"] == "fail"]
    assert list(fails["id"]) == ["text_expenditure_by_function"]
    assert records[0].clean is False and records[1].clean is True


def test_to_frames_of_nothing_has_the_columns() -> None:
    frames = extract.to_frames([])
    assert "level3" in frames["indicators"].columns and "status" in frames["checks"].columns
