"""The practice's own portal: what a client login may read of its own desk."""
