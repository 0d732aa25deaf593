"""A worker's store of users' own answers, kept per data stamp (``OWNER_ANSWER_CACHE_BYTES``).

``auth_user.data_stamp`` is renewed by database triggers on every write to anything a user's
own answers read, whoever writes (migration ``7d2e9b4c1a05``), and the authentication look-up
reads it with the user, in the same statement. An answer is therefore kept under the user, the
stamp and everything else it depends on (``KEY_PARTS``), and a later request with the same key
is answered from the store without running the view: the ETag and ``304`` then come from
``rest.conditional`` as for any answer (a hash of the same body, so a client cannot tell a kept
answer from a fresh one).

Only routes whose answer depends on nothing else are kept: each domain lists its own where it
declares them (``keep_answers_of``, with what else the answer reads); docs/performance.md
("Owner data") says which routes are left out and why. A hit replays what the same view
answered the same user at the same stamp, so authorization is never decided here: a refusal
(401, 403, 404) is never kept, and anonymous requests are never looked up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from flask import Flask, Response, current_app, g, request

from wger_flask.rest import caches
from wger_flask.rest.auth import auth_transport, current_user
from wger_flask.rest.negotiation import JSON_MIMETYPE

STORE = "wger_owner_answers"  # app.extensions key: each app its own store
CONFIG_KEY = "OWNER_ANSWER_CACHE_BYTES"
# headers the store does not keep: recomputed on every answer (length, the tag of the body) or
# belonging to one response only (cookies)
NOT_KEPT = frozenset({"content-length", "etag", "set-cookie"})


def wall_clock() -> dt.datetime:
    """Now (a function, so a test can move it past a boundary an answer depends on)."""
    return dt.datetime.now(dt.UTC)


def nothing_else(user: Any) -> None:
    """The answer reads only the user's own rows (the stamp covers them)."""
    return None


# endpoint → what its answer depends on besides the user's own rows (a function of the user,
# cheap: it runs on every request of the route). Each domain lists its routes where it
# declares them (``keep_answers_of``): only it knows what its answers read.
ROUTES: dict[str, Callable[[Any], object]] = {}


def keep_answers_of(endpoint: str, depends_on: Callable[[Any], object] = nothing_else) -> None:
    """Keep the GET answers of ``endpoint`` under the user's data stamp and ``depends_on(user)``.
    Only for a route whose answer reads nothing but the user's own rows and what
    ``depends_on`` names (docs/performance.md, "Owner data")."""
    ROUTES[endpoint] = depends_on


@dataclass(frozen=True)
class KeptAnswer:
    body: bytes
    headers: tuple[tuple[str, str], ...]  # Content-Type, Vary, Link... as the view set them

    def size_bytes(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 64


class OwnerAnswers:
    """Answers by key, least recently used first out, within ``max_bytes`` (a
    ``caches.BoundedLRU``); an answer over an eighth of the store is never kept."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._answers = caches.BoundedLRU[KeptAnswer](max_bytes, KeptAnswer.size_bytes)

    def get(self, key: tuple[object, ...]) -> KeptAnswer | None:
        return self._answers.get(key)

    def put(self, key: tuple[object, ...], answer: KeptAnswer) -> None:
        if answer.size_bytes() + caches.ENTRY_OVERHEAD > self.max_bytes // 8:
            return  # one answer never takes over the store
        self._answers.put(key, answer)

    def clear(self) -> None:
        self._answers.clear()

    def size_bytes(self) -> int:
        return self._answers.size_bytes()

    def __len__(self) -> int:
        return len(self._answers)


def owner_answers(app: Flask | None) -> OwnerAnswers | None:
    """This app's store, or None when the cache is off."""
    if app is None:
        return None
    return cast("OwnerAnswers | None", app.extensions.get(STORE))


caches.register("owner_answers", owner_answers)


def _key(user: Any) -> tuple[object, ...]:
    """Everything the answer depends on: the user and their stamp, how they authenticated, the
    whole URL (scheme and host: pagination links are absolute; path; query, ``format``
    included), what the client accepts, and the route's own dependencies."""
    endpoint = cast(str, request.endpoint)
    return (
        user.id,
        user.data_stamp,
        auth_transport(),
        request.method,
        request.url,
        request.headers.get("Accept", ""),
        ROUTES[endpoint](user),
    )


def answer_from_store() -> Response | None:
    """``before_request``: a kept answer for this request's key, or None (the view runs)."""
    store = owner_answers(current_app)
    if store is None or request.method not in ("GET", "HEAD") or request.endpoint not in ROUTES:
        return None
    user = current_user()  # a bad credential is its 401 here, as in the view
    if user is None:
        return None
    key = _key(user)
    kept = store.get(key)
    if kept is None:
        g._owner_answer_key = key
        return None
    return Response(kept.body, headers=list(kept.headers))


def keep_answer(response: Response) -> Response:
    """``after_request``: keep a fresh 200 JSON answer under the key its request was given."""
    key = g.pop("_owner_answer_key", None)
    store = owner_answers(current_app)
    if (
        key is None
        or store is None
        or response.status_code != 200
        or response.mimetype != JSON_MIMETYPE
        or response.is_streamed
        or response.direct_passthrough
        or "Set-Cookie" in response.headers
    ):
        return response
    headers = tuple(
        (name, value) for name, value in response.headers if name.lower() not in NOT_KEPT
    )
    store.put(key, KeptAnswer(response.get_data(), headers))
    return response


def init_app(app: Flask) -> None:
    """Register after ``rest.conditional`` (its after-request hook then runs after this one,
    and tags a kept answer as it tags a fresh one) and after the rate limiter's hook."""
    max_bytes = app.config.get(CONFIG_KEY, 0)
    if not max_bytes:
        return
    app.extensions[STORE] = OwnerAnswers(max_bytes)
    app.before_request(answer_from_store)
    app.after_request(keep_answer)


def not_kept() -> None:
    """For a kept route's view whose answer this time reads rows its key does not cover (a
    routine's tree of another user's public template): the answer is served, not kept. A hit
    never reaches the view, so only answers the view let through are ever replayed."""
    g.pop("_owner_answer_key", None)
