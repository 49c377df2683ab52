"""Citizens' photos (muara.portal.warga.foto): only real JPEG/PNG/WebP images, no bigger than the limit, no
decompression bombs; the EXIF GPS position read; the stored copy carries no metadata; /media/ names only what
store() wrote."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from muara.portal.warga import foto

KUPANG = (-10.158333, 123.6)


def jpeg_with_gps(lat: float = KUPANG[0], lon: float = KUPANG[1], size: tuple[int, int] = (640, 480)) -> bytes:
    """A small JPEG whose EXIF holds a GPS position, a camera model and a comment, as a phone writes them."""
    img = Image.new("RGB", size, (180, 90, 40))
    exif = Image.Exif()
    exif[0x0110] = "Ponsel Uji 9"  # Model
    exif[0x8825] = {
        1: "S" if lat < 0 else "N",
        2: (float(int(abs(lat))), float(int(abs(lat) * 60 % 60)), round(abs(lat) * 3600 % 60, 2)),
        3: "E" if lon >= 0 else "W",
        4: (float(int(abs(lon))), float(int(abs(lon) * 60 % 60)), round(abs(lon) * 3600 % 60, 2)),
    }
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif, comment=b"rahasia")
    return buf.getvalue()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MUARA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MUARA_LAPOR_FOTO_MB", raising=False)
    return tmp_path / "data"


def test_exif_gps_is_read_and_the_stored_copy_has_no_metadata(data_dir: Path) -> None:
    got = foto.accept(jpeg_with_gps())
    assert (got.lat, got.long) == pytest.approx(KUPANG, abs=1e-4)
    assert got.url.startswith("/media/") and got.path.is_relative_to(data_dir / "media")
    with Image.open(got.path) as stored:
        assert stored.format == "JPEG"
        assert len(stored.getexif()) == 0
        assert not {"exif", "comment", "icc_profile", "xmp"} & set(stored.info)
    raw = got.path.read_bytes()
    assert b"Exif" not in raw and b"Ponsel Uji" not in raw and b"rahasia" not in raw
    assert foto.media_file(got.url.removeprefix("/media/")) == got.path.resolve()


def test_a_position_outside_the_city_is_not_used() -> None:
    got = foto.accept(jpeg_with_gps(-6.2, 106.8))  # Jakarta, not Kupang
    assert got.lat is None and got.long is None


def test_png_and_webp_are_accepted_and_stored_as_jpeg() -> None:
    for fmt in ("PNG", "WEBP"):
        buf = io.BytesIO()
        Image.new("RGBA", (50, 40), (0, 0, 255, 128)).save(buf, fmt)
        got = foto.accept(buf.getvalue())
        assert got.path.suffix == ".jpg" and (got.width, got.height) == (50, 40)


def test_not_images_are_refused() -> None:
    pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    truncated = jpeg_with_gps()[:300]
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    for data in (pdf, b"bukan foto sama sekali", truncated, gif.getvalue(), b""):
        with pytest.raises(foto.FotoError) as caught:
            foto.check(data)
        assert caught.value.status == 400 and "bukan foto" in str(caught.value)


def test_too_large_is_413_and_the_limit_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert foto.max_bytes() == 8 * 1024 * 1024
    monkeypatch.setenv("MUARA_LAPOR_FOTO_MB", "0.01")
    with pytest.raises(foto.FotoError) as caught:
        foto.check(jpeg_with_gps(size=(800, 800)) + b"\0" * 20_000)
    assert caught.value.status == 413 and "0.01 MB" in str(caught.value)


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    buf = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(buf, "PNG")  # 60 megapixels in a few kilobytes
    assert len(buf.getvalue()) < 100_000
    with pytest.raises(foto.FotoError) as caught:
        foto.check(buf.getvalue())
    assert caught.value.status == 400 and "megapiksel" in str(caught.value)


def test_media_names_only_what_store_writes(data_dir: Path) -> None:
    (data_dir / "secrets").mkdir(parents=True)
    (data_dir / "secrets" / "portal-csrf.key").write_text("x")
    got = foto.accept(jpeg_with_gps())
    year, month, name = got.url.removeprefix("/media/").split("/")
    for rel in (
        "../secrets/portal-csrf.key",
        f"{year}/{month}/../../../secrets/portal-csrf.key",
        f"{year}/{month}/",
        f"{year}/{month}",
        f"{year}/{month}/{name[:-4]}.png",
        f"{year}/13/{name}",
        f"{year}/{month}/nothing_like_this_exists_1234.jpg",
    ):
        assert foto.media_file(rel) is None, rel
