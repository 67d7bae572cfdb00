"""Personal data: the audit trail of settings changes, and RGPD search, export and erase."""
