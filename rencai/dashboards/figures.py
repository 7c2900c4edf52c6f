"""The figures of the leader view and of generated documents: defined in core so that
every app's providers can contribute them (see :mod:`rencai.core.figures`)."""

from rencai.core.figures import Block, Count, Figure, Period, list_count, named

__all__ = ["Block", "Count", "Figure", "Period", "list_count", "named"]
