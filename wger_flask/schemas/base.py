"""The base schema: unknown body fields are dropped (DRF), field order is kept."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema


class BaseSchema(Schema):
    class Meta:
        unknown = EXCLUDE
        ordered = True
