{% test expect_column_values_to_be_within_n_moving_stdevs(model, column_name, date_column_name, group_by=None, period="day", lookback_periods=1, trend_periods=7, test_periods=14, sigma_threshold=3, sigma_threshold_upper=None, sigma_threshold_lower=None, take_diffs=true, take_logs=true) %}
    {{ adapter.dispatch('test_expect_column_values_to_be_within_n_moving_stdevs', 'dbt_expectations')(model, column_name, date_column_name, group_by, period, lookback_periods, trend_periods, test_periods, sigma_threshold, sigma_threshold_upper, sigma_threshold_lower, take_diffs, take_logs) }}
{% endtest %}

{#- Sums the column per period (and group); optionally takes logs and the difference from the value
    lookback_periods earlier; z-scores it against the rolling avg/stddev of the trend_periods before
    it. Periods in the test_periods before the current period whose sigma is outside
    [lower, upper] (default -/+ sigma_threshold) fail. -#}
{% macro default__test_expect_column_values_to_be_within_n_moving_stdevs(model, column_name, date_column_name, group_by, period, lookback_periods, trend_periods, test_periods, sigma_threshold, sigma_threshold_upper, sigma_threshold_lower, take_diffs, take_logs) -%}
{%- set sigma_threshold_upper = sigma_threshold_upper if sigma_threshold_upper else sigma_threshold -%}
{%- set sigma_threshold_lower = sigma_threshold_lower if sigma_threshold_lower else -1 * sigma_threshold -%}
{%- set partition_by = ("partition by " ~ (group_by | join(", "))) if group_by else "" -%}
{%- set ts = dbt_expectations.type_timestamp() -%}
{%- set current_period = dbt.date_trunc(period, dbt_expectations.now()) -%}
with grouped_metric_values as (
    select
        cast({{ dbt.date_trunc(period, date_column_name) }} as {{ ts }}) as metric_period,
        {%- if group_by %}
        {{ group_by | join(", ") }},
        {%- endif %}
        sum({{ column_name }}) as agg_metric_value
    from {{ model }}
    {{ dbt_expectations.group_by(1 + (group_by | length if group_by else 0)) }}
),
{%- if take_diffs %}
grouped_metric_values_with_priors as (
    select
        *,
        lag(agg_metric_value, {{ lookback_periods }}) over ({{ partition_by }} order by metric_period) as prior_agg_metric_value
    from grouped_metric_values
),
metric_values as (
    select
        *,
        {{ dbt_expectations._get_metric_expression("agg_metric_value", take_logs) }}
        - {{ dbt_expectations._get_metric_expression("prior_agg_metric_value", take_logs) }} as metric_test_value
    from grouped_metric_values_with_priors
),
{%- else %}
metric_values as (
    select
        *,
        {{ dbt_expectations._get_metric_expression("agg_metric_value", take_logs) }} as metric_test_value
    from grouped_metric_values
),
{%- endif %}
metric_moving_calcs as (
    select
        *,
        avg(metric_test_value) over (
            {{ partition_by }} order by metric_period
            rows between {{ trend_periods }} preceding and 1 preceding) as metric_test_rolling_average,
        {{ dbt_expectations.stddev("metric_test_value") }} over (
            {{ partition_by }} order by metric_period
            rows between {{ trend_periods }} preceding and 1 preceding) as metric_test_rolling_stddev
    from metric_values
),
metric_sigma as (
    select
        *,
        (metric_test_value - metric_test_rolling_average) as metric_test_delta,
        (metric_test_value - metric_test_rolling_average) / nullif(metric_test_rolling_stddev, 0) as metric_test_sigma
    from metric_moving_calcs
)
select *
from metric_sigma
where
    metric_period >= cast({{ dbt.dateadd(period, -1 * (test_periods | int), current_period) }} as {{ ts }})
    and metric_period < cast({{ current_period }} as {{ ts }})
    and not (
        metric_test_sigma >= {{ sigma_threshold_lower }}
        and metric_test_sigma <= {{ sigma_threshold_upper }}
    )
{%- endmacro %}
