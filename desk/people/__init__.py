"""People of the desk: logins, invitations, secretaries and partners."""
