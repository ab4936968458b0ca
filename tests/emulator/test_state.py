from concurrent.futures import ThreadPoolExecutor

from slack_sdk import WebClient

from bot.emulator import FakeSlack, WorkspaceState


def test_ts_strictly_increases_even_when_the_clock_stands_still() -> None:
    state = WorkspaceState(clock=lambda: 1_700_000_000.0)
    stamps = [state.next_ts() for _ in range(3)]
    assert stamps == ["1700000000.000000", "1700000000.000001", "1700000000.000002"]


def test_concurrent_posts_get_unique_ordered_ts(fake: FakeSlack, client: WebClient) -> None:
    channels = [fake.state.add_channel(f"c{i}") for i in range(4)]

    def post(i: int) -> str:
        return str(client.chat_postMessage(channel=channels[i % 4], text=str(i))["ts"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        stamps = list(pool.map(post, range(40)))

    assert len(set(stamps)) == 40
    everything = list(fake.state.all_messages())
    assert [m.ts for m in everything] == sorted(stamps)


def test_read_helpers_return_snapshots(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.state.add_channel("projekt")
    client.chat_postMessage(channel=channel, text="original")

    fake.state.messages(channel)[0].text = "changed by a test"

    assert fake.state.messages(channel)[0].text == "original"
