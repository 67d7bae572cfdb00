"""What every test app compiles alike, compiled once per test process.

Nearly every test builds its own app (`create_app`), and each app compiled the same
code again: werkzeug a URL builder per route (two Python functions for each of ~250
rules, about 75 ms an app), Jinja every template the test renders (about 15 ms each, a
page extends several). Both are pure functions of their input, so the code made is kept
and handed to the next app of the same process:

- a URL builder, by what werkzeug makes it from (the rule's text and its parsed parts;
  rules with defaults, which it also reads, are compiled as before);
- a template, by Jinja's own bytecode cache (`jinja2.BytecodeCache`): kept under its name,
  its file and the compiling environment's settings, used while the file's source is
  unchanged.

Each app still builds its own URL map, Jinja environment, globals and filters, runs the
generated code and renders every page; only the compiling is shared.
"""

from __future__ import annotations

from collections.abc import Callable
from types import CodeType
from typing import Any

from flask import Flask
from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket
from werkzeug.routing import Rule


class SharedTemplateCode(BytecodeCache):
    """Jinja's bytecode cache, in memory: the code objects themselves, no marshalling."""

    def __init__(self) -> None:
        self._code: dict[str, tuple[str, CodeType]] = {}

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        # Jinja keys a bucket by the template alone; environments set up otherwise (other
        # extensions, filters, delimiters) compile it otherwise: keyed by those too.
        key = repr((self.get_cache_key(name, filename), _settings(environment)))
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        kept = self._code.get(bucket.key)
        if kept is not None and kept[0] == bucket.checksum:
            bucket.code = kept[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            self._code[bucket.key] = (bucket.checksum, bucket.code)


def _name(value: object) -> str | None:
    if value is None or isinstance(value, bool):
        return repr(value)
    return getattr(value, "__qualname__", type(value).__qualname__)


def _settings(environment: Environment) -> tuple[object, ...]:
    """What the code Jinja generates for a template depends on besides its source."""
    return (
        type(environment).__qualname__,
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.newline_sequence,
        environment.keep_trailing_newline,
        environment.optimized,
        environment.is_async,
        _name(environment.autoescape),
        _name(environment.finalize),
        tuple(sorted(environment.extensions)),
        getattr(environment, "newstyle_gettext", None),
        tuple(sorted(environment.filters)),
        tuple(sorted(environment.tests)),
    )


TEMPLATES = SharedTemplateCode()

_BUILDERS: dict[tuple[str, tuple[tuple[bool, str], ...], bool], Callable[..., Any]] = {}


def _shared_builder(
    compile_builder: Callable[[Rule, bool], Callable[..., Any]],
) -> Callable[[Rule, bool], Callable[..., Any]]:
    def builder(rule: Rule, append_unknown: bool = True) -> Callable[..., Any]:
        if rule.defaults:
            return compile_builder(rule, append_unknown)
        # Without defaults, the function werkzeug writes is made of these alone (the
        # rule's text names it; its parts, static or a converter's, make its body).
        key = (rule.rule, tuple(rule._trace), append_unknown)
        found = _BUILDERS.get(key)
        if found is None:
            found = _BUILDERS[key] = compile_builder(rule, append_unknown)
        return found

    return builder


def share_compiled_code() -> None:
    """From now on in this process, apps share compiled URL builders and templates."""
    if "bytecode_cache" not in Flask.jinja_options:
        Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": TEMPLATES}
    if not hasattr(Rule._compile_builder, "__wrapped__"):
        shared = _shared_builder(Rule._compile_builder)
        shared.__wrapped__ = Rule._compile_builder  # type: ignore[attr-defined]
        Rule._compile_builder = shared  # type: ignore[assignment,method-assign]
