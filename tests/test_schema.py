"""The committed JSON Schema is the model's, and every params file points at it."""

from __future__ import annotations

import json

from reportkit.model.schema import params_schema, schema_text

from .conftest import REPO

SCHEMA = REPO / "schema" / "params.schema.json"


def test_committed_schema_matches_the_model() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == schema_text(), (
        "schema/params.schema.json is stale: run `reportkit schema -o schema/params.schema.json`"
    )


def test_schema_rejects_unknown_keys_and_knows_every_section() -> None:
    schema = params_schema()
    assert schema["additionalProperties"] is False
    assert {
        "agency",
        "year",
        "overview",
        "proactive",
        "problems",
        "other_matters",
    } <= set(schema["required"])
    # 表三/表四: typed, or computed from the file a params file references
    assert {"anyOf": [{"required": ["requests"]}, {"required": ["ledger"]}]} in schema["allOf"]
    assert {
        "anyOf": [{"required": ["review_litigation"]}, {"required": ["case_register"]}]
    } in schema["allOf"]
    json.dumps(schema)


def test_every_params_file_references_the_schema() -> None:
    files = sorted((REPO / "params").glob("*/*.yaml"))
    assert files
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        ref = first.split("=", 1)[1]
        assert (path.parent / ref).resolve() == SCHEMA.resolve(), path


def test_schema_validates_the_seed_with_a_json_schema_validator() -> None:
    jsonschema = __import__("pytest").importorskip("jsonschema")
    import yaml

    data = yaml.safe_load((REPO / "params/xigong-education/2024.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_schema_takes_a_ledger_instead_of_a_typed_table() -> None:
    jsonschema = __import__("pytest").importorskip("jsonschema")
    import yaml

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    data = yaml.safe_load((REPO / "params/xigong-education/2024.yaml").read_text(encoding="utf-8"))
    requests = data.pop("requests")
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    assert errors, "a file with neither requests nor ledger must not validate"
    for ledger in ("台账.xlsx", {"file": "台账.xlsx", "sheet": "2024年"}):
        jsonschema.validate({**data, "ledger": ledger}, schema)
        jsonschema.validate({**data, "ledger": ledger, "requests": requests}, schema)
    with __import__("pytest").raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "ledger": {"sheet": "x"}}, schema)
