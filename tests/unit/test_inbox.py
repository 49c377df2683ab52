"""The inbox and the archive: the archive holds originals with personal data, so only the service may read it."""

from __future__ import annotations

import stat
import uuid
from pathlib import Path

from muara.ingest import inbox


def test_archived_originals_are_readable_by_the_service_only(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    root.mkdir(mode=0o755)
    sent = tmp_path / "inbox" / "PUPR" / "aduan" / "aduan.csv"
    sent.parent.mkdir(parents=True)
    sent.write_text("nomor_aduan\nA-1\n", encoding="utf-8")
    target = inbox.archive(sent, "PUPR", "aduan", uuid.uuid4(), root=root)
    assert target.read_text(encoding="utf-8") == "nomor_aduan\nA-1\n" and not sent.exists()
    for folder in (root, target.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_the_archive_is_where_the_ledger_was_told_before_the_move(tmp_path: Path) -> None:
    """The ingest records the archive path in the file's transaction, before the move: the two must agree."""
    root = tmp_path / "archive"
    sent = tmp_path / "inbox" / "PUPR" / "aduan" / "aduan.csv"
    sent.parent.mkdir(parents=True)
    sent.write_text("nomor_aduan\nA-1\n", encoding="utf-8")
    batch = uuid.uuid4()
    planned = inbox.archive_target(sent, "PUPR", "aduan", batch, root=root)
    assert not planned.exists() and planned.name == f"{batch}__aduan.csv"
    assert inbox.archive(sent, "PUPR", "aduan", batch, root=root, target=planned) == planned
    assert planned.is_file() and not sent.exists()


def test_the_inbox_scan_follows_no_symlink(tmp_path: Path) -> None:
    root = tmp_path / "inbox"
    real = root / "PUPR" / "aduan"
    real.mkdir(parents=True)
    (real / "aduan.csv").write_text("x\n", encoding="utf-8")
    secret = tmp_path / "rahasia.csv"
    secret.write_text("nik\n", encoding="utf-8")
    (real / "tautan.csv").symlink_to(secret)  # a file link
    (root / "DLHK").mkdir()
    (root / "DLHK" / "aduan").symlink_to(tmp_path)  # a folder link
    (root / "DISHUB").symlink_to(root / "PUPR")  # a sender link
    found = [(p.sender, p.dataset, Path(p.path).name) for p in inbox.pending(["aduan"], root=root)]
    assert found == [("PUPR", "aduan", "aduan.csv")]


def test_the_inbox_watcher_fires_once_per_new_settled_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """What the ingest DAG's inbox watcher (``InboxTrigger``, in the triggerer) yields: an event once a new file has
    kept its size over one poll, none while it grows, none again for a file already announced, one for a changed or
    another new file, and no file name in the event (the names are the officers' text). The trigger itself runs in
    a real triggerer in tests/e2e/test_airflow_up.py."""
    import asyncio

    monkeypatch.setenv("MUARA_DATA_DIR", str(tmp_path))
    folder = tmp_path / "inbox" / "PUPR" / "aduan"
    folder.mkdir(parents=True)
    (tmp_path / "inbox" / "PUPR" / "bukan_dataset").mkdir()

    async def scenario() -> list[dict[str, int]]:
        events: list[dict[str, int]] = []
        queue: asyncio.Queue[dict[str, int]] = asyncio.Queue()

        async def pump() -> None:  # the triggerer's part: consume the trigger's events as they come
            async for payload in inbox.arrivals(poll_seconds=0.05):
                await queue.put(payload)

        running = asyncio.create_task(pump())

        async def next_event(timeout: float) -> dict[str, int] | None:
            try:
                return await asyncio.wait_for(queue.get(), timeout)
            except TimeoutError:
                return None

        assert await next_event(0.3) is None  # an empty inbox
        (tmp_path / "inbox" / "PUPR" / "bukan_dataset" / "x.csv").write_text("a\n")  # not a dataset: ignored
        growing = folder / "aduan_1.csv"
        growing.write_text("nomor_aduan\n")
        for n in range(4):  # still being written: it grows every poll
            await asyncio.sleep(0.05)
            with growing.open("a") as f:
                f.write(f"A-{n}\n")
        events.append(await next_event(1.0) or {})
        assert await next_event(0.3) is None  # announced once, however long it waits
        (folder / "aduan_2.csv.part").write_text("nomor_aduan\nB-1\n")  # a copy in progress: not yet a file
        assert await next_event(0.3) is None
        (folder / "aduan_2.csv.part").rename(folder / "aduan_2.csv")
        events.append(await next_event(1.0) or {})
        with growing.open("a") as f:  # sent again with more rows: new to the ledger, announced again
            f.write("A-9\n")
        events.append(await next_event(1.0) or {})
        running.cancel()
        return events

    events = asyncio.run(scenario())
    assert events == [
        {"berkas_baru": 1, "menunggu": 1},
        {"berkas_baru": 1, "menunggu": 2},
        {"berkas_baru": 1, "menunggu": 2},
    ]
