{#- generated from analyzer/dativo_dbt/core/dimension_sql.py (render_default_dimension_sql); do not edit -#}
{% macro default_dimension(test_name) -%}
  {%- set name = (test_name or '') | string | lower -%}
  {%- set name = name.split('.') | last -%}
  {%- if name == '' -%}{{ return('validity') }}{%- endif -%}
  {%- set exact = {
      'not_null': 'completeness',
      'expect_column_values_to_not_be_null': 'completeness',
      'expect_column_to_exist': 'completeness',
      'unique': 'uniqueness',
      'expect_column_values_to_be_unique': 'uniqueness',
      'expect_compound_columns_to_be_unique': 'uniqueness',
      'expect_select_column_values_to_be_unique_within_record': 'uniqueness',
      'unique_combination_of_columns': 'uniqueness',
      'relationships': 'consistency',
      'expect_multicolumn_sum_to_equal': 'consistency',
      'expect_table_aggregation_to_equal_other_table': 'consistency',
      'equal_expression': 'consistency',
      'expect_row_values_to_have_recent_data': 'timeliness',
      'expect_grouped_row_values_to_have_recent_data': 'timeliness',
      'expect_row_values_to_have_data_for_every_n_datepart': 'timeliness',
      'recent_data': 'timeliness',
      'freshness': 'timeliness',
      'expect_column_values_to_be_between': 'accuracy',
      'expect_column_min_to_be_between': 'accuracy',
      'expect_column_max_to_be_between': 'accuracy',
      'expect_column_mean_to_be_between': 'accuracy',
      'expect_column_median_to_be_between': 'accuracy',
      'expect_column_sum_to_be_between': 'accuracy',
      'expect_column_stdev_to_be_between': 'accuracy',
      'expect_column_quantile_values_to_be_between': 'accuracy',
      'expect_column_values_to_be_increasing': 'accuracy',
      'expect_column_values_to_be_decreasing': 'accuracy',
      'expect_column_most_common_value_to_be_in_set': 'accuracy',
      'expect_column_unique_value_count_to_be_between': 'accuracy',
      'expect_column_proportion_of_unique_values_to_be_between': 'accuracy'
  } -%}
  {%- if name in exact -%}{{ return(exact[name]) }}{%- endif -%}
  {%- if '_equal_other_table' in name -%}{{ return('consistency') }}{%- endif -%}
  {%- if name.startswith('expect_column_pair_values_') -%}{{ return('consistency') }}{%- endif -%}
  {%- if name.startswith('expect_table_row_count_') -%}{{ return('completeness') }}{%- endif -%}
  {%- if name.startswith('expect_table_column_count_') -%}{{ return('completeness') }}{%- endif -%}
  {%- if name.startswith('expect_table_columns_to_') -%}{{ return('completeness') }}{%- endif -%}
  {%- if name.startswith('expect_column_values_to_be_within_n_') -%}{{ return('accuracy') }}{%- endif -%}
  {%- if name.startswith('expect_column_distinct_count_') -%}{{ return('accuracy') }}{%- endif -%}
  {{- return('validity') -}}
{%- endmacro %}
