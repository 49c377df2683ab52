"""Citizens' photos from ``/lapor``: checked, their EXIF position read, and stored re-encoded without metadata.

What a photo goes through, in this order, before anything of it is written:

1. **size**: at most ``MUARA_LAPOR_FOTO_MB`` (default 8 MB; a phone's camera JPEG is 2-6 MB); bigger is
   refused with 413. The portal's body limit for ``/lapor`` is this plus a small envelope, so a bigger body is
   cut off while it streams in (:mod:`muara.portal.app`).
2. **type by content**, never by name or the browser's Content-Type: the first bytes must be JPEG, PNG or WebP
   and Pillow must open it as that format and ``verify()`` it (a PDF renamed ``.jpg`` fails the first check,
   a truncated or forged image the second).
3. **decompression bombs**: the header's width x height must stay under :data:`MAX_PIXELS` (50 megapixels:
   phone cameras make 12-50 MP; a small file that claims more is a bomb), checked before any pixel is decoded;
   Pillow's own ``DecompressionBombWarning`` is an error here too.
4. **EXIF GPS** is read (``GPSLatitude``/``GPSLongitude`` with their N/S, E/W references) and offered as the
   report's location when the reporter gave none and it lies inside the city's bounds.
5. **stored re-encoded**: orientation applied, at most :data:`MAX_SIDE` px on the long side, RGB JPEG (quality
   85) written with no EXIF, ICC, XMP or comment at all, under ``data/media/<yyyy>/<mm>/<random>.jpg``
   (``muara.settings.data_dir()``), served read-only at ``/media/<yyyy>/<mm>/<random>.jpg``
   (:func:`media_file` maps such a URL back to the file and refuses everything else).
"""

from __future__ import annotations

import io
import os
import re
import secrets
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from muara import settings

#: the decoded image's largest area; above it the photo is refused before its pixels are decoded
MAX_PIXELS = 50_000_000
#: the stored copy's longest side in pixels (enough to see a pothole; keeps data/media small)
MAX_SIDE = 2048
MEDIA_URL = "/media"
#: first bytes of the formats accepted, and Pillow's name for each
MAGIC = ((b"\xff\xd8\xff", "JPEG"), (b"\x89PNG\r\n\x1a\n", "PNG"))
STORED_NAME = re.compile(r"^(\d{4})/(0[1-9]|1[0-2])/([A-Za-z0-9_-]{20,64})\.jpg$")


def max_bytes() -> int:
    """The largest photo accepted: ``MUARA_LAPOR_FOTO_MB`` (default 8)."""
    return int(float(os.environ.get("MUARA_LAPOR_FOTO_MB") or 8) * 1024 * 1024)


def too_large_text() -> str:
    return (
        f"Foto lebih besar dari batas {max_bytes() / (1024 * 1024):.3g} MB. Kirim foto yang lebih kecil (misalnya "
        "ambil ulang dengan resolusi lebih rendah, atau kirim tangkapan layar foto itu)."
    )


class FotoError(ValueError):
    """A photo refused: ``status`` (413 too large, 400 not an accepted image) and the reason in Bahasa."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


NOT_AN_IMAGE = (
    "Berkas yang dikirim bukan foto yang bisa dibaca. Kirim foto JPEG, PNG atau WebP (foto dari kamera ponsel "
    "biasanya JPEG); berkas lain (PDF, dokumen, video) tidak diterima."
)


@dataclass(frozen=True)
class Foto:
    """A stored photo: its public URL, its file, and the position its EXIF carried (if any)."""

    url: str
    path: Path
    lat: float | None
    long: float | None
    width: int
    height: int


def media_root() -> Path:
    return settings.data_dir() / "media"


def sniff(head: bytes) -> str | None:
    """The accepted format the first bytes announce (JPEG, PNG, WEBP), else None."""
    for magic, name in MAGIC:
        if head.startswith(magic):
            return name
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def _ratio(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        num, den = value
        return float(num) / float(den)


def _degrees(dms: Any, ref: Any) -> float | None:
    try:
        d, m, s = (_ratio(v) for v in dms)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = d + m / 60.0 + s / 3600.0
    ref_text = ref.decode(errors="ignore") if isinstance(ref, bytes) else str(ref or "")
    return -value if ref_text.strip().upper() in ("S", "W") else value


def gps_of(exif: Any) -> tuple[float, float] | None:
    """(lat, long) from an image's EXIF GPS IFD, or None when it has none or it does not parse."""
    try:
        gps = exif.get_ifd(0x8825)
    except Exception:
        return None
    if not gps or 2 not in gps or 4 not in gps:
        return None
    lat, lon = _degrees(gps[2], gps.get(1)), _degrees(gps[4], gps.get(3))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return round(lat, 6), round(lon, 6)


def in_city(lat: float, lon: float) -> bool:
    b = settings.city().bounds()
    return b["latitude_min"] <= lat <= b["latitude_max"] and b["longitude_min"] <= lon <= b["longitude_max"]


def check(data: bytes) -> tuple[Any, tuple[float, float] | None]:
    """The decoded image (pixels loaded, orientation applied) and its EXIF position; :class:`FotoError` if the
    bytes are too many or not an accepted image."""
    from PIL import Image, ImageOps

    if len(data) > max_bytes():
        raise FotoError(413, too_large_text())
    fmt = sniff(data[:16])
    if fmt is None:
        raise FotoError(400, NOT_AN_IMAGE)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[fmt]) as probe:
                if probe.width * probe.height > MAX_PIXELS:
                    raise FotoError(
                        400,
                        f"Foto terlalu besar ukurannya ({probe.width} x {probe.height} piksel; batas "
                        f"{MAX_PIXELS // 1_000_000} megapiksel). Kirim foto dengan resolusi lebih rendah.",
                    )
                probe.verify()
            img: Any = Image.open(io.BytesIO(data), formats=[fmt])
            position = gps_of(img.getexif())
            img.load()
            img = ImageOps.exif_transpose(img)  # as the phone showed it: the orientation tag goes with the EXIF
        except FotoError:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise FotoError(400, "Foto terlalu besar ukurannya. Kirim foto dengan resolusi lebih rendah.") from exc
        except Exception as exc:  # UnidentifiedImageError, SyntaxError from verify(), OSError on truncated data
            raise FotoError(400, NOT_AN_IMAGE) from exc
    return img, position


def store(img: Any, now: datetime | None = None) -> tuple[str, Path]:
    """Write the image as a fresh JPEG with no metadata under ``data/media/<yyyy>/<mm>/``; (URL, path)."""
    from PIL import Image

    now = now or datetime.now(UTC)
    local = now.astimezone(settings.city().tz)
    rel = f"{local:%Y}/{local:%m}/{secrets.token_urlsafe(18)}.jpg"
    if img.mode not in ("RGB", "L"):
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        img = flat
    img.thumbnail((MAX_SIDE, MAX_SIDE))
    # a new image from the pixels alone: nothing of the original's info (EXIF, ICC, XMP, comments) follows it
    clean = Image.new(img.mode, img.size)
    clean.paste(img)
    path = media_root() / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    clean.save(tmp, "JPEG", quality=85, optimize=True)
    tmp.replace(path)
    return f"{MEDIA_URL}/{rel}", path


def accept(data: bytes, now: datetime | None = None) -> Foto:
    """Check ``data`` and store its clean copy; the EXIF position is kept only when it is inside the city."""
    img, position = check(data)
    url, path = store(img, now)
    lat, lon = position if position and in_city(*position) else (None, None)
    return Foto(url=url, path=path, lat=lat, long=lon, width=img.width, height=img.height)


def media_file(rel: str) -> Path | None:
    """The stored file a ``/media/<rel>`` URL names, or None: only names :func:`store` makes, inside
    ``data/media``, that exist as files (no directory listing, no ``..``, no other extension)."""
    if not STORED_NAME.fullmatch(rel):
        return None
    root = media_root().resolve()
    path = (root / rel).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path
