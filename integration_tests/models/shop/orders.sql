-- Governed by contracts/orders.contract.yml; reads the source governed by raw_orders.contract.yml.
select
    order_id,
    line_no,
    customer_id,
    customer_name,
    nullif(status, '') as status,
    amount,
    ordered_at
from {{ source('shop', 'raw_orders') }}
