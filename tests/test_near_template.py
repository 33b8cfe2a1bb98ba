"""A form read with the nearest template: what that template does not find is in doubt, not a gap.

``near-template-project.pdf`` is development layout project-109 (``python -m samples.variants render --kinds
project --seeds 109``): the Xiangyang form's content (titled 财政项目绩效自评表, Hubei's title) in the national
layout — no 项目类别, its indicator header 年度指标值, its total row 总分 | 100 | 97. No template is its own; the
Hubei template is the nearest and reads its set total from 总分（100分）, which this form does not print, and its
funds block from rows this one lays out otherwise. That reading left 总分's 100 and the funds block's set score
20 blank as gaps the form leaves — passed as not printed, the record's only sign a ``template`` entry in review.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import extract
from extract.model import Record

from .truth import load_truth, score

DATA = Path(__file__).parent / "data"
PDF = DATA / "near-template-project.pdf"


@pytest.fixture(scope="module")
def record() -> Record:
    (rec,) = extract.read_pdf(PDF)
    return rec


def test_no_figure_of_the_form_passes_as_not_printed(record: Record) -> None:
    result = score(load_truth(PDF), record)
    assert not result.blank, result.blank
    assert not result.silent, result.silent
    assert "template" in record.review  # read by no template of its own: said so


def test_the_set_total_is_read_or_in_review(record: Record) -> None:
    assert record.score is not None
    assert record.score.total_set is not None or "score.total_set" in record.review
    assert "score.total_set" not in record.gaps
