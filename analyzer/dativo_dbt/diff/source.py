"""One side of a diff: the contracts of a directory, or of a git ref (`git archive` to a temp dir).

The git form is bounded: the ref must resolve to a commit, only the contracts directory is
archived, the archive is size-capped and extracted with tarfile's `data` filter (no links or
paths outside the temp directory), and every git call has a timeout.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dativo_dbt.checks.validate import load_contracts
from dativo_dbt.contracts.contract import Contract
from dativo_dbt.core.errors import DativoError, DativoErrors

GIT_TIMEOUT_S = 60
MAX_ARCHIVE_BYTES = 64 * 1024 * 1024
_REF_RE = re.compile(r"^[A-Za-z0-9_./@^~{}+-]+$")


@dataclass
class Side:
    """The contracts of one version and how to name it (`contracts/`, `main:contracts/`)."""

    label: str
    contracts: list[Contract]


def load_side(directory: Path, *, label: str | None = None) -> Side:
    """The contracts under `directory` (exit 2 on an invalid contract, naming the file)."""
    contracts = load_contracts(directory, display_root=Path.cwd())
    return Side(label or _display(directory), contracts)


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path, Path.cwd())
    except ValueError:
        return str(path)


@contextmanager
def git_side(directory: Path, ref: str) -> Iterator[Side]:
    """The contracts under `directory` as of git `ref` (a temp copy, removed on exit)."""
    if not _REF_RE.match(ref) or ref.startswith("-"):
        raise DativoError(f"--base: {ref!r} is not a git ref")
    if not directory.is_dir():
        raise DativoError(f"no contracts directory at {directory}", path=directory)
    top = Path(_git(directory, "rev-parse", "--show-toplevel").strip())
    rel = directory.resolve().relative_to(top.resolve()).as_posix()
    sha = _git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip()
    label = f"{ref}:{rel}"
    with tempfile.TemporaryDirectory(prefix="dativo-diff-") as tmp:
        root = Path(tmp)
        if _git(top, "ls-tree", "-d", "--name-only", sha, "--", rel).strip():
            _extract(_git_bytes(top, "archive", "--format=tar", sha, "--", rel), root)
            contracts = _load_prefixed(root, root / rel, ref)
        else:
            contracts = []  # the directory did not exist at `ref`: every contract is new
        yield Side(label, contracts)


def _load_prefixed(root: Path, directory: Path, ref: str) -> list[Contract]:
    """Load a temp copy; file names read `ref:contracts/x.yml` in results and in errors."""
    try:
        contracts = load_contracts(directory, display_root=root)
    except DativoErrors as exc:
        for err in exc.errors:
            err.path = f"{ref}:{err.path}" if err.path else err.path
        raise DativoErrors(exc.errors) from None
    except DativoError as exc:
        raise DativoError(exc.message, path=f"{ref}:{exc.path}", line=exc.line) from None
    for item in contracts:
        item.display = f"{ref}:{item.display}"
        if item.asset_display:
            item.asset_display = f"{ref}:{item.asset_display}"
    return contracts


def _extract(data: bytes, root: Path) -> None:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
        tar.extractall(root, filter="data")


def _git(cwd: Path, *args: str) -> str:
    return _git_bytes(cwd, *args).decode("utf-8", errors="replace")


def _git_bytes(cwd: Path, *args: str) -> bytes:
    cmd = ["git", "-C", str(cwd), *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=GIT_TIMEOUT_S, check=False)
    except FileNotFoundError:
        raise DativoError("--base needs git on PATH") from None
    except subprocess.TimeoutExpired:
        raise DativoError(f"git {args[0]} took longer than {GIT_TIMEOUT_S} s") from None
    if proc.returncode != 0:
        why = proc.stderr.decode("utf-8", errors="replace").strip().splitlines()
        detail = why[-1] if why else f"exit code {proc.returncode}"
        if args[:2] == ("rev-parse", "--verify"):
            detail = "no such commit"
        raise DativoError(f"git {args[0]} failed: {detail}", path=cwd)
    if len(proc.stdout) > MAX_ARCHIVE_BYTES:
        raise DativoError(f"git {args[0]}: output larger than {MAX_ARCHIVE_BYTES} bytes")
    return proc.stdout
