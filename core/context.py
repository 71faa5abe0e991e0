"""Per-request context (request id) that audit rows carry, set by RequestContextMiddleware."""

import contextvars
import uuid

_request_id = contextvars.ContextVar("kedao_request_id", default=None)


def current_request_id():
    return _request_id.get()


def set_request_id(value=None):
    return _request_id.set(value or uuid.uuid4())


def reset_request_id(token):
    _request_id.reset(token)
