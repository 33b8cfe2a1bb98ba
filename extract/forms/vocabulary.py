"""The domain vocabulary (``schemas/vocabulary.yaml``): labels and their synonyms by context, the
indicator columns every template reads, level-1 group names, and the words that are labels, never values.

Loaded once, validated against ``schemas/vocabulary.schema.json``; a problem is a ``TemplateError``
naming the file and the key path.
"""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import regex

from extract.errors import TemplateError
from extract.schemas import SCHEMAS_DIR

VOCABULARY_FILE = SCHEMAS_DIR / "vocabulary.yaml"
CONTEXTS = ("titles", "header", "blocks", "funds_rows", "funds_columns", "indicator_columns")


def norm(text: str) -> str:
    """Text for label and keyword matching: NFKC, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass(frozen=True, slots=True)
class Vocabulary:
    synonyms: dict[str, tuple[tuple[str, ...], ...]]  # context -> groups of norm-ed labels
    indicator_columns: dict[str, tuple[str, ...]]  # column name -> norm-ed labels (expanded)
    level1_names: frozenset[str]
    labels: frozenset[str]  # every label the vocabulary knows (norm-ed)
    patterns: dict[str, regex.Pattern[str]] = dataclasses.field(default_factory=dict)  # header fallbacks
    template_rows: tuple[regex.Pattern[str], ...] = ()  # 指标2, ……: blank rows of the printed template
    level2_names: frozenset[str] = frozenset()
    anchor_fallbacks: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    title_words: regex.Pattern[str] | None = None  # what makes an OCR line a form's title

    def names_title(self, text: str) -> bool:
        """An OCR line (spaces aside) reads as a form's title: ``title_words`` (自评表, 绩效自评表 one character
        off, …绩效目标自评 without 表)."""
        return self.title_words is not None and self.title_words.search("".join(text.split())) is not None

    @property
    def name_characters(self) -> frozenset[str]:
        """Every character of the group names the forms use (level 1 and level 2)."""
        return frozenset("".join(self.level1_names) + "".join(self.level2_names))

    def is_group_name(self, text: str) -> bool:
        """A level-1 or level-2 group name the forms use (产出指标, 服务对象满意度指标), points aside."""
        t = regex.sub(r"[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]$", "", norm(text))
        return t in self.level1_names or t in self.level2_names

    def is_template_row(self, text: str) -> bool:
        t = norm(text)
        return any(p.search(t) for p in self.template_rows)

    def expand(self, context: str, labels: Sequence[str]) -> tuple[str, ...]:
        """``labels`` (norm-ed) followed by the other labels of their synonym groups in ``context``."""
        out = list(dict.fromkeys(labels))
        for group in self.synonyms.get(context, ()):
            if any(lb in group for lb in labels):
                out.extend(g for g in group if g not in out)
        return tuple(out)

    def alternatives(self, keyword: str) -> tuple[str, ...]:
        """A keyword and its synonyms in any context."""
        out = [keyword]
        for groups in self.synonyms.values():
            for group in groups:
                if keyword in group:
                    out.extend(g for g in group if g not in out)
        return tuple(out)

    def is_label(self, text: str) -> bool:
        """The whole text is a label of the forms (``财务负责人``, ``年度目标完成情况``), not a value."""
        t = norm(text).rstrip(":：")
        for suffix in ("(万元)", "(元)", "(分)"):
            t = t.removesuffix(suffix)
        return bool(t) and t in self.labels

    def starts_label(self, text: str) -> bool:
        """The text is a label or the start of one (``财务负责`` of ``财务负责人：``): never a name or value."""
        t = norm(text).rstrip(":：")
        return bool(t) and any(lb.startswith(t) for lb in self.labels)

    def is_level1(self, text: str) -> bool:
        return norm(text) in self.level1_names


def _fail(where: str, message: str, path: Path = VOCABULARY_FILE) -> TemplateError:
    return TemplateError(f"invalid vocabulary at {where or '<top>'}: {message}", path=str(path))


def _validate(data: Any, path: Path) -> None:
    import jsonschema

    schema = json.loads((SCHEMAS_DIR / "vocabulary.schema.json").read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        raise _fail(".".join(str(p) for p in err.absolute_path), err.message, path)


def load_vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TemplateError(f"cannot read vocabulary: {exc}".replace("\n", " "), path=str(path)) from exc
    _validate(data, path)
    synonyms = {
        ctx: tuple(tuple(dict.fromkeys(norm(lb) for lb in group)) for group in data["synonyms"].get(ctx, []))
        for ctx in CONTEXTS
    }
    vocab = Vocabulary(synonyms, {}, frozenset(norm(n) for n in data.get("level1_names", [])), frozenset())
    columns = {
        name: vocab.expand("indicator_columns", tuple(norm(lb) for lb in spec["labels"]))
        for name, spec in data.get("indicator_columns", {}).items()
    }
    labels = {norm(lb) for lb in data.get("labels", [])}
    labels |= {lb for ctx, groups in synonyms.items() if ctx != "titles" for group in groups for lb in group}
    patterns = {}
    for key, pattern in data.get("patterns", {}).items():
        try:
            patterns[key] = regex.compile(pattern)
        except regex.error as exc:
            raise _fail(f"patterns.{key}", f"bad regex: {exc}", path) from exc
    rows = []
    for i, pattern in enumerate(data.get("template_rows", [])):
        try:
            rows.append(regex.compile(pattern))
        except regex.error as exc:
            raise _fail(f"template_rows.{i}", f"bad regex: {exc}", path) from exc
    level2 = frozenset(norm(n) for n in data.get("level2_names", []))
    fallbacks = {k: tuple(norm(x) for x in v) for k, v in data.get("anchor_fallbacks", {}).items()}
    try:
        title = regex.compile(data["title_words"], regex.BESTMATCH) if "title_words" in data else None
    except regex.error as exc:
        raise _fail("title_words", f"bad regex: {exc}", path) from exc
    return Vocabulary(
        synonyms, columns, vocab.level1_names, frozenset(labels), patterns, tuple(rows), level2, fallbacks, title
    )


@cache
def vocabulary() -> Vocabulary:
    return load_vocabulary()
