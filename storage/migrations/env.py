"""Alembic environment: runs on the connection the bot hands over (see storage.db.upgrade)."""

from alembic import context
from sqlmodel import SQLModel

import storage.models
import storage.slack_oauth  # noqa: F401  (and slack-sdk's OAuth tables)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds the table there, ALTERs elsewhere.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
