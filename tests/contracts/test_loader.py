"""Loading: line numbers, ${VAR}, contract <-> asset pairing, columns (DATIVO-DQ105)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dativo_dbt.checks.validate import load_contracts
from dativo_dbt.contracts.contract import check_ids, timestamp_column
from dativo_dbt.core.errors import DativoErrors

ASSET = """
asset:
  name: customers
  schema:
    - {name: id, type: string, required: true}
    - {name: email, type: string}
    - {name: created, type: timestamp}
"""


def messages(exc: pytest.ExceptionInfo[DativoErrors]) -> list[str]:
    return [e.render() for e in exc.value.errors]


def test_errors_name_file_line_field_and_expectation(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write(
        "c.yml",
        """
        data_contract:
          name: customers
          version: "1"
          quality_checks:
            soda:
              checks:
                - name: a
                  type: not_nul
                  column: id
                - name: b
                  type: range
                  column: id
                  min: "ten"
        """,
    )
    with pytest.raises(DativoErrors) as exc:
        load_contracts(write.root, display_root=tmp_path)
    assert messages(exc) == [
        "contracts/c.yml:8: data_contract.quality_checks.soda.checks[0].type: unknown check type "
        "'not_nul' (did you mean `not_null`?); expected one of: regex, uniqueness, duplicate_count, "
        "range, freshness, not_null, missing, accepted_values, invalid, row_count, min, max, avg, sum, stddev",
        "contracts/c.yml:13: data_contract.quality_checks.soda.checks[1].min: expected a number, "
        "got a string ('ten')",
    ]


def test_unknown_key_suggests(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write("c.yml", 'data_contract:\n  name: c\n  version: "1"\n  ownr: me\n')
    with pytest.raises(DativoErrors) as exc:
        load_contracts(write.root, display_root=tmp_path)
    (msg,) = messages(exc)
    assert msg.startswith(
        "contracts/c.yml:4: data_contract.ownr: unknown key `ownr` (did you mean `owner`?)"
    )


def test_env_vars(write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    write(
        "c.yml",
        """
        data_contract:
          name: c
          version: "1"
          violation_handling:
            quarantine:
              enabled: true
              s3_bucket: "${BUCKET_X}"
              s3_prefix: "q/${TENANT_X:-acme}/"
        """,
    )
    monkeypatch.delenv("BUCKET_X", raising=False)
    monkeypatch.delenv("TENANT_X", raising=False)
    with pytest.raises(DativoErrors) as exc:
        load_contracts(write.root, display_root=tmp_path)
    (msg,) = messages(exc)
    assert "contracts/c.yml:7:" in msg and "environment variable BUCKET_X is not set" in msg
    monkeypatch.setenv("BUCKET_X", "my-bucket")
    (item,) = load_contracts(write.root, display_root=tmp_path)
    q = item.contract.violation_handling.quarantine
    assert q is not None and (q.s3_bucket, q.s3_prefix) == ("my-bucket", "q/acme/")


def test_asset_pairing_and_column_check(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write("assets/customers.asset.yml", ASSET)
    write(
        "customers.yml",
        """
        data_contract:
          name: customers
          version: "1"
          asset_ref: assets/customers.asset.yml
          quality_checks:
            soda:
              checks:
                - {name: e, type: regex, column: emial, pattern: "@"}
        """,
    )
    with pytest.raises(DativoErrors) as exc:
        load_contracts(write.root, display_root=tmp_path)
    (msg,) = messages(exc)
    assert msg.startswith(
        "contracts/customers.yml:8: [DATIVO-DQ105] data_contract.quality_checks.soda.checks[0].column"
    )
    assert "(did you mean `email`?)" in msg


def test_asset_found_by_name_without_ref(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write("a.yml", ASSET)
    write(
        "c.yml",
        'data_contract:\n  name: customers\n  version: "1"\n  sla: {freshness: {max_age_hours: 3}}\n',
    )
    (item,) = load_contracts(write.root, display_root=tmp_path)
    assert item.asset is not None and item.asset.name == "customers"
    assert timestamp_column(item, "freshness") == "created"  # the asset's one timestamp column


def test_missing_asset_ref(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write("c.yml", 'data_contract:\n  name: c\n  version: "1"\n  asset_ref: nope.yml\n')
    with pytest.raises(DativoErrors) as exc:
        load_contracts(write.root, display_root=tmp_path)
    assert (
        "contracts/c.yml:4: data_contract.asset_ref: no asset file 'nope.yml'" in messages(exc)[0]
    )


def test_columns_checked_against_catalog(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write(
        "c.yml",
        """
        data_contract:
          name: c
          version: "1"
          model: orders
          quality_checks:
            soda:
              checks:
                - {name: a, type: not_null, column: order_id}
                - {name: b, type: not_null, column: ammount}
        """,
    )
    (tmp_path / "target").mkdir()
    catalog = {
        "nodes": {"model.p.orders": {"columns": {"order_id": {}, "amount": {}}}},
        "sources": {},
    }
    (tmp_path / "target" / "catalog.json").write_text(json.dumps(catalog))
    with pytest.raises(DativoErrors) as exc:
        load_contracts(write.root, project_dir=tmp_path, display_root=tmp_path)
    (msg,) = messages(exc)
    assert msg.startswith("contracts/c.yml:9: [DATIVO-DQ105]")
    assert (
        "column 'ammount' does not exist in dbt model 'orders' (target/catalog.json) (did you mean `amount`?)"
        in msg
    )


def test_ge_check_ids_are_unique(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write(
        "c.yml",
        """
        data_contract:
          name: c
          version: "1"
          quality_checks:
            great_expectations:
              checks:
                - {name: expect_column_values_to_not_be_null, column: a}
                - {name: expect_column_values_to_not_be_null, column: b}
                - {name: expect_column_values_to_be_unique, column: a}
        """,
    )
    (item,) = load_contracts(write.root, display_root=tmp_path)
    assert [cid for cid, *_ in check_ids(item)] == [
        "expect_column_values_to_not_be_null__a",
        "expect_column_values_to_not_be_null__b",
        "expect_column_values_to_be_unique",
    ]


def test_duplicate_check_names(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write(
        "c.yml",
        """
        data_contract:
          name: c
          version: "1"
          quality_checks:
            soda:
              checks:
                - {name: same, type: not_null, column: a}
                - {name: same, type: not_null, column: b}
        """,
    )
    with pytest.raises(DativoErrors) as exc:
        load_contracts(write.root, display_root=tmp_path)
    assert "check name 'same' is used twice" in messages(exc)[0]


def test_all_errors_of_all_files_at_once(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write("a.yml", "data_contract:\n  name: [oops\n")
    write("b.yml", "data_contract:\n  name: b\n  version: 1\n  tier: platinum\n")
    with pytest.raises(DativoErrors) as exc:
        load_contracts(write.root, display_root=tmp_path)
    got = messages(exc)
    assert len(got) == 3
    assert got[0].startswith("contracts/a.yml:") and "invalid YAML" in got[0]
    assert got[1].startswith("contracts/b.yml:3: data_contract.version: expected a string")
    assert got[2].startswith("contracts/b.yml:4: data_contract.tier: unknown value 'platinum'")


def test_columns_checked_against_manifest_when_no_catalog(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Without catalog.json only an enforced contract's column list is complete: an undocumented
    column of a source (or of a model without one) is no error; a model's enforced one is."""
    write(
        "c.yml",
        'data_contract:\n  name: c\n  version: "1"\n  source: shop.orders\n'
        "  quality_checks:\n    soda:\n      checks:\n"
        "        - {name: a, type: not_null, column: order_key}\n",
    )
    write(
        "m.yml",
        'data_contract:\n  name: m\n  version: "1"\n  model: orders\n'
        "  quality_checks:\n    soda:\n      checks:\n"
        "        - {name: a, type: not_null, column: order_key}\n",
    )
    (tmp_path / "target").mkdir()
    documented = {"order_id": {}, "amount": {}}
    model = {"patch_path": "p://models/schema.yml", "columns": documented}
    manifest = {
        "nodes": {"model.p.orders": model},
        "sources": {
            "source.p.shop.orders": {
                "patch_path": None,
                "original_file_path": "models/sources.yml",
                "columns": documented,
            }
        },
    }
    path = tmp_path / "target" / "manifest.json"
    path.write_text(json.dumps(manifest))
    assert len(load_contracts(write.root, project_dir=tmp_path, display_root=tmp_path)) == 2
    model["config"] = {"contract": {"enforced": True}}
    path.write_text(json.dumps(manifest))
    with pytest.raises(DativoErrors) as exc:
        load_contracts(write.root, project_dir=tmp_path, display_root=tmp_path)
    (msg,) = messages(exc)
    assert msg.startswith("contracts/m.yml:")
    assert "[DATIVO-DQ105]" in msg
    assert "does not exist in dbt model 'orders' (target/manifest.json)" in msg
    assert "(did you mean `order_id`?)" in msg


def test_jinja_only_in_check_values(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write(
        "c.yml",
        """
        data_contract:
          name: c
          version: "1"
          owner: "{{ env_var('X') }}"
          quality_checks:
            soda:
              checks:
                - name: "{% if true %}n{% endif %}"
                  type: accepted_values
                  column: a
                  values: ["{{ fine_it_is_escaped }}"]
            custom:
              - {name: k, test: t, arguments: {label: "{# escaped too #}"}}
        """,
    )
    with pytest.raises(DativoErrors) as exc:
        load_contracts(write.root, display_root=tmp_path)
    got = messages(exc)
    assert len(got) == 2
    assert got[0].startswith(
        "contracts/c.yml:4: data_contract.owner: `{{`, `{%` and `{#` are not allowed"
    )
    assert got[1].startswith("contracts/c.yml:8: data_contract.quality_checks.soda.checks[0].name:")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'data_contract:\n  name: a\n  name: b\n  version: "1"\n',
            "contracts/c.yml:3: invalid YAML: duplicate key 'name'",
        ),
        ("- a\n- b\n", "contracts/c.yml:1: (top level): expected a mapping, got a list"),
        ("other: 1\n", "contracts/c.yml:1: other: unknown key `other`"),
        (
            "data_contract:\n  version: '1'\n",
            "contracts/c.yml:1: data_contract.name: missing required key `name`",
        ),
    ],
)
def test_shape_errors(write, tmp_path: Path, text: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    write("c.yml", text)
    with pytest.raises(DativoErrors) as exc:
        load_contracts(write.root, display_root=tmp_path)
    got = messages(exc)
    assert got[0].startswith(expected), got


def test_validate_reports_what_generate_would_refuse(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write(
        "c.yml",
        'data_contract:\n  name: c\n  version: "1"\n  quality_checks:\n    soda:\n      checks:\n'
        '        - {name: p, type: regex, column: a, pattern: "[a-\']"}\n',
    )
    with pytest.raises(DativoErrors) as exc:
        load_contracts(write.root, display_root=tmp_path)
    (msg,) = messages(exc)
    assert msg.startswith(
        "contracts/c.yml:7: data_contract.quality_checks.soda.checks[0]: check 'p'"
    )
    assert "a quote as the end of a character range" in msg
