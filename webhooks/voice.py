"""Voice webhooks (DESIGN §4)."""
