"""A conversation with the bot, apart from any platform: a parsed command in, one use case
run, an answer out with whether it is for the person alone or for the channel.

Slack's and Matrix's listeners only translate: each parses in its dialect, calls `run` with an
`Asked`, and puts the `Answer` where its platform puts a private or a shared answer.
"""

from bot.conversation.answer import Answer, Asked, Visibility
from bot.conversation.meeting import rule_on_jav
from bot.conversation.record import justera_record
from bot.conversation.table import ROUTES, run

__all__ = ["ROUTES", "Answer", "Asked", "Visibility", "justera_record", "rule_on_jav", "run"]
