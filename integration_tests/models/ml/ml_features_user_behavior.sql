-- Governed by contracts/ml_features_user_behavior.contract.yml.
select
    user_id,
    user_engagement_score,
    feature_timestamp
from {{ ref('raw_ml_features') }}
