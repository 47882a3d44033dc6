-- Governed by contracts/stripe_customers.contract.yml (strict schema: the dbt contract is enforced
-- with the column types of contracts/assets/stripe_customers.asset.yml).
select
    cast(id as text) as id,
    cast(email as text) as email,
    cast(currency as text) as currency,
    cast(balance as double precision) as balance,
    cast(created as timestamp) as created
from {{ ref('raw_stripe_customers') }}
