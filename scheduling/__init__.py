"""Appointments, availability, calendar feeds, busy-time import and the timed jobs."""
