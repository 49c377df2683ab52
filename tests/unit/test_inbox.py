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
