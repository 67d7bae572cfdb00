"""Every setting the desk reads: its section, key, default (whose type is the type the
key must have) and, for integers, the allowed range. `desk.base.config` loads and checks
them; `config.example.toml` documents each (tests/test_config.py holds the two equal).
"""

from __future__ import annotations

from typing import Any

# section -> key -> default. The type of the default is the type the key must have.
DEFAULTS: dict[str, dict[str, Any]] = {
    "server": {
        # "" = this machine on `port` (`_public_base_url`).
        "public_base_url": "",
        "secret_key": "",
        "host": "127.0.0.1",
        "port": 5000,
        "workers": 2,
        # Connections per `desk serve` worker (gevent: each open page or slow client is a
        # greenlet, not a thread).
        "connections": 1000,
        # No longer used (`desk serve` ran threaded workers until issue 21); still read, so
        # that existing config files load.
        "threads": 16,
        "instance_path": "instance",
        "default_locale": "fr",
        "log_level": "INFO",
        # Where login throttling counts tries: "" = this process's memory (one worker),
        # "redis://host:port/db" = shared by every worker (docs/decisions.md).
        "rate_limit_storage": "",
    },
    "database": {
        "url": "",
        "echo": False,
    },
    "twilio": {
        "provider": "console",
        "account_sid": "",
        "auth_token": "",
        "messaging_service_sid": "",
        "from_number": "",
        "api_base_url": "",
        "voice": "Polly.Lea",
        "language": "fr-FR",
        "ring_timeout": 20,
        # Keep a copy of each recording played in the desk (under the instance folder).
        "cache_recordings": False,
    },
    "email": {
        "backend": "console",
        "host": "127.0.0.1",
        "port": 25,
        "username": "",
        "password": "",
        "use_tls": False,
        "from_address": "permanence@localhost",
    },
    "scheduler": {
        "enabled": True,
        "heartbeat_seconds": 30,
        "outbox_seconds": 15,
        "reminder_seconds": 300,
        "busy_import_minutes": 30,
        "lock_path": "",
        "outbox_max_attempts": 8,
        "outbox_claim_timeout_seconds": 300,
        "digest_seconds": 300,
    },
    "calendars": {
        # Fernet key (32 url-safe base64 bytes) sealing the CalDAV app passwords;
        # empty = one generated once into the instance folder.
        "encryption_key": "",
        "pull_minutes": 5,
        # Networks reached despite the SSRF guard (a Nextcloud on the practice's LAN).
        "trusted_networks": [],
    },
    "presence": {
        # After a call, a secretary is offered no other for this many seconds.
        "wrap_up_seconds": 20,
        # A leg whose end was never reported is released after this long (console
        # provider; with Twilio the sweep asks Twilio for the leg's status first).
        "max_call_minutes": 120,
        "sweep_seconds": 30,
    },
    "queue": {
        # Hold music played between announcements ("" = silence).
        "music_url": "",
        # How often a waiting caller hears her position.
        "announce_seconds": 45,
        # How often freed secretaries are offered held callers (Twilio provider).
        "dispatch_seconds": 3,
    },
    "fallback": {
        "numbers": [],
        "message": "Bonjour, nous ne pouvons pas prendre votre appel pour le moment. "
        "Laissez un message après le bip.",
        "language": "fr-FR",
    },
}


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOCALES = ("fr", "en")
# Integer settings and their allowed ranges (inclusive): a period of 0 or less would
# spin or never run, a port outside 1..65535 cannot be bound.
RANGES: dict[str, tuple[int, int]] = {
    "server.port": (1, 65535),
    "server.workers": (1, 64),
    "server.connections": (10, 100000),
    "email.port": (1, 65535),
    "twilio.ring_timeout": (5, 600),  # Twilio's own limits for <Dial timeout>
    "scheduler.heartbeat_seconds": (1, 86400),
    "scheduler.outbox_seconds": (1, 86400),
    "scheduler.reminder_seconds": (1, 86400),
    "scheduler.busy_import_minutes": (1, 10080),
    "scheduler.outbox_max_attempts": (1, 100),
    "scheduler.outbox_claim_timeout_seconds": (10, 86400),
    "scheduler.digest_seconds": (1, 86400),
    "calendars.pull_minutes": (1, 1440),
    "presence.wrap_up_seconds": (0, 3600),
    "presence.max_call_minutes": (5, 1440),
    "presence.sweep_seconds": (5, 3600),
    "queue.announce_seconds": (15, 300),
    "queue.dispatch_seconds": (1, 60),
}
