"""slack-sdk's OAuth tables: the one storage module that knows Slack.

Multi-workspace installs (OAuth): slack-sdk's own stores read and write these tables on our
engine. Their definitions come from the stores themselves, so our metadata (and with it the
migrations == models test) describes exactly what the stores use; migration 0007 creates them.
"""

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (the metadata with our naming convention comes first)

INSTALLATIONS_TABLE = SQLAlchemyInstallationStore.build_installations_table(
    SQLModel.metadata, SQLAlchemyInstallationStore.default_installations_table_name
)
BOTS_TABLE = SQLAlchemyInstallationStore.build_bots_table(
    SQLModel.metadata, SQLAlchemyInstallationStore.default_bots_table_name
)
OAUTH_STATES_TABLE = SQLAlchemyOAuthStateStore.build_oauth_states_table(
    SQLModel.metadata, SQLAlchemyOAuthStateStore.default_table_name
)
