"""URL converters. ``<id:pk>`` matches a record id the databases can hold (at most 18
digits), so an absurd id in an address answers 404 instead of overflowing the query."""

from django.urls import register_converter


class RecordId:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(RecordId, "id")
