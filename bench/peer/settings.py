"""The project's settings plus the benchmark peer: never part of the project itself.

Run with ``DJANGO_SETTINGS_MODULE=bench.peer.settings`` and ``/work/main`` on ``PYTHONPATH``.
"""

from rencai.settings import *  # noqa: F403
from rencai.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "import_export", "bench.peer"]

#: The roster writes dates as 1985-03-07, 1985.03 or real date cells; django-import-export's
#: DateWidget tries these formats in order (a user importing such a roster would set them).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y.%m.%d", "%Y.%m", "%Y-%m", "%Y/%m/%d", "%Y年%m月%d日", "%Y年%m月"]
