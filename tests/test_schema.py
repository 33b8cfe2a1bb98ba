from __future__ import annotations

from pathlib import Path

import jsonschema

from extract.records.codec import loads
from extract.records.schema import record_schema, record_schema_json

ROOT = Path(__file__).resolve().parent.parent


def test_committed_schema_matches_the_code() -> None:
    committed = (ROOT / "schemas" / "record.schema.json").read_text(encoding="utf-8")
    assert committed.strip() == record_schema_json().strip(), "regenerate: extract schema -o schemas/record.schema.json"


def test_schema_is_valid_and_names_the_contract_fields() -> None:
    schema = record_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert set(schema["required"]) >= {"source", "template", "form", "checks", "provenance", "review"}
    budget = schema["$defs"]["Budget"]["properties"]
    assert set(budget) >= {
        "carryover",
        "initial_budget",
        "budget_adjustment",
        "other_adjustment",
        "execution",
        "year_end_balance",
    }
    ind = schema["$defs"]["Indicator"]["properties"]
    assert set(ind) >= {"level1", "level2", "level3", "reference_score", "set_score", "score", "analysis"}


def test_reference_record_fields_exist_in_schema() -> None:
    """Every key of the shared reference record is a field of our record (names are a contract)."""
    ref = loads((ROOT / "tests/reference/jinzhong-2021-justice-bureau.record.json").read_text("utf-8"))
    schema = record_schema()

    def walk(data: object, node: dict, where: str) -> None:
        while "$ref" in node or "anyOf" in node:
            node = (
                schema["$defs"][node["$ref"].split("/")[-1]]
                if "$ref" in node
                else next(n for n in node["anyOf"] if n.get("type") != "null")
            )
        if isinstance(data, dict) and "properties" in node:
            for k, v in data.items():
                assert k in node["properties"], f"{where}.{k} missing from the record model"
                walk(v, node["properties"][k], f"{where}.{k}")
        elif isinstance(data, dict) and "additionalProperties" in node:
            for k, v in data.items():
                walk(v, node["additionalProperties"], f"{where}.{k}")
        elif isinstance(data, list) and "items" in node:
            for v in data:
                walk(v, node["items"], where + "[]")

    walk(ref, schema, "record")
