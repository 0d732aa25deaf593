"""The caller's own account over the API: /userprofile/, its email verification, and
/check-permission/."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView
from marshmallow import ValidationError
from sqlalchemy import bindparam, select

from wger_flask.extensions import db
from wger_flask.models.accounts import User, UserProfile
from wger_flask.models.types import utcnow
from wger_flask.rest import negotiation, owner_answers, throttling
from wger_flask.rest.auth import current_user
from wger_flask.rest.errors import APIError, ValidationFailed
from wger_flask.rest.loading import ReadPlan, read_one
from wger_flask.rest.permissions import require_user
from wger_flask.rest.requests import json_body
from wger_flask.rest.resources import commit
from wger_flask.rest.serialization import compile_dumper
from wger_flask.rest.smorest import (
    AUTHENTICATED,
    OPTIONAL_AUTH,
    VALIDATION_ERROR,
    Blueprint,
    documented,
    error_response,
    set_doc,
)
from wger_flask.schemas.accounts import MIN_ACCOUNT_AGE_TO_TRUST, UserprofileSchema
from wger_flask.schemas.fields import messages_of
from wger_flask.services import catalogue
from wger_flask.services.accounts import lifecycle, users

blp = Blueprint("accounts", __name__, url_prefix="/api/v2", description="The caller's account")

PROFILE_PLAN = ReadPlan.for_schema(UserProfile, UserprofileSchema)
dump_profile = compile_dumper(UserprofileSchema)
profile_writer = UserprofileSchema(partial=True)


# Built once: every authenticated client reads its profile first, often.
PROFILE_OF_USER = select(UserProfile).where(UserProfile.user_id == bindparam("user_id"))


def stored_profile(user: User) -> UserProfile | None:
    return db.session.execute(PROFILE_OF_USER, {"user_id": user.id}).scalar_one_or_none()


def own_profile(user: User) -> UserProfile:
    """The caller's profile row to change: every account gets one at registration (and a
    migration gave one to those made before); a write makes a missing one."""
    profile = stored_profile(user)
    if profile is None:
        profile = UserProfile(user_id=user.id)
        db.session.add(profile)
        db.session.flush()
    return profile


def profile_response(profile: UserProfile) -> Response:
    record = read_one(PROFILE_PLAN, select(UserProfile).where(UserProfile.id == profile.id))
    return negotiation.render(dump_profile(record))


def _update() -> Response:
    user = require_user(current_user())
    try:
        changes: dict[str, Any] = profile_writer.load(json_body())
    except ValidationError as error:
        raise ValidationFailed(messages_of(error)) from None
    profile = own_profile(user)
    users.update_profile(profile, changes, utcnow())
    commit()
    return profile_response(profile)


class UserprofileView(MethodView):
    """The caller's profile: account facts and preferences (one per user, no id)."""

    decorators = [
        throttling.throttle(
            throttling.REGISTRATION, methods=["POST", "PUT", "PATCH"], requires_user=True
        )
    ]

    def get(self) -> Response:
        # a read writes nothing: a profile that is missing shows its defaults
        user = require_user(current_user())
        profile = stored_profile(user) or users.default_profile(user)
        # the loaded row (and its user, already in the session) is dumped as is
        return negotiation.render(dump_profile(profile))

    def put(self) -> Response:
        return _update()

    def patch(self) -> Response:
        return _update()

    def post(self) -> Response:
        """Deprecated alias of PATCH, kept for old clients."""
        return _update()


VERIFY_EMAIL_DOC = {
    "operationId": "userprofile_verify_email_create",
    "responses": {
        "200": {
            "description": "What happened",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "status": {"type": "string"},
                            "result": {"type": "string"},
                            "message": {"type": "string"},
                        },
                        "required": ["message"],
                    }
                }
            },
        },
        "401": error_response("Authentication credentials were not provided or invalid"),
    },
    "security": AUTHENTICATED,
}


@documented(VERIFY_EMAIL_DOC)
def verify_email() -> Response:
    """Send the caller a link that verifies their email address."""
    user = require_user(current_user())
    if not user.email:
        return negotiation.render(
            {"result": "not sent", "message": "The user has no associated email"}
        )
    if user.email_verified:
        return negotiation.render(
            {"status": "verified", "message": "This email is already verified"}
        )
    outcome = lifecycle.send_verification_mail(user)
    if outcome == lifecycle.TOO_SOON:
        return negotiation.render(
            {
                "status": "not sent",
                "message": "A verification email was sent a moment ago: try again in a few minutes",
            }
        )
    return negotiation.render(
        {"status": "sent", "message": f"A verification email was sent to {user.email}"}
    )


blp.add_url_rule("/userprofile/verify-email/", "verify_email", verify_email, methods=["POST"])


CHECK_PERMISSION_DOC = {
    "operationId": "check_permission_retrieve",
    "parameters": [
        {
            "in": "query",
            "name": "permission",
            "required": True,
            "schema": {"type": "string"},
            "description": "app_label.codename",
        }
    ],
    "responses": {
        "200": {
            "description": "The answer",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {"result": {"type": "boolean"}},
                        "required": ["result"],
                    }
                }
            },
        },
        "400": {
            "description": "The permission parameter is missing: a bare JSON string, as "
            "upstream answers it",
            "content": {"application/json": {"schema": {"type": "string"}}},
        },
    },
    "security": OPTIONAL_AUTH,
}


@documented(CHECK_PERMISSION_DOC)
def check_permission() -> Response:
    """Whether the caller has a permission (``?permission=app.codename``)."""
    name = request.args.get("permission")
    if not name:
        raise APIError(400, body="Please pass a permission name in the 'permission' parameter")
    return negotiation.render({"result": catalogue.holds_permission(current_user(), name)})


blp.add_url_rule("/check-permission/", "check_permission", check_permission, methods=["GET"])


PROFILE_RESPONSE = {
    "200": {
        "description": "The profile",
        "content": {"application/json": {"schema": UserprofileSchema}},
    },
    "401": error_response("Authentication credentials were not provided or invalid"),
}
PROFILE_WRITE = {
    "requestBody": {"content": {"application/json": {"schema": UserprofileSchema(partial=True)}}},
    "responses": {
        **PROFILE_RESPONSE,
        "400": VALIDATION_ERROR,
        "429": error_response("Too many requests: see the Retry-After header"),
    },
    "security": AUTHENTICATED,
}
set_doc(
    UserprofileView.get,
    {
        "operationId": "userprofile_retrieve",
        "summary": "Your profile",
        "responses": PROFILE_RESPONSE,
        "security": AUTHENTICATED,
    },
)
set_doc(
    UserprofileView.put,
    {**PROFILE_WRITE, "operationId": "userprofile_update", "summary": "Update your profile"},
)
set_doc(
    UserprofileView.patch,
    {
        **PROFILE_WRITE,
        "operationId": "userprofile_partial_update",
        "summary": "Partly update your profile",
    },
)
set_doc(
    UserprofileView.post,
    {**PROFILE_WRITE, "operationId": "userprofile_update_legacy", "deprecated": True},
)
blp.add_url_rule("/userprofile/", view_func=UserprofileView, endpoint="userprofile")


def _trusted_by_age(user: Any) -> bool:
    # is_trustworthy turns three weeks after joining, with no write: which side of that moment
    # the request is on is part of the kept answer's key (the rest of the rule reads the user
    # and profile rows, which the data stamp covers)
    return bool(owner_answers.wall_clock() - user.date_joined > MIN_ACCOUNT_AGE_TO_TRUST)


owner_answers.keep_answers_of("accounts.userprofile", _trusted_by_age)
