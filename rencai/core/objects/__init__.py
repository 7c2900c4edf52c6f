"""Declared objects: one declaration per model gives its pages, export and API.

``config`` holds the declaration (:class:`ObjectConfig`, ``@register``), ``policy`` who may
do what, ``writes`` the one write path, ``workflow`` actions and state machines,
``pages`` and ``api`` the generic pages and viewsets built from the declarations.
"""

from rencai.core.errors import Conflict, NotPermitted, Refused
from rencai.core.objects.config import (
    ObjectConfig,
    Section,
    config_for_model,
    register,
    registered,
    related_sections,
    scoped_choices,
    section_provider,
    sections_for,
)
from rencai.core.objects.policy import Policy
from rencai.core.objects.workflow import Action, Transition, Workflow, reason_input

__all__ = [
    "Action",
    "Conflict",
    "NotPermitted",
    "ObjectConfig",
    "Policy",
    "Refused",
    "Section",
    "Transition",
    "Workflow",
    "config_for_model",
    "reason_input",
    "register",
    "registered",
    "related_sections",
    "scoped_choices",
    "section_provider",
    "sections_for",
]
