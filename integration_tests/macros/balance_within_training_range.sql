{#- A custom generic test named by a contract's `custom:` check (`test: balance_within_training_range`):
    every balance lies within the range the ML model was trained on. -#}
{% test balance_within_training_range(model, column_name="balance", min_value=-5000, max_value=50000) %}
select {{ column_name }} as balance
from {{ model }}
where {{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }}
{% endtest %}
