"""The one error type of a refused write, which pages show as a message and the API as
JSON with the status it carries."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _


class Refused(Exception):
    """A write the rules do not allow now; the message says why, in Chinese.

    ``errors`` maps field names (or ``NON_FIELD_ERRORS``) to messages, so a form can
    put each message by its field and the API can answer field by field.
    """

    status = 400

    def __init__(self, message: str = "", errors: dict[str, list[str]] | None = None) -> None:
        self.errors: dict[str, list[str]] = errors or {NON_FIELD_ERRORS: [message]}
        super().__init__(message or "；".join(m for messages in self.errors.values() for m in messages))

    @classmethod
    def from_validation_error(cls, error: DjangoValidationError) -> "Refused":
        if hasattr(error, "error_dict"):
            return cls(errors={name: [str(m) for m in messages] for name, messages in error.message_dict.items()})
        return cls(errors={NON_FIELD_ERRORS: [str(m) for m in error.messages]})


class NotPermitted(Refused):
    """The user's role or scope does not allow this write."""

    status = 403


class Conflict(Refused):
    """The write conflicts with the stored state: a stale edit, a record still in use, a
    duplicate."""

    status = 409


class StaleEdit(Conflict):
    """The object changed since the editor loaded it."""

    def __init__(self, current_version: int | None) -> None:
        self.current_version = current_version
        super().__init__(
            _("该记录已被他人修改（当前版本 %(version)s），您的修改未保存。请刷新后重新编辑。")
            % {"version": current_version}
        )
