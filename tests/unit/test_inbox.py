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
