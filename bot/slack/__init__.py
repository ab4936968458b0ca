"""Everything Slack: the Bolt app, its listeners, OAuth, the manifest, locale look-ups."""
