"""One error hierarchy for services; the app renders it as JSON or an error page."""
from __future__ import annotations

from typing import Any


class XinshengError(Exception):
    """A failure a user can understand: a code, an HTTP status, a message and data."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, data: dict[str, Any] | None = None, key: str | None = None,
                 params: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.data = data or {}
        #: the web catalogue's words for pages (``web.messages.error_text``); the API keeps ``message``
        self.key = key
        self.params = params or {}

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, "data": self.data}


class NotFound(XinshengError):
    code = "not_found"
    status = 404


class InvalidInput(XinshengError):
    code = "invalid_input"
    status = 422


class InputFileError(XinshengError):
    """An input file that cannot be used at all (missing, unreadable, unknown format)."""

    code = "input_file"
    status = 400


class Forbidden(XinshengError):
    code = "forbidden"
    status = 403


class Unauthorized(XinshengError):
    code = "unauthorized"
    status = 401


class Conflict(XinshengError):
    """An action the current state does not allow (a closed case, no extension left)."""

    code = "conflict"
    status = 409


class Unavailable(XinshengError):
    """Something the request needs cannot be reached now (the database down); try again."""

    code = "unavailable"
    status = 503
