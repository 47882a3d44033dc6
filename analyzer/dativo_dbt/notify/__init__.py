"""Contract violation notifications: Slack, e-mail (SMTP), PagerDuty Events API v2, webhooks."""
