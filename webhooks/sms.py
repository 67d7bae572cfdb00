"""SMS webhooks: inbound SMS and delivery status."""
