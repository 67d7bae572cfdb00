"""People from the command line: `desk admin create`, `desk secretary add|invite|…`."""

from __future__ import annotations

import json

import click
from sqlalchemy import select

from desk.base.clock import system_now
from desk.cli.base import main, settings_from
from desk.cli.session import cli_session
from desk.models import Secretary
from desk.people import accounts, secretaries


@main.group("admin")
def admin() -> None:
    """The desk's admin accounts."""


@admin.command("create")
@click.option("--email", required=True)
@click.option("--name", default="", help="shown in the desk (default: the e-mail)")
@click.password_option(help="10 characters or more (asked when not given)")
@click.pass_context
def admin_create(ctx: click.Context, email: str, name: str, password: str) -> None:
    """Create an admin login (the way in on an empty desk, without the set-up page)."""
    with cli_session(ctx) as session:
        user = accounts.create_user(
            session, email=email, name=name or email, role="admin", password=password
        )
        address = user.email
    click.echo(f"admin created: {address}")


@main.group("secretary")
def secretary() -> None:
    """Secretaries and partners."""


@secretary.command("add")
@click.option("--name", required=True)
@click.option("--phone", required=True, help="her mobile (rung for calls)")
@click.option("--email", default="")
@click.option("--partner", is_flag=True, help="an independent from the network, paid per mission")
@click.option("--invite", "send_invite", is_flag=True, help="e-mail her a link to set a password")
@click.pass_context
def secretary_add(
    ctx: click.Context, name: str, phone: str, email: str, partner: bool, send_invite: bool
) -> None:
    """Add a secretary (prints her id)."""
    base = settings_from(ctx)["server.public_base_url"]
    with cli_session(ctx) as session:
        row = secretaries.add_secretary(
            session,
            secretaries.SecretaryInput(name=name, phone=phone, email=email, is_partner=partner),
        )
        if send_invite:
            secretaries.invite_secretary(session, row, base_url=base, now=system_now())
        found = row.id
    click.echo(found)


@secretary.command("invite")
@click.argument("who")
@click.pass_context
def secretary_invite(ctx: click.Context, who: str) -> None:
    """E-mail a secretary (id or e-mail) a one-time link to set her password; print it too."""
    base = settings_from(ctx)["server.public_base_url"]
    with cli_session(ctx) as session:
        row = secretaries.secretary_by(session, who)
        link = secretaries.invite_secretary(session, row, base_url=base, now=system_now())
    click.echo(link)


@secretary.command("deactivate")
@click.argument("who")
@click.pass_context
def secretary_deactivate(ctx: click.Context, who: str) -> None:
    """Stop ringing her and close her login; her rota and history stay."""
    with cli_session(ctx) as session:
        row = secretaries.secretary_by(session, who)
        secretaries.set_secretary_active(session, row, False, system_now())
        name = row.name
    click.echo(f"deactivated: {name}")


@secretary.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def secretary_list(ctx: click.Context, as_json: bool) -> None:
    """Every secretary, active or not."""
    with cli_session(ctx) as session:
        rows = [
            {
                "id": s.id,
                "name": s.name,
                "phone": s.phone,
                "email": s.email,
                "partner": s.is_partner,
                "active": s.active,
            }
            for s in session.scalars(select(Secretary).order_by(Secretary.name))
        ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        flags = ("partner " if r["partner"] else "") + ("" if r["active"] else "inactive")
        click.echo(f"{r['id']}\t{r['name']}\t{r['phone']}\t{r['email'] or ''}\t{flags.strip()}")
