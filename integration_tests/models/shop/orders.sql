-- Governed by contracts/orders.contract.yml; reads the source governed by raw_orders.contract.yml.
-- The source's table is the seed raw_orders here, so tell dbt to build the seed first:
-- depends_on: {{ ref('raw_orders') }}
select
    order_id,
    line_no,
    customer_id,
    customer_name,
    nullif(status, '') as status,
    amount,
    ordered_at
from {{ source('shop', 'raw_orders') }}
