"""Deliver events through openlineage-python's own client and transports.

* `console` — ConsoleTransport (events logged on the `openlineage.client.transport.console` logger,
  which the CLI routes to stdout, one JSON document per line);
* `file` — FileTransport in append mode: one JSON event per line (`--output FILE` truncates first);
* `http` — HttpTransport (retries, timeouts, api-key auth from an env var; never printed);
* `config` (default) — whatever openlineage-python resolves itself: the `openlineage.yml` config file
  (`OPENLINEAGE_CONFIG`, the current directory, `~/.openlineage`), `OPENLINEAGE__*` or
  `OPENLINEAGE_URL` environment variables.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import RunEvent
from openlineage.client.transport.console import ConsoleConfig, ConsoleTransport
from openlineage.client.transport.file import FileConfig, FileTransport
from openlineage.client.transport.http import HttpConfig, HttpTransport, create_token_provider
from openlineage.client.transport.transport import Transport

from dativo_dbt.core.errors import DativoError
from dativo_dbt.core.yaml_lines import load_yaml

TRANSPORTS = ("config", "console", "file", "http")


@dataclass
class TransportOptions:
    kind: str = "config"
    output: Path | None = None  # file transport target (JSON lines)
    url: str | None = None
    endpoint: str = "api/v1/lineage"
    api_key_env: str | None = None  # name of the env var holding the API key
    timeout: float = 5.0
    config_file: Path | None = None  # an openlineage.yml to use instead of the default lookup


def transport_kind(transport: str | None, output: Path | None, url: str | None) -> str:
    """The transport asked for, else `file` with an output file, `http` with a URL, else what
    openlineage.yml / OPENLINEAGE_* configure (`config`)."""
    return transport or ("file" if output else ("http" if url else "config"))


def _console_to_stdout() -> None:
    logger = logging.getLogger("openlineage.client.transport.console")
    if not any(getattr(h, "_dativo", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler._dativo = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def make_transport(opts: TransportOptions) -> Transport | None:
    """The transport for these options; None means openlineage-python's own config resolution."""
    if opts.kind == "console":
        _console_to_stdout()
        return ConsoleTransport(ConsoleConfig())
    if opts.kind == "file":
        if opts.output is None:
            raise DativoError("--transport file needs --output FILE")
        opts.output.parent.mkdir(parents=True, exist_ok=True)
        opts.output.write_text("")
        return FileTransport(FileConfig(log_file_path=str(opts.output), append=True))
    if opts.kind == "http":
        if not opts.url:
            raise DativoError("--transport http needs --url (or use an openlineage.yml)")
        auth: dict[str, str] = {}
        if opts.api_key_env:
            key = os.environ.get(opts.api_key_env)
            if not key:
                raise DativoError(f"env var {opts.api_key_env} (the lineage API key) is not set")
            auth = {"type": "api_key", "apiKey": key}
        return HttpTransport(
            HttpConfig(
                url=opts.url,
                endpoint=opts.endpoint,
                timeout=opts.timeout,
                auth=create_token_provider(auth),
            )
        )
    if opts.kind == "config":
        return None
    raise DativoError(f"unknown transport {opts.kind!r} (one of {', '.join(TRANSPORTS)})")


def make_client(opts: TransportOptions) -> OpenLineageClient:
    transport = make_transport(opts)
    if transport is not None:
        return OpenLineageClient(transport=transport)
    if opts.config_file is not None:
        try:
            config: dict[str, Any] = load_yaml(opts.config_file) or {}
        except DativoError as exc:
            raise DativoError(
                f"cannot read OpenLineage config: {exc.message}", path=opts.config_file
            ) from None
        try:
            return OpenLineageClient(config=config)
        except (ValueError, TypeError, RuntimeError) as exc:
            raise DativoError(f"bad OpenLineage config: {exc}", path=opts.config_file) from None
    try:
        return OpenLineageClient()
    except (ValueError, TypeError, RuntimeError) as exc:
        raise DativoError(f"bad OpenLineage configuration: {exc}") from None


def _redact(text: str, opts: TransportOptions) -> str:
    """No API key and no URL credentials (`scheme://user:pass@host`) in error messages."""
    if opts.api_key_env and os.environ.get(opts.api_key_env):
        text = text.replace(os.environ[opts.api_key_env], "***")
    return re.sub(r"(://)[^/@\s]+@", r"\1***@", text)


def emit_events(events: Sequence[RunEvent], opts: TransportOptions) -> int:
    """Emit every event in order; returns how many were handed to the transport."""
    if opts.kind == "file" and opts.output is not None:
        return _emit_to_file(events, opts, opts.output)
    return _emit(events, opts)


def _emit_to_file(events: Sequence[RunEvent], opts: TransportOptions, final: Path) -> int:
    """The file transport writes a temp file beside `final`, renamed once every event is in it:
    a failed or interrupted run leaves the previous file and no temp file."""
    tmp = ""
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
        os.close(fd)
        count = _emit(events, replace(opts, output=Path(tmp)))
        os.chmod(tmp, 0o644)
        os.replace(tmp, final)
        return count
    except BaseException as exc:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise DativoError(f"cannot write: {exc.strerror or exc}", path=final) from None
        raise


def _emit(events: Sequence[RunEvent], opts: TransportOptions) -> int:
    client = make_client(opts)
    try:
        for event in events:
            client.emit(event)
    except Exception as exc:  # transports raise their own types (requests, OSError, ...)
        message = _redact(str(exc), opts)
        raise DativoError(
            f"OpenLineage transport {client.transport.kind!r} failed: {message}"
        ) from None
    finally:
        client.close(timeout=10.0)
    return len(events)
