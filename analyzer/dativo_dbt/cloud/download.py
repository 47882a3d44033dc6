"""Download `manifest.json` and `run_results.json` of a dbt Cloud run (Admin API v2).

    GET {host}/api/v2/accounts/{account_id}/runs/{run_id}/artifacts/{path}[?step=N]
    Authorization: Token {token}

Account id, host and token come from the caller (CLI options) or the environment
(`DBT_CLOUD_ACCOUNT_ID`, `DBT_CLOUD_HOST`, `DBT_CLOUD_API_TOKEN`). Only the standard library is used
(urllib), with a timeout on every request. Files are written to a temporary name and renamed once
complete and valid JSON, so a failed download never leaves a half-written artifact. HTTP 401/403,
404, other HTTP errors, unreachable hosts and non-JSON bodies become a `DativoError` (exit 2); the
token never appears in a message or a repr.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from dativo_dbt.cloud.settings import (
    DEFAULT_HOST,
    DEFAULT_TIMEOUT,
    ENV_ACCOUNT_ID,
    ENV_HOST,
    ENV_TOKEN,
)
from dativo_dbt.core.errors import DativoError

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_TIMEOUT",
    "ENV_ACCOUNT_ID",
    "ENV_HOST",
    "ENV_TOKEN",
    "CloudSettings",
    "cloud_target_dir",
    "download_run_artifacts",
    "resolve_settings",
]

REQUIRED_ARTIFACTS: tuple[str, ...] = ("manifest.json", "run_results.json")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class CloudSettings:
    """Where and how to reach the dbt Cloud Admin API. The token is kept out of repr()."""

    account_id: str
    host: str = DEFAULT_HOST
    token: str = field(default="", repr=False)
    timeout: float = DEFAULT_TIMEOUT

    def artifact_url(self, run_id: str, path: str, step: int | None = None) -> str:
        quoted = urllib.parse.quote(path.lstrip("/"))
        url = f"{self.host}/api/v2/accounts/{self.account_id}/runs/{run_id}/artifacts/{quoted}"
        if step is not None:
            url += "?" + urllib.parse.urlencode({"step": step})
        return url


def _normalise_host(host: str) -> str:
    host = host.strip().rstrip("/")
    if re.search(r"[\s\\\x00-\x1f\x7f]", host):  # never echoed: it may hold a secret
        raise DativoError("dbt Cloud host must not contain whitespace, backslashes or CR/LF")
    if not re.match(r"^https?://", host, re.I):
        host = "https://" + host
    parsed = urllib.parse.urlparse(host)
    if "@" in parsed.netloc:
        raise DativoError("dbt Cloud host must not contain credentials (user:password@)")
    try:
        parsed.port  # noqa: B018 - raises on a port out of range
    except ValueError:
        raise DativoError("dbt Cloud host has an invalid port") from None
    if not parsed.netloc or parsed.query or parsed.fragment:
        raise DativoError(
            f"dbt Cloud host {host!r} is not a valid URL (e.g. https://cloud.getdbt.com)"
        )
    return host


def resolve_settings(
    account_id: str | int | None = None,
    host: str | None = None,
    token: str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> CloudSettings:
    """Settings from explicit values, else the environment; a clear error when one is missing."""
    env = os.environ if env is None else env
    acc = str(account_id if account_id not in (None, "") else env.get(ENV_ACCOUNT_ID, "")).strip()
    tok = (token if token else env.get(ENV_TOKEN, "")).strip()
    hst = (host if host else env.get(ENV_HOST, "")).strip() or DEFAULT_HOST
    if not acc:
        raise DativoError(
            f"dbt Cloud account id missing: pass --dbt-cloud-account-id or set {ENV_ACCOUNT_ID}"
        )
    if not acc.isdigit():
        raise DativoError(f"dbt Cloud account id must be a number, got {acc!r}")
    if not tok:
        raise DativoError(f"dbt Cloud API token missing: pass --dbt-cloud-token or set {ENV_TOKEN}")
    if any(c.isspace() for c in tok):
        raise DativoError(f"dbt Cloud API token contains whitespace; check {ENV_TOKEN}")
    return CloudSettings(account_id=acc, host=_normalise_host(hst), token=tok, timeout=timeout)


def _check_run_id(run_id: str | int) -> str:
    rid = str(run_id).strip()
    if not rid.isdigit():
        raise DativoError(f"dbt Cloud run id must be a number, got {rid!r}")
    return rid


def _api_message(body: bytes) -> str:
    """The `status.user_message` of an Admin API error body, when there is one."""
    try:
        doc = json.loads(body.decode("utf-8", "replace"))
    except ValueError:
        return ""
    status = doc.get("status") if isinstance(doc, dict) else None
    msg = status.get("user_message") if isinstance(status, dict) else None
    return f": {str(msg)[:300]}" if msg else ""


def _fetch(settings: CloudSettings, run_id: str, path: str, dest: Path, step: int | None) -> None:
    url = settings.artifact_url(run_id, path, step)
    shown = url  # the token is a header, never part of the URL
    request = urllib.request.Request(
        url,
        headers={
            "Authorization": f"Token {settings.token}",
            "Accept": "application/json",
            "User-Agent": "dativo-dbt",
        },
    )
    where = f"dbt Cloud run {run_id} (account {settings.account_id})"
    try:
        with urllib.request.urlopen(request, timeout=settings.timeout) as response:
            fd, tmp_name = tempfile.mkstemp(
                dir=dest.parent, prefix=f".{dest.name}.", suffix=".part"
            )
            tmp = Path(tmp_name)
            try:
                with os.fdopen(fd, "wb") as out:
                    shutil.copyfileobj(response, out, _CHUNK)
                _check_json(tmp, path, where)
                tmp.replace(dest)
            finally:
                tmp.unlink(missing_ok=True)
    except urllib.error.HTTPError as exc:
        body = exc.read() if exc.fp is not None else b""
        detail = _api_message(body)
        if exc.code in (401, 403):
            raise DativoError(
                f"dbt Cloud rejected the API token (HTTP {exc.code}{detail}) for {where}; "
                f"check --dbt-cloud-token / {ENV_TOKEN} and that it may read this account's runs",
                path=shown,
            ) from None
        if exc.code == 404:
            raise DativoError(
                f"{path} not found for {where} (HTTP 404{detail}); check the run id, account id and "
                "host, and that the run finished and produced artifacts",
                path=shown,
            ) from None
        raise DativoError(
            f"dbt Cloud answered HTTP {exc.code}{detail} for {where}", path=shown
        ) from None
    except urllib.error.URLError as exc:
        raise DativoError(
            f"cannot reach dbt Cloud at {settings.host}: {exc.reason}", path=shown
        ) from None
    except TimeoutError:
        raise DativoError(
            f"dbt Cloud did not answer within {settings.timeout:g}s for {path} of {where}",
            path=shown,
        ) from None


def _check_json(tmp: Path, path: str, where: str) -> None:
    try:
        with tmp.open("rb") as fh:
            doc = json.load(fh)
    except ValueError:
        raise DativoError(f"{path} of {where} is not valid JSON (truncated download?)") from None
    if not isinstance(doc, dict) or "metadata" not in doc:
        raise DativoError(f"{path} of {where} is not a dbt artifact (no 'metadata')")


def download_run_artifacts(
    run_id: str | int,
    settings: CloudSettings,
    dest: str | Path,
    *,
    artifacts: Sequence[str] = REQUIRED_ARTIFACTS,
    step: int | None = None,
) -> Path:
    """Download `artifacts` of dbt Cloud run `run_id` into directory `dest` (created); returns it."""
    rid = _check_run_id(run_id)
    target = Path(dest)
    target.mkdir(parents=True, exist_ok=True)
    for name in artifacts:
        _fetch(settings, rid, name, target / name, step)
    return target


@contextmanager
def cloud_target_dir(
    run_id: str | int,
    settings: CloudSettings,
    *,
    step: int | None = None,
    artifacts: Sequence[str] = REQUIRED_ARTIFACTS,
) -> Iterator[Path]:
    """A temporary target directory holding the run's artifacts, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=f"dativo-dbt-cloud-{_check_run_id(run_id)}-") as tmp:
        yield download_run_artifacts(
            run_id, settings, Path(tmp) / "target", artifacts=artifacts, step=step
        )
