"""First run: the desk's legal identity and its first admin, on an empty database."""
