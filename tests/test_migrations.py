from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import inspect

from desk.base.db import Database
from desk.cli import main
from desk.migrations import current_revision, head_revision, upgrade
from desk.models import Base


def test_migrations_reach_head_and_match_the_models(db: Database) -> None:
    assert current_revision(db.engine) == head_revision()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrading_twice_is_harmless(db: Database) -> None:
    upgrade(db.engine)
    upgrade(db.engine)
    assert current_revision(db.engine) == head_revision()


def test_init_db_from_empty_twice(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {
        "DESK_CONFIG": str(tmp_path / "none.toml"),
        "DESK_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "DESK_SERVER_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    for _ in range(2):
        result = runner.invoke(main, ["init-db"], env=env)
        assert result.exit_code == 0, result.output
    fresh = Database(env["DESK_DATABASE_URL"])
    assert "calls" in inspect(fresh.engine).get_table_names()
    assert current_revision(fresh.engine) == head_revision()
    fresh.dispose()
