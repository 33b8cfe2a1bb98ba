"""Forms fitted on one sheet, their print 3 points tall, scanned: refused as small print when their lines
are detected on the page reduced by half (as every page is first), read again with the lines detected at
full size (``pipeline._read_finer``).

The sources are generated layouts (``python -m samples.variants render --kinds department --seeds 1081,881``,
each fitted to one sheet by its print setup: 3.1-pt and 1.5-pt print), through the independent scan
simulator with the recipes of development scans department-1081 (seed 1080, 300 dpi, grey, skewed 2°) and
department-881 (seed 860, 300 dpi): both were refused ("its indicator table did not read whole"), 0 of 98
numbers kept. (A third, project-1088 at 200 dpi, refused so in the same round, reads at the first reading
once stacked names read past dust and grey print.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .truth import is_numeric_path, score

DATA = Path(__file__).parent / "data"
SCANS = {  # source -> (the simulator's seed, dpi, template, share of the numbers read exactly at least)
    "fitted-department": (1080, 300, "dept-overall-shanxi", 0.9),  # 96 of 98
    "fitted-department-2": (860, 300, "dept-overall-shanxi", 0.9),  # 1.5-pt print: 91 of 98
}
SOURCE_NAMES = {"fitted-department": "department-1081", "fitted-department-2": "department-881"}


@pytest.fixture(scope="module", params=sorted(SCANS))
def scan(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    from samples.scansim.recipe import draw_recipe
    from samples.scansim.simulate import apply_recipe

    name: str = request.param
    seed, dpi, _, _ = SCANS[name]
    out = tmp_path_factory.mktemp("fitted") / f"{name}.pdf"
    recipe = draw_recipe(seed, 1, source=SOURCE_NAMES[name], dpi=dpi)
    out.write_bytes(apply_recipe(DATA / f"{name}.pdf", recipe).pdf)
    return name, out


def test_small_print_refused_at_half_size_is_read_with_its_lines_detected_at_full_size(scan: tuple[str, Path]) -> None:
    """The first reading keeps no record (the page's print is small and its table did not read whole); the
    file's reading does, from the page read again, with nothing silently wrong and a warning saying so."""
    from extract.pipeline import _kept_records, analyse, extract_document

    name, pdf = scan
    _, _, template, share = SCANS[name]
    first, refused, _ = _kept_records(analyse(str(pdf)))
    assert not first and 1 in refused  # what the reduced page's lines read is refused

    doc = extract_document(str(pdf))
    (rec,) = doc.records
    assert rec.template == template
    assert any(w.startswith("p1: read, though its print is small") for w in doc.warnings), doc.warnings
    truth = json.loads((DATA / f"{name}.truth.json").read_text(encoding="utf-8"))
    result = score(truth, rec)
    assert not result.silent and not result.blank, (result.silent, result.blank)
    numbers = [p for p in truth["fields"] if is_numeric_path(p) and p != "score.grade"]
    wrong = {w.split(":", 1)[0] for w in result.wrong}
    exact = [p for p in numbers if p not in wrong]
    assert len(exact) >= share * len(numbers), (len(exact), len(numbers))
