"""The wording of a document template: ``{{名称}}`` placeholders, ``[表格：…]`` and
``[图表：…]`` lines, and the check that each names something the platform can give.

The template's form checks the wording before it is saved; the generator fills it. The
model does not import this (it names the data items of other apps)."""

import re

from rencai.dashboards.data import PARAMETRISED, all_items, lookup

PLACEHOLDER = re.compile(r"\{\{\s*([^{}\s]+)\s*\}\}")
BLOCK = re.compile(r"^\[(表格|图表)：([^\]]+)\]$")
TABLES = {"人才层级", "人才类别", "机构培训", "评选结果"}
CHARTS = {"人才层级", "人才类别"}


def unknown_names(text: str) -> str:
    """A Chinese message naming every placeholder, table or chart the platform does not
    know, or "" when all are known."""
    problems = [f"“{{{{{name}}}}}”" for name in PLACEHOLDER.findall(text) if lookup(name) is None]
    for line in text.splitlines():
        found = BLOCK.match(line.strip())
        if found and found.group(2) not in (TABLES if found.group(1) == "表格" else CHARTS):
            problems.append(f"“[{found.group(1)}：{found.group(2)}]”")
    if not problems:
        return ""
    names = "、".join([*all_items(), *(f"{head}:…" for head in PARAMETRISED)])
    return f"模板中的{'、'.join(problems)}不是可用的数据项、表格或图表。可用的数据项：{names}；表格：{'、'.join(sorted(TABLES))}；图表：{'、'.join(sorted(CHARTS))}。"
