"""Everything Matrix: the mautrix client, the sync loop on its own thread, the `!forvaltning`
messages and reactions translated to the same services as Slack's, and the outbox deliveries."""
