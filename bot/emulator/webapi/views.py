"""views.*: publishing App Home, opening, pushing and updating modals."""

from __future__ import annotations

from bot.emulator.ledger import JsonDict
from bot.emulator.webapi.context import Context, Handler, SlackError


def views_publish(ctx: Context) -> JsonDict:
    user = ctx.user(ctx.text("user_id"))
    payload = ctx.view_payload()
    current = ctx.state.home_view(user.id)
    expected = ctx.text("hash")
    if expected and current is not None and current.hash != expected:
        raise SlackError("hash_conflict")
    return ctx.view_body(ctx.state.publish_home(user.id, payload))


def views_open(ctx: Context) -> JsonDict:
    trigger_id = ctx.text("trigger_id")
    if not trigger_id:
        raise SlackError("invalid_trigger_id")
    payload = ctx.view_payload()
    return ctx.view_body(ctx.state.open_modal(payload, trigger_id=trigger_id))


def views_push(ctx: Context) -> JsonDict:
    trigger_id = ctx.text("trigger_id")
    if not trigger_id:
        raise SlackError("invalid_trigger_id")
    payload = ctx.view_payload()
    below = ctx.state.latest_modal(ctx.state.trigger_user(trigger_id))
    return ctx.view_body(ctx.state.open_modal(payload, trigger_id=trigger_id, previous=below))


def views_update(ctx: Context) -> JsonDict:
    view_id, external_id = ctx.text("view_id"), ctx.text("external_id")
    if not view_id and not external_id:
        raise SlackError("invalid_arguments", messages=["view_id or external_id required"])
    payload = ctx.view_payload()
    view = ctx.state.find_view(view_id=view_id or None, external_id=external_id or None)
    if view is None:
        raise SlackError("not_found")
    expected = ctx.text("hash")
    if expected and expected != view.hash:
        raise SlackError("hash_conflict")
    ctx.state.update_view(view, payload)
    return ctx.view_body(view)


METHODS: dict[str, Handler] = {
    "views.publish": views_publish,
    "views.open": views_open,
    "views.update": views_update,
    "views.push": views_push,
}
