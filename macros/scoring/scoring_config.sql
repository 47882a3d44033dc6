{#- The scoring parameters (docs/INTERFACES.md section 2), from var('dativo_dbt_scoring') over the
    defaults. dimension_weights, when given, replaces the default table (weights are a set that sums
    to 1); severity_weights is merged key by key; the scalars replace. -#}

{% macro scoring_defaults() %}
  {{- return({
    'formula_version': 1,
    'dimension_weights': {'completeness': 0.25, 'accuracy': 0.25, 'validity': 0.20, 'consistency': 0.15, 'timeliness': 0.15},
    'severity_weights': {'critical': 3.0, 'warning': 1.0, 'info': 0.5},
    'baseline_score': 70,
    'max_positive_influence': 30,
    'max_negative_influence': 50,
    'empty_dimensions': 'count_as_100',
  }) -}}
{% endmacro %}

{% macro scoring_config() %}
  {%- set config = dativo_dbt.scoring_defaults() -%}
  {%- set given = var('dativo_dbt_scoring', {}) or {} -%}
  {%- if given is not mapping -%}
    {{- exceptions.raise_compiler_error("var dativo_dbt_scoring must be a mapping, got: " ~ given) -}}
  {%- endif -%}
  {%- for key, value in given.items() -%}
    {%- if key not in config -%}
      {{- exceptions.raise_compiler_error("var dativo_dbt_scoring: unknown key '" ~ key ~ "' (known: " ~ config.keys() | list | join(', ') ~ ")") -}}
    {%- endif -%}
    {%- if key == 'severity_weights' -%}
      {%- set merged = config.severity_weights.copy() -%}
      {%- do merged.update(value) -%}
      {%- do config.update({key: merged}) -%}
    {%- else -%}
      {%- do config.update({key: value}) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if config.empty_dimensions not in ['count_as_100', 'exclude'] -%}
    {{- exceptions.raise_compiler_error("var dativo_dbt_scoring.empty_dimensions must be count_as_100 or exclude, got: " ~ config.empty_dimensions) -}}
  {%- endif -%}
  {%- set dims = {} -%}
  {%- for name, weight in config.dimension_weights.items() -%}
    {%- do dims.update({name | lower: weight | float}) -%}
  {%- endfor -%}
  {%- do config.update({'dimension_weights': dims}) -%}
  {%- do dativo_dbt._check_scoring(config) -%}
  {{- return(config) -}}
{% endmacro %}

{#- Fail closed on values a score cannot be computed from (as dativo.yml's DATIVO-DQ001): every
    value a finite number; severity weights in (0, 1000]; dimension weights >= 0 summing to 1;
    baseline and influences in [0, 100]. -#}
{% macro _check_scoring(config) %}
  {%- set checks = [] -%}
  {%- for name, w in config.severity_weights.items() -%}
    {%- do checks.append(('severity_weights.' ~ name, w, 0, 1000, false)) -%}
  {%- endfor -%}
  {%- for name, w in config.dimension_weights.items() -%}
    {%- do checks.append(('dimension_weights.' ~ name, w, 0, 1, true)) -%}
  {%- endfor -%}
  {%- for name in ['baseline_score', 'max_positive_influence', 'max_negative_influence'] -%}
    {%- do checks.append((name, config[name], 0, 100, true)) -%}
  {%- endfor -%}
  {%- for name, value, lo, hi, lo_ok in checks -%}
    {%- set v = value | float if (value is number and value is not boolean) else none -%}
    {%- if v is none or v != v or v < lo or v > hi or (v == lo and not lo_ok) -%}
      {{- exceptions.raise_compiler_error("var dativo_dbt_scoring." ~ name ~ " must be a finite number " ~ ('>= ' if lo_ok else '> ') ~ lo ~ " and <= " ~ hi ~ ", got: " ~ value) -}}
    {%- endif -%}
  {%- endfor -%}
  {%- set total = config.dimension_weights.values() | sum -%}
  {%- if (total - 1.0) | abs > 0.000001 -%}
    {{- exceptions.raise_compiler_error("var dativo_dbt_scoring.dimension_weights must sum to 1, they sum to " ~ total) -}}
  {%- endif -%}
{% endmacro %}

{#- SQL literal of a float parameter. -#}
{% macro _num(value) %}
  {{- return(dativo_dbt.sql_number(value | float)) -}}
{% endmacro %}

{#- Tier gates, the same keys and defaults as `gates:` / `thresholds:` in dativo.yml:
    var('dativo_dbt_gates') = {tier: {min_test_coverage: 0-100, required_tests: [...], min_score}},
    merged tier by tier (key by key) over the defaults; var('dativo_dbt_thresholds') =
    {min_score, warn_score} applied to every scored model (effective min_score = max of the threshold
    and the tier's min_score). -#}
{% macro gate_defaults() %}
  {{- return({
    'bronze': {'min_test_coverage': 0, 'required_tests': [], 'min_score': 70},
    'silver': {'min_test_coverage': 50, 'required_tests': ['not_null'], 'min_score': 80},
    'gold': {'min_test_coverage': 80, 'required_tests': ['not_null', 'unique'], 'min_score': 90},
  }) -}}
{% endmacro %}

{% macro gate_config() %}
  {%- set gates = {} -%}
  {%- for tier, rule in dativo_dbt.gate_defaults().items() -%}
    {%- do gates.update({tier: rule.copy()}) -%}
  {%- endfor -%}
  {%- for tier, rule in (var('dativo_dbt_gates', {}) or {}).items() -%}
    {%- if tier | lower not in gates -%}
      {{- exceptions.raise_compiler_error("var dativo_dbt_gates: unknown tier '" ~ tier ~ "' (bronze, silver, gold)") -}}
    {%- endif -%}
    {%- set merged = gates[tier | lower].copy() -%}
    {%- do merged.update(rule or {}) -%}
    {%- do gates.update({tier | lower: merged}) -%}
  {%- endfor -%}
  {{- return(gates) -}}
{% endmacro %}

{% macro threshold_config() %}
  {%- set th = {'min_score': 70, 'warn_score': 85} -%}
  {%- do th.update(var('dativo_dbt_thresholds', {}) or {}) -%}
  {{- return(th) -}}
{% endmacro %}

{#- Test types and contract check types that satisfy a required test type (scoring/gates.py
    SYNONYMS; a test keeps them equal): matched against a result's test_type and check_type, so a
    batched check (recorded with its per-check test's type) counts as in per-check mode. -#}
{% macro required_test_synonyms() %}
  {{- return({
    'not_null': ['not_null', 'expect_column_values_to_not_be_null', 'missing', 'null_check'],
    'unique': ['unique', 'expect_column_values_to_be_unique', 'uniqueness', 'duplicate_count', 'unique_check'],
    'accepted_values': ['accepted_values', 'expect_column_values_to_be_in_set', 'invalid'],
    'relationships': ['relationships'],
  }) -}}
{% endmacro %}
