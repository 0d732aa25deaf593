"""How the accounts domain plugs into the generic layer's authentication: a ``Token`` key, a
``Bearer`` access token and the web session cookie each become a user here (``init_app``)."""

from __future__ import annotations

from flask import Flask
from flask import session as flask_session
from flask_login import LoginManager

from wger_flask.models.accounts import User
from wger_flask.rest import auth
from wger_flask.rest.errors import CHALLENGE, APIError
from wger_flask.services.accounts import api_keys, tokens


def init_app(app: Flask, login_manager: LoginManager) -> None:
    """Register the loaders of the three transports on ``app`` (called by ``create_app``)."""
    auth.register_credential_loader(app, auth.TOKEN, api_keys.user_for_key)
    auth.register_credential_loader(app, auth.BEARER, user_for_access_token)
    login_manager.user_loader(load_session_user)


def user_for_access_token(token: str) -> User:
    """The user of a Bearer access token; a bad one is simplejwt's 401 body."""
    try:
        return tokens.user_for_access_token(token)
    except tokens.InvalidToken as error:
        raise APIError(
            401,
            "Given token not valid for any token type",
            body={
                "detail": "Given token not valid for any token type",
                "code": "token_not_valid",
                "messages": [
                    {"token_class": "AccessToken", "token_type": "access", "message": str(error)}
                ],
            },
            headers=CHALLENGE,
        ) from None


def load_session_user(session_id: str) -> User | None:
    """flask-login's loader. The login lives in the server-side session, which was read with
    its user in one statement (``blueprints.accounts.session_store``): no query here. The
    session's ``"<user id>:<credential generation>"`` must still name that user as they are."""
    user: User | None = getattr(flask_session, "user", None)
    if user is None or not user.is_active or user.get_id() != session_id:
        return None
    return user
