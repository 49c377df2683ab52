"""Where things live and which city we serve, read from the environment in one place.

Every other module asks here instead of reading ``os.environ`` itself, so a data engineer can see every
setting Muara honours in one screen (and ``.env.example`` lists the same names).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

DEFAULT_CITY = "53.71"  # Kota Kupang


def project_root() -> Path:
    """The checkout: ``MUARA_HOME`` if set, else the folder holding ``schemas/`` above this package."""
    if home := os.environ.get("MUARA_HOME"):
        return Path(home).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "schemas").is_dir() and (parent / "pyproject.toml").is_file():
            return parent
    return Path.cwd().resolve()


def schemas_dir() -> Path:
    return project_root() / "schemas"


def reference_dir() -> Path:
    return schemas_dir() / "reference"


def data_dir() -> Path:
    """Runtime data (inbox, archive, reports, the embedded Postgres cluster); git-ignored."""
    return Path(os.environ.get("MUARA_DATA_DIR") or project_root() / "data").resolve()


def portal_port() -> int:
    """Pintu Data, the officers' portal and push API (``muara portal up``): ``MUARA_PORTAL_PORT``, default 8090."""
    return int(os.environ.get("MUARA_PORTAL_PORT") or 8090)


def portal_https() -> bool:
    """``MUARA_PORTAL_HTTPS=1`` when the portal is served behind HTTPS: its cookies are then marked Secure."""
    return (os.environ.get("MUARA_PORTAL_HTTPS") or "").strip().lower() in ("1", "true", "yes")


def max_file_bytes() -> int:
    """The largest export accepted (``MUARA_MAX_FILE_MB``, default 2048 MB): the readers and the portal's upload
    both hold files to it."""
    return int(float(os.environ.get("MUARA_MAX_FILE_MB") or 2048) * 1024 * 1024)


def city_code() -> str:
    return (os.environ.get("MUARA_CITY") or DEFAULT_CITY).strip()


@dataclass(frozen=True)
class City:
    """A city Muara can serve: its Kemendagri code, name and the zone its local times are written in."""

    code: str
    name: str
    province: str
    zone_label: str  # WIB / WITA / WIT, as officers say it
    tz_name: str  # IANA name
    centre_lat: float
    centre_lon: float
    area_km2: float

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.tz_name)

    def bounds(self) -> dict[str, float]:
        """A generous box around the city: coordinates outside it are a typo, not a place in this city.

        Half-width is 2.5 times the radius of a disc of the city's area (at least 15 km), so a sprawling
        kota like Batam (1,020 km², islands included) keeps its edges and Kupang (159 km²) gets ±18 km.
        """
        import math

        half_km = max(15.0, 2.5 * math.sqrt(self.area_km2 / math.pi))
        dlat = half_km / 111.0
        dlon = half_km / (111.0 * math.cos(math.radians(self.centre_lat)))
        return {
            "latitude_min": round(self.centre_lat - dlat, 4),
            "latitude_max": round(self.centre_lat + dlat, 4),
            "longitude_min": round(self.centre_lon - dlon, 4),
            "longitude_max": round(self.centre_lon + dlon, 4),
        }


class UnknownCityError(ValueError):
    """MUARA_CITY names a city that has no row in schemas/reference/kota.csv."""


@cache
def _cities() -> dict[str, City]:
    import csv

    ref = reference_dir()
    with (ref / "kota.csv").open(encoding="utf-8", newline="") as f:
        kota = {row["kode_kota"]: row for row in csv.DictReader(f)}
    with (ref / "kota_setelan.csv").open(encoding="utf-8", newline="") as f:
        setelan = {row["kode_kota"]: row for row in csv.DictReader(f)}
    cities = {}
    for code, row in kota.items():
        s = setelan.get(code)
        if s is None:
            continue
        cities[code] = City(
            code=code,
            name=row["nama_kota"],
            province=row["nama_provinsi"],
            zone_label=s["zona_waktu"],
            tz_name=s["iana_tz"],
            centre_lat=float(s["lat_pusat"]),
            centre_lon=float(s["lon_pusat"]),
            area_km2=float(row["luas_km2"]),
        )
    return cities


def known_cities() -> dict[str, City]:
    return dict(_cities())


def city(code: str | None = None) -> City:
    """The configured city (``MUARA_CITY``, default 53.71 Kota Kupang) or the one named."""
    code = code or city_code()
    cities = _cities()
    if code not in cities:
        known = ", ".join(f"{c} ({v.name})" for c, v in sorted(cities.items()))
        raise UnknownCityError(
            f"MUARA_CITY={code!r} is not a known city. Known: {known}. "
            "Add the city to schemas/reference/kota.csv and kota_setelan.csv to serve it."
        )
    return cities[code]


def open311_limits() -> dict[str, int]:
    """Abuse limits of the Open311 POST (``/open311/v2/requests``): reports per minute per client address
    (``MUARA_OPEN311_POSTS_PER_IP``, default 10: a person on a phone sends one or two), per API key
    (``MUARA_OPEN311_POSTS_PER_KEY``, default 60: a client app's server relays many citizens), and the largest
    form body in bytes (``MUARA_OPEN311_MAX_BODY_KB``, default 16 KB: a 4,000-character description URL-encoded
    as multi-byte UTF-8 with every other field still fits; photos travel as ``media_url``, never in the body)."""
    return {
        "per_ip": int(os.environ.get("MUARA_OPEN311_POSTS_PER_IP") or 10),
        "per_key": int(os.environ.get("MUARA_OPEN311_POSTS_PER_KEY") or 60),
        "max_body": int(float(os.environ.get("MUARA_OPEN311_MAX_BODY_KB") or 16) * 1024),
    }
