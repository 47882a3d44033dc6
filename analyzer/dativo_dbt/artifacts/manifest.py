"""Read manifest.json (v9-v12, dbt 1.5-1.11) into the structs of `artifacts.schema`."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec

from dativo_dbt.artifacts.decode import decode_artifact
from dativo_dbt.artifacts.schema import AnyNode, ArtifactMetadata, Manifest, SourceNode
from dativo_dbt.artifacts.sliced import CHUNK_BYTES, CHUNKED_MIN, Container, Sliced, read_sliced

#: the `nodes` object; between two nodes: `}, "<type>.<...>": {`
NODES = Container(
    key=re.compile(rb'"nodes"\s*:\s*\{'),
    end_marker=b'}, "sources": {',
    boundary=re.compile(rb'\}\s*,\s*(?="[a-z_]+\.[^"\\]*"\s*:\s*\{)'),
    opener=b"{",
)


class _ManifestHead(msgspec.Struct, gc=False):
    metadata: ArtifactMetadata


class _ManifestTail(msgspec.Struct, gc=False):
    sources: dict[str, SourceNode] = {}


def _manifest_from_slices(got: Sliced) -> Manifest | None:
    try:
        head = msgspec.json.decode(got.head + b'"nodes": {}}', type=_ManifestHead)
        tail = msgspec.json.decode(b"{" + got.tail, type=_ManifestTail)
    except (msgspec.DecodeError, ValueError):
        return None
    nodes: dict[str, AnyNode] = got.parts[0]  # file order kept: the later slices follow
    for part in got.parts[1:]:
        nodes.update(part)
    return Manifest(metadata=head.metadata, nodes=nodes, sources=tail.sources)


def read_manifest(
    path: str | Path, *, chunk_bytes: int = CHUNK_BYTES, chunked_min: int = CHUNKED_MIN
) -> Manifest:
    """Decode a manifest.json (v9-v12) keeping only the fields in `artifacts.schema`.

    Large manifests (>= 64 MB) are decoded slice by slice (`artifacts.sliced`), so a 400 MB
    manifest never sits in memory whole; smaller ones, and any manifest whose layout is not dbt's
    usual one, are decoded in one call.
    """
    p = Path(path)
    got = read_sliced(p, "manifest", NODES, dict[str, AnyNode], chunk_bytes, chunked_min)
    manifest = _manifest_from_slices(got) if got is not None else None
    return manifest if manifest is not None else decode_artifact(p, "manifest", Manifest)
