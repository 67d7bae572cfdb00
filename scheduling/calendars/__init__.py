"""The practices' own calendars: CalDAV connections (push of bookings, pull of busy
times) and iTIP e-mail invitations for calendars without CalDAV. See docs/calendars.md."""
