"""Every numeric option of every command is finite and bounded: out-of-range values are exit 2
with one line naming the option, before any work is done."""

from __future__ import annotations

import math
from pathlib import Path

import click
import pytest
from dativo_dbt.cli.bounds import MAX_COUNT, BoundedFloat, BoundedInt, count, timeout

from tests.helpers.inproc import run_main

HUGE = "9" * 400

CASES = [
    (["score", "--fail-under", "nan"], "--fail-under"),
    (["score", "--fail-under", "inf"], "--fail-under"),
    (["score", "--fail-under", "-inf"], "--fail-under"),
    (["score", "--fail-under", "-1"], "--fail-under"),
    (["score", "--fail-under", "101"], "--fail-under"),
    (["score", "--fail-under", "1e400"], "--fail-under"),
    (["gate", "--fail-under", "NaN"], "--fail-under"),
    (["score", "--limit", "-1"], "--limit"),
    (["score", "--limit", HUGE], "--limit"),
    (["score", "--limit", str(MAX_COUNT + 1)], "--limit"),
    (["gate", "--limit", "-5"], "--limit"),
    (["history", "--last", "0"], "--last"),
    (["history", "--last", "-3"], "--last"),
    (["history", "--last", HUGE], "--last"),
    (["report", "--last", "0"], "--last"),
    (["report", "--sample-rows", "0"], "--sample-rows"),
    (["report", "--sample-rows", "1001"], "--sample-rows"),
    (["quarantine", "show", "qb_x", "--rows", "-1"], "--rows"),
    (["quarantine", "show", "qb_x", "--rows", HUGE], "--rows"),
    (["score", "--dbt-cloud-run", "0"], "--dbt-cloud-run"),
    (["score", "--dbt-cloud-run", str(2**63)], "--dbt-cloud-run"),
    (["score", "--dbt-cloud-account-id", "-1"], "--dbt-cloud-account-id"),
    (["score", "--dbt-cloud-step", "0"], "--dbt-cloud-step"),
    (["score", "--dbt-cloud-timeout", "nan"], "--dbt-cloud-timeout"),
    (["score", "--dbt-cloud-timeout", "inf"], "--dbt-cloud-timeout"),
    (["score", "--dbt-cloud-timeout", "0"], "--dbt-cloud-timeout"),
]


@pytest.mark.parametrize(("args", "option"), CASES)
def test_out_of_range_numbers_are_one_line_exit_2(
    tmp_path: Path, args: list[str], option: str
) -> None:
    ran = run_main(*args, cwd=tmp_path)
    assert ran.code == 2, ran.stdout + ran.stderr
    assert len(ran.error_lines) == 1, ran.stderr
    line = ran.error_lines[0]
    assert line.startswith(f"error: Invalid value for '{option}'"), line
    assert "--help" in line and "Traceback" not in ran.stderr
    assert list(tmp_path.iterdir()) == []  # nothing was started


def test_bounded_types_accept_the_range_and_refuse_outside() -> None:
    pct = BoundedFloat(0, 100)
    assert pct.convert("0", None, None) == 0 and pct.convert("100", None, None) == 100
    assert pct.convert(42.5, None, None) == 42.5
    for bad in ("nan", math.nan, "inf", -0.5, "100.0001"):
        with pytest.raises(click.BadParameter):
            pct.convert(bad, None, None)
    seconds = timeout()
    with pytest.raises(click.BadParameter):
        seconds.convert("0", None, None)
    assert seconds.convert("0.5", None, None) == 0.5
    rows = count()
    assert isinstance(rows, BoundedInt)
    assert (
        rows.convert("0", None, None) == 0 and rows.convert(str(MAX_COUNT), None, None) == MAX_COUNT
    )
    with pytest.raises(click.BadParameter):
        rows.convert("-1", None, None)


@pytest.mark.parametrize(
    ("host", "fragment"),
    [
        ("http://127.0.0.1:9/a b", "whitespace"),
        ("http://127.0.0.1:9/a\r\nX: pw-SECRET", "CR/LF"),
        ("http://user:pw-SECRET@127.0.0.1:9/", "credentials"),
        ("http://127.0.0.1:99999", "invalid port"),
    ],
)
def test_bad_dbt_cloud_host_is_one_line_without_secret(
    tmp_path: Path, host: str, fragment: str
) -> None:
    ran = run_main(
        "score",
        "--dbt-cloud-run",
        "1",
        "--dbt-cloud-account-id",
        "1",
        "--dbt-cloud-host",
        host,
        env={"DBT_CLOUD_API_TOKEN": "tok-SECRET-123"},
        cwd=tmp_path,
    )
    assert ran.code == 2 and len(ran.error_lines) == 1, ran.stderr
    assert fragment in ran.error_lines[0]
    assert "SECRET" not in ran.stdout + ran.stderr and "Traceback" not in ran.stderr
