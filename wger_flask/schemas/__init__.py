"""Marshmallow schemas by domain: the wire format of every resource."""
