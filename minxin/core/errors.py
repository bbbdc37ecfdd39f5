"""Domain errors: a machine code, a human message (Chinese for citizens) and an HTTP status.

Services raise these; the API turns them into its one error shape and pages show the
message next to the field that caused it. They are never allowed to become a 500.
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code
        if status:
            self.status = status


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    """Another actor changed the request first, or the action is not legal in its state."""

    status = 409
    code = "conflict"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
