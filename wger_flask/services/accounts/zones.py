"""The user's time zone: the profile's IANA name (``time_zone``) as a zone, one rule for every
domain (workout sessions' local times, statistics' days, measurement buckets)."""

from __future__ import annotations

import functools
import zoneinfo
from typing import Any

from sqlalchemy import select

from wger_flask.models.accounts import UserProfile

UTC = zoneinfo.ZoneInfo("UTC")


@functools.cache
def known_time_zones() -> frozenset[str]:
    """The IANA names a profile may hold."""
    return frozenset(zoneinfo.available_timezones())


def zone_named(name: str | None) -> zoneinfo.ZoneInfo:
    """The zone of an IANA name; empty, unknown or malformed: UTC (the server's time)."""
    if name:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return UTC


def time_zone_of(session: Any, user_id: int) -> zoneinfo.ZoneInfo:
    """The user's zone, as their profile says (UTC when it says nothing)."""
    name = session.execute(
        select(UserProfile.time_zone).where(UserProfile.user_id == user_id)
    ).scalar()
    return zone_named(name)
