"""Domain errors. Services raise them; the API, CLI, forms and importer present them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class DomainError(Exception):
    """A rule of the model was broken. Carries one error per offending field."""

    status_code = 400

    def __init__(self, errors: list[FieldError] | FieldError | str, detail: str | None = None):
        if isinstance(errors, str):
            errors = [FieldError("", errors)]
        elif isinstance(errors, FieldError):
            errors = [errors]
        self.errors = list(errors)
        self.detail = detail or "; ".join(str(e) for e in self.errors)
        super().__init__(self.detail)

    @classmethod
    def field(cls, field: str, message: str) -> DomainError:
        return cls([FieldError(field, message)])


class NotFound(DomainError):
    status_code = 404


class PermissionDenied(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409


class ErrorCollector:
    """Gathers every broken rule before failing, so a user fixes them all in one go."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, message: str) -> None:
        self.errors.append(FieldError(field, message))

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self, detail: str | None = None) -> None:
        if self.errors:
            raise DomainError(self.errors, detail)
