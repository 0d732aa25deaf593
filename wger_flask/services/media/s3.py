"""Stored files in an S3-compatible bucket (``MEDIA_STORAGE=s3``): the same interface as
``LocalStorage``, so every writer (uploads, thumbnails, row deletes, account deletion and
export, ``flask import-wger``) works unchanged on several hosts with no shared disk.

boto3 is the client: it is AWS's own, maintained with the service, and speaks to every
S3-compatible server (MinIO, Ceph RGW, Garage, R2, moto) through ``endpoint_url``; it reads
the usual ``AWS_*`` variables (credentials, region, ``AWS_ENDPOINT_URL``) itself, signs
presigned URLs, and its clients are safe to share between threads, so one client per app
serves every request of a worker.

Names are checked exactly as on disk (``check_name``) and become object keys under an
optional prefix. A ``PutObject`` is atomic (the object appears whole or not at all), deletes
are idempotent, as the local storage's are.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from collections.abc import Callable
from typing import IO, Any, Literal

from wger_flask.services.media.names import (
    CONTENT_TYPES,
    SEGMENT,
    Chunks,
    StoredFile,
    UnsafeName,
    check_name,
    new_name,
)

# Uploads up to this size are kept in memory before they are sent; larger ones spill to disk.
SPOOL_BYTES = 8 * 1024 * 1024
DELETE_BATCH = 1000  # DeleteObjects takes at most 1,000 keys


AddressingStyle = Literal["auto", "path", "virtual"]
ADDRESSING_STYLES: dict[str, AddressingStyle] = {
    "auto": "auto",
    "path": "path",
    "virtual": "virtual",
}


@dataclasses.dataclass(frozen=True)
class S3Settings:
    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str | None = None
    addressing_style: AddressingStyle = "auto"


def make_client(settings: S3Settings) -> Any:
    """A boto3 S3 client for these settings (credentials from the ``AWS_*`` variables)."""
    import boto3
    from botocore.config import Config

    config = Config(
        s3={"addressing_style": settings.addressing_style},
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=5,
        read_timeout=30,
        max_pool_connections=20,  # a worker's threads share one client
    )
    return boto3.session.Session().client(
        "s3", endpoint_url=settings.endpoint_url, region_name=settings.region, config=config
    )


def _missing(error: Exception) -> bool:
    """Whether a botocore error says the object (or bucket) is not there."""
    response = getattr(error, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code in ("404", "NoSuchKey", "NotFound") or status == 404


class S3Storage:
    """Files as objects of one bucket, under an optional key prefix."""

    def __init__(self, settings: S3Settings, client: Any) -> None:
        self.settings = settings
        self.bucket = settings.bucket
        self.prefix = settings.prefix.strip("/") + "/" if settings.prefix.strip("/") else ""
        self.client = client

    def key(self, name: str) -> str:
        """The object key of a stored name (checked: no traversal, a served extension)."""
        return self.prefix + check_name(name)

    def save(self, folder: str, extension: str, write: Callable[[IO[bytes]], object]) -> str:
        """Store a new object: ``write`` fills it; returns its name. The object appears whole
        under its name or not at all (a failed ``write`` sends nothing)."""
        name = new_name(folder, extension)
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as buffer:
            write(buffer)
            buffer.seek(0)
            self.client.upload_fileobj(
                buffer,
                self.bucket,
                self.key(name),
                ExtraArgs={"ContentType": CONTENT_TYPES[extension]},
            )
        return name

    def delete(self, name: str) -> None:
        """Remove an object; a missing one is no error (deletes may be retried)."""
        try:
            key = self.key(name)
        except UnsafeName:
            return
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def delete_folder(self, folder: str) -> None:
        """Remove every object directly in a folder (e.g. a user's gallery), as on disk."""
        if not all(SEGMENT.match(part) for part in folder.split("/")):
            raise UnsafeName(folder)
        paginator = self.client.get_paginator("list_objects_v2")
        pages = paginator.paginate(
            Bucket=self.bucket, Prefix=f"{self.prefix}{folder}/", Delimiter="/"
        )
        keys = [item["Key"] for page in pages for item in page.get("Contents", [])]
        for start in range(0, len(keys), DELETE_BATCH):
            batch = [{"Key": key} for key in keys[start : start + DELETE_BATCH]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})

    def open(self, name: str, start: int = 0) -> IO[bytes]:
        """Read an object, from byte ``start`` on (``FileNotFoundError`` when it is not
        there)."""
        from botocore.exceptions import ClientError

        ranged = {"Range": f"bytes={start}-"} if start else {}
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.key(name), **ranged)
        except ClientError as error:
            if _missing(error):
                raise FileNotFoundError(name) from None
            raise
        body: IO[bytes] = answer["Body"]
        return body

    def exists(self, name: str) -> bool:
        return self.stat(name) is not None

    def stat(self, name: str) -> StoredFile | None:
        """Size, change time and ETag of an object; None when it is not there."""
        from botocore.exceptions import ClientError

        try:
            answer = self.client.head_object(Bucket=self.bucket, Key=self.key(name))
        except UnsafeName:
            return None
        except ClientError as error:
            if _missing(error):
                return None
            raise
        modified = answer.get("LastModified") or dt.datetime.now(dt.UTC)
        return StoredFile(
            size=int(answer["ContentLength"]),
            modified=modified,
            etag=str(answer.get("ETag", "")).strip('"'),
        )

    def chunks(self, name: str) -> Chunks:
        """The object's bytes for an answer: fetched only when the first chunk is asked for
        (a 304 or a HEAD never downloads it), a byte range by a ranged ``GetObject``."""
        return Chunks(lambda start: self.open(name, start))

    def presigned_url(self, name: str, seconds: int, cache_control: str) -> str:
        """A short-lived URL the client fetches the object from, with its content type and
        ``inline`` pinned by the signature."""
        url: str = self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": self.key(name),
                "ResponseContentType": CONTENT_TYPES[name.rsplit(".", 1)[1]],
                "ResponseContentDisposition": "inline",
                "ResponseCacheControl": cache_control,
            },
            ExpiresIn=seconds,
        )
        return url

    def check(self) -> None:
        """Raise unless the bucket answers (``/readyz``): one ``HeadBucket``."""
        self.client.head_bucket(Bucket=self.bucket)
