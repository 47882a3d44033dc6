"""msgspec Structs for the few fields of dbt artifacts dativo-dbt reads.

Unknown fields are skipped by the decoder without building Python objects, so a 400 MB manifest
decodes into a few MB of structs. Fields are the ones common to manifest v9-v12 (dbt 1.5-1.11) and
run_results v4-v6; anything that differs between versions is optional.
`gc=False`: these structs never form reference cycles, so the garbage collector skips them.
"""

from __future__ import annotations

from typing import Any

import msgspec

from dativo_dbt.artifacts.interface import ModelMeta, TestMeta, read_model_meta, read_test_meta


class Empty(msgspec.Struct, gc=False):
    """Any JSON object whose content we do not need (e.g. a column definition)."""


class ArtifactMetadata(msgspec.Struct, gc=False):
    dbt_schema_version: str = ""
    dbt_version: str | None = None
    generated_at: str | None = None
    invocation_id: str | None = None
    project_name: str | None = None  # manifest v10+
    adapter_type: str | None = None


class Meta(msgspec.Struct, gc=False):
    # meta.dativo as written: read through `artifacts.interface` (ModelMeta / TestMeta, leniently)
    dativo: dict[str, Any] | None = None
    owner: Any = None  # dbt's conventional meta.owner (any JSON; only a string is used)


class NodeConfig(msgspec.Struct, gc=False):
    severity: str | None = None
    meta: Meta | None = None
    group: str | None = None  # dbt 1.5+ keeps group in config too
    enabled: bool = True


class TestConfig(NodeConfig):
    """A test's config: also its failure thresholds (dbt writes `!= 0` by default)."""

    error_if: str | None = None
    warn_if: str | None = None


class DependsOn(msgspec.Struct, gc=False):
    nodes: list[str] = []


class TestKwargs(msgspec.Struct, gc=False):
    column_name: str | None = None


class TestMetadata(msgspec.Struct, gc=False):
    name: str = ""
    namespace: str | None = None
    kwargs: TestKwargs | None = None


class _NodeBase(msgspec.Struct, gc=False, tag_field="resource_type"):
    """Fields every node type has. `resource_type` is the msgspec tag (decoded into the class)."""

    name: str = ""
    config: NodeConfig | None = None
    meta: Meta | None = None

    # Defaults so code can treat every node alike; overridden by the subclasses that read them.
    @property
    def resource_type(self) -> str:
        return type(self).__struct_config__.tag  # type: ignore[return-value]

    def dativo_raw(self) -> dict[str, Any] | None:
        """meta.dativo as written, from `config.meta` (dbt >= 1.10 puts it there) or top-level
        `meta`."""
        cfg = self.config
        if cfg is not None and cfg.meta is not None and cfg.meta.dativo is not None:
            return cfg.meta.dativo
        meta = self.meta
        return meta.dativo if meta is not None else None


class Node(_NodeBase, tag="model"):
    """A model (and, by subclassing, seed / snapshot / source): what scoring and gates need."""

    package_name: str = ""
    original_file_path: str | None = None
    tags: list[str] = []
    group: str | None = None
    columns: dict[str, Empty] = {}
    # Never read from these node types (tests only); present so every Node has the attribute.
    test_metadata: TestMetadata | None = None
    column_name: str | None = None
    attached_node: str | None = None
    depends_on: DependsOn | None = None
    relation_name: str | None = None
    # where it is built (lineage, notifications, quarantine)
    database: str | None = None
    schema: str | None = None
    alias: str | None = None

    def dativo_meta(self) -> ModelMeta | None:
        """The node's meta.dativo as the interface's ModelMeta (None without one)."""
        return read_model_meta(self.dativo_raw())


class SeedNode(Node, tag="seed"):
    pass


class SnapshotNode(Node, tag="snapshot"):
    pass


class FreshnessThreshold(msgspec.Struct, gc=False):
    count: int | float | None = None
    period: str | None = None


class FreshnessCriteria(msgspec.Struct, gc=False):
    """A source's `freshness:` (manifest) or a freshness result's `criteria` (sources.json)."""

    warn_after: FreshnessThreshold | None = None
    error_after: FreshnessThreshold | None = None
    filter: str | None = None

    def has_error_after(self) -> bool:
        return self.error_after is not None and self.error_after.count is not None


class SourceConfig(NodeConfig):
    freshness: FreshnessCriteria | None = None  # dbt 1.10+ also keeps it in config


class SourceNode(Node, tag="source"):
    config: SourceConfig | None = None
    source_name: str | None = None
    freshness: FreshnessCriteria | None = None
    loaded_at_field: str | None = None
    identifier: str | None = None

    def check_meta(self) -> TestMeta | None:
        """The source's meta.dativo as its freshness check's TestMeta (dimension, severity,
        weight, contract; None without one)."""
        return read_test_meta(self.dativo_raw())


class TestNode(_NodeBase, tag="test"):
    """A data test (generic or singular): no package/path/columns, the test's own fields."""

    config: TestConfig | None = None
    test_metadata: TestMetadata | None = None
    column_name: str | None = None
    attached_node: str | None = None
    depends_on: DependsOn | None = None
    relation_name: str | None = None

    def dativo_meta(self) -> TestMeta | None:
        """The test's meta.dativo as the interface's TestMeta (None without one)."""
        return read_test_meta(self.dativo_raw())


class OtherNode(_NodeBase, tag="analysis"):
    """Analyses, hooks and SQL operations: decoded to nothing."""


class OperationNode(OtherNode, tag="operation"):
    pass


class SqlOperationNode(OtherNode, tag="sql_operation"):
    pass


class RpcNode(OtherNode, tag="rpc"):
    pass


class SqlNode(OtherNode, tag="sql"):
    pass


AnyNode = (
    Node
    | SeedNode
    | SnapshotNode
    | TestNode
    | OtherNode
    | OperationNode
    | SqlOperationNode
    | RpcNode
    | SqlNode
)


class GenericNode(msgspec.Struct, gc=False):
    """Fallback decoding of a node with a resource_type this version does not know (future dbt)."""

    resource_type: str
    name: str = ""


class Manifest(msgspec.Struct, gc=False):
    """nodes and sources by unique_id (the dict key; nodes do not repeat it)."""

    metadata: ArtifactMetadata
    nodes: dict[str, AnyNode] = {}
    sources: dict[str, SourceNode] = {}


class ManifestLoose(msgspec.Struct, gc=False):
    """Only for the error message when a node type is unknown."""

    metadata: ArtifactMetadata
    nodes: dict[str, GenericNode] = {}


class Timing(msgspec.Struct, gc=False):
    name: str = ""
    completed_at: str | None = None


class RunResultLean(msgspec.Struct, gc=False):
    """One node's result without compiled_code (the default: keeps memory flat on 100,000
    tests)."""

    unique_id: str
    status: str
    failures: int | None = None
    message: str | None = None
    execution_time: float | None = None
    timing: list[Timing] = []
    relation_name: str | None = None  # run_results v5+ (store_failures table for tests)


class RunResult(RunResultLean):
    """A result with its compiled_code (decoded only by the `with_sql` reader)."""

    compiled_code: str | None = None


class ResultEntry(msgspec.Struct, gc=False):
    """The latest result of one node across the merged run_results files."""

    result: RunResultLean  # a RunResult (with compiled_code) from the `with_sql` reader
    source: int  # index into `MergedRunResults.files`
    completed_at: str | None  # set when several files were merged, and by the prefetch


class RunArgs(msgspec.Struct, gc=False):
    """run_results `args`: the invocation's arguments; `which` names the dbt command (`build`,
    `test`, `run`, `generate` for `dbt docs generate`, ...)."""

    which: str | None = None


class RunResults(msgspec.Struct, gc=False):
    metadata: ArtifactMetadata
    results: list[RunResultLean] = []
    elapsed_time: float | None = None
    args: RunArgs | None = None


class RunResultsWithSql(msgspec.Struct, gc=False):
    metadata: ArtifactMetadata
    results: list[RunResult] = []
    elapsed_time: float | None = None
    args: RunArgs | None = None


class CatalogNode(msgspec.Struct, gc=False):
    unique_id: str | None = None
    columns: dict[str, Empty] = {}


class Catalog(msgspec.Struct, gc=False):
    metadata: ArtifactMetadata
    nodes: dict[str, CatalogNode] = {}
    sources: dict[str, CatalogNode] = {}


class SourceFreshnessResult(msgspec.Struct, gc=False):
    """One result of `dbt source freshness` (sources.json v3). A runtime error has only
    unique_id, status ("runtime error") and error."""

    unique_id: str
    status: str  # pass | warn | error | runtime error
    max_loaded_at: str | None = None
    snapshotted_at: str | None = None
    max_loaded_at_time_ago_in_s: float | None = None
    criteria: FreshnessCriteria | None = None
    error: str | None = None
    execution_time: float | None = None
    timing: list[Timing] = []


class SourceFreshnessResults(msgspec.Struct, gc=False):
    """sources.json, written by `dbt source freshness` (schema v3 in dbt 1.5-1.11)."""

    metadata: ArtifactMetadata
    results: list[SourceFreshnessResult] = []
    elapsed_time: float | None = None
