"""Turning what services refuse into messages on the page: never a 500 for any input."""

from django.core.exceptions import ValidationError

from audits.exceptions import DomainError

SERVICE_ERRORS = (DomainError, ValidationError)


def add_service_error(form, error) -> None:
    """Put a DomainError or ValidationError on the form: per field where the form has
    that field, otherwise as an error of the whole form."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message if target else _prefixed(field, message))
        return
    messages = error.messages if isinstance(error, ValidationError) else [error.message]
    for message in messages:
        form.add_error(None, message)


def _prefixed(field, message):
    return message if field in ("__all__", "non_field_errors") else f"{field}: {message}"


def error_text(error) -> str:
    """One line for a flash message."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return error.message
