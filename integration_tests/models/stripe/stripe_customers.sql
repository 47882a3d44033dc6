-- Governed by contracts/stripe_customers.contract.yml (strict schema: the dbt contract is enforced
-- with the column types of contracts/assets/stripe_customers.asset.yml).
select
    cast(id as {{ dbt.type_string() }}) as id,
    cast(email as {{ dbt.type_string() }}) as email,
    cast(currency as {{ dbt.type_string() }}) as currency,
    cast(balance as {{ dativo_dbt.type_double() }}) as balance,
    cast(created as timestamp) as created
from {{ ref('raw_stripe_customers') }}
