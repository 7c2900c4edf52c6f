"""The interface is Chinese first with English available: every piece of interface text is
marked for translation, and the English catalogue covers every marked string.

What counts as unmarked interface text (the rule the checker applies):

* Python: a string literal (or an f-string) containing Chinese characters that is not an
  argument of a translation call (``_``, ``gettext``, ``gettext_lazy``, ``ngettext``,
  ``pgettext`` …). Not counted:

  - docstrings and other bare string statements (they are comments);
  - files that are not interface: ``tests/``, ``migrations/``, ``conftest.py``, ``demo.py``
    (demo content), ``defaults.py`` (seed content loaded by ``load_defaults``),
    ``management/commands/`` (the operator's command line, Chinese by design),
    ``documents.py`` (the text of generated official documents, always Chinese),
    ``settings.py`` and ``secrets.py`` (configuration values, the languages' own names, and
    start-up errors raised before translations are loaded);
  - the spreadsheet format of imports: the arguments of ``Column(...)`` (headers, aliases
    and examples are matched against the clerk's Chinese workbook) and an import schema's
    ``title`` / ``instructions`` (they are written into the Chinese template workbook);
  - document data items: the arguments of ``@data_item(name, label)`` (the name is the
    ``{{name}}`` key inside Chinese document templates);
  - log messages (arguments of ``logger.*`` / ``logging.*`` calls) — machine text for the
    operator, not the interface;
  - a literal in a (simple) statement that says why with a ``# i18n: <reason>`` comment: text stored in a
    record (a field's default, a summary or reason written into the database, which must
    not change with the language of the clerk who happened to save it) and official
    identifiers such as a document number (督办〔2026〕3号).

* Python: a call of the eager ``gettext`` (usually imported as ``_``) at module or class
  level, outside any function. It runs once while the module is imported, in the default
  language, so English pages would show the Chinese; such text takes ``gettext_lazy``.

* Templates (``*.html`` under ``templates/``): Chinese text outside ``{% trans %}`` /
  ``{% translate %}``, ``{% blocktrans %}…{% endblocktrans %}``, ``_("…")`` in tag or
  filter arguments, ``{# #}`` and ``{% comment %}``. Templates under a ``documents/``
  folder are generated document text and are not counted.

Each finding is one literal (an f-string counts once). Files that still hold unmarked
literals are listed with their counts in ``data/i18n_allowlist.txt``; the test fails when a
file gains one (a NEW unmarked literal) and prints it. Run this module as a script to see
every finding (``python rencai/core/tests/test_i18n.py [path-fragment]``) or to rewrite
the allow-list after marking strings (``--write-allowlist``).

The catalogue test reads ``locale/en/LC_MESSAGES/django.po``: every entry must have a
non-empty, non-fuzzy English text keeping the placeholders of its msgid, and the committed
``django.mo`` (it is committed; nothing compiles it at start-up) must say the same as the
.po. After ``makemessages`` and translating, run ``compilemessages`` and commit both files.
"""

from __future__ import annotations

import ast
import gettext
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "rencai"
ALLOWLIST = Path(__file__).resolve().parent / "data" / "i18n_allowlist.txt"
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

#: Apps whose every interface literal is marked: the allow-list may not name their files.
FULLY_MARKED = ("projects", "funds", "bulletins", "cooperation", "training", "services", "selections", "assessment")

HAN = re.compile(r"[\u3400-\u9fff]")
TRANSLATION_CALLS = frozenset(
    {
        "_",
        "gettext",
        "gettext_lazy",
        "gettext_noop",
        "ngettext",
        "ngettext_lazy",
        "pgettext",
        "pgettext_lazy",
        "npgettext",
        "npgettext_lazy",
    }
)
#: Calls whose arguments are not interface text (see the module's docstring).
FORMAT_CALLS = frozenset({"Column", "data_item"})
LOG_OBJECTS = frozenset({"logger", "log", "logging"})
SKIPPED_DIRS = ("tests", "migrations", "commands", "static")
SKIPPED_FILES = frozenset({"conftest.py", "demo.py", "defaults.py", "documents.py", "settings.py", "secrets.py"})
IMPORT_SCHEMA_TEXT = frozenset({"title", "instructions"})
EXPLAINED = re.compile(r"#\s*i18n:\s*\S")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text[:100]!r}"


def _call_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _is_log_call(node: ast.Call) -> bool:
    func = node.func
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in LOG_OBJECTS


def python_findings(path: Path, relative: str) -> list[Finding]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=relative)
    explained = {number for number, line in enumerate(source.splitlines(), 1) if EXPLAINED.search(line)}
    skipped: set[int] = set()

    def skip_all(node: ast.AST) -> None:
        skipped.update(id(sub) for sub in ast.walk(node))

    for node in ast.walk(tree):
        lines = range(getattr(node, "lineno", 0), (getattr(node, "end_lineno", 0) or 0) + 1)
        if isinstance(node, ast.stmt) and not hasattr(node, "body") and explained.intersection(lines):
            # A simple statement with a "# i18n: reason" comment on any of its lines.
            skip_all(node)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant | ast.JoinedStr):
            skip_all(node.value)
        elif isinstance(node, ast.Call):
            name = _call_name(node)
            if name in TRANSLATION_CALLS or name in FORMAT_CALLS or _is_log_call(node):
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    skip_all(arg)
        elif isinstance(node, ast.ClassDef) and path.name == "imports.py":
            for statement in node.body:
                if isinstance(statement, ast.Assign | ast.AnnAssign):
                    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                    if any(isinstance(t, ast.Name) and t.id in IMPORT_SCHEMA_TEXT for t in targets):
                        skip_all(statement)
        elif isinstance(node, ast.JoinedStr):
            # An f-string is one literal: its parts are not counted again.
            skipped.update(id(sub) for sub in ast.walk(node) if sub is not node)
    findings = []
    for node in ast.walk(tree):
        if id(node) in skipped or not isinstance(node, ast.Constant | ast.JoinedStr):
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and HAN.search(node.value):
            findings.append(Finding(relative, node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):
            text = "".join(str(v.value) if isinstance(v, ast.Constant) else "{…}" for v in node.values)
            if HAN.search(text):
                findings.append(Finding(relative, node.lineno, text))
    findings.extend(eager_findings(tree, relative))
    return sorted(findings, key=lambda f: f.line)


EAGER = frozenset({"gettext", "ngettext", "pgettext", "npgettext"})


def eager_findings(tree: ast.Module, relative: str) -> list[Finding]:
    """Calls of the eager ``gettext`` (often imported as ``_``) run while the module is
    imported, outside any function: they translate once, into the default language, so the
    English interface shows the Chinese. Module- and class-level text takes ``gettext_lazy``."""
    names = {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.name in EAGER
    }
    found: list[Finding] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for eager in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
                if eager is not None:
                    visit(eager)
            return
        if isinstance(node, ast.Lambda):
            return
        if (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Mod)
            and isinstance(node.left, ast.Call)
            and _call_name(node.left) in TRANSLATION_CALLS
        ):
            # "_('%(n)s 分') % {...}" at import: even a lazy text is turned into a str here.
            found.append(Finding(relative, node.lineno, "[formatted at import time] " + ast.unparse(node.left)))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names:
            first = node.args[0] if node.args else None
            text = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else "…"
            found.append(Finding(relative, node.lineno, f"[gettext at import time] {text}"))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


_BLANKED = [
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S),
    re.compile(r"\{%\s*block(trans|translate)\b.*?\{%\s*endblock(trans|translate)\s*%\}", re.S),
    re.compile(r"\{%\s*(trans|translate)\s.*?%\}", re.S),
    re.compile(r"""_\((\"[^\"]*\"|'[^']*')\)"""),
]
_PIECES = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|<[^>]*>|[^<{]+|[<{]", re.S)
_RUN = re.compile(r"""[^\s<>{}"'=|]*[\u3400-\u9fff][^<>{}"'=|]*""")


def template_findings(path: Path, relative: str) -> list[Finding]:
    text = path.read_text(encoding="utf-8")
    for pattern in _BLANKED:
        text = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    findings: list[Finding] = []
    for piece in _PIECES.finditer(text):
        if not HAN.search(piece.group(0)):
            continue
        line = text.count("\n", 0, piece.start()) + 1
        findings.extend(Finding(relative, line, run.strip()) for run in _RUN.findall(piece.group(0)))
    return findings


def scanned_files() -> list[tuple[Path, str]]:
    files = []
    for path in sorted(PACKAGE.rglob("*")):
        relative = path.relative_to(ROOT).as_posix()
        parts = path.relative_to(PACKAGE).parts
        if path.suffix == ".py":
            if any(part in SKIPPED_DIRS for part in parts[:-1]) or path.name in SKIPPED_FILES:
                continue
        elif path.suffix == ".html":
            if "templates" not in parts or "documents" in parts:
                continue
        else:
            continue
        files.append((path, relative))
    return files


def all_findings() -> list[Finding]:
    findings: list[Finding] = []
    for path, relative in scanned_files():
        scan = python_findings if path.suffix == ".py" else template_findings
        findings.extend(scan(path, relative))
    return findings


def read_allowlist() -> Counter[str]:
    allowed: Counter[str] = Counter()
    for line in ALLOWLIST.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            count, path = line.split(maxsplit=1)
            allowed[path] = int(count)
    return allowed


def write_allowlist(findings: list[Finding]) -> None:
    counts = Counter(f.path for f in findings)
    lines = [
        "# Unmarked Chinese interface literals still tolerated, per file (count path).",
        "# Written by: python rencai/core/tests/test_i18n.py --write-allowlist",
        "# Lower a count (or drop the line) when you mark strings; never raise one.",
        *(f"{counts[path]} {path}" for path in sorted(counts)),
    ]
    ALLOWLIST.write_text("\n".join(lines) + "\n", encoding="utf-8")


def app_of(path: str) -> str:
    parts = path.split("/")
    return parts[1] if len(parts) > 2 else "(project)"


# --- the tests ------------------------------------------------------------------------------


def test_checker_finds_what_it_should(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text(
        '"""模块说明。"""\n'
        "from django.utils.translation import gettext as _\n"
        "A = _('已标记')\n"
        "B = '未标记'\n"
        "C = f'共{3}条'\n"
        "D = Column('name', ('姓名',), example='张三')\n"
        "logger.info('日志')\n"
        "def f():\n"
        "    '''函数说明。'''\n"
        "    return {'label': '标签'}\n"
        "E = Payment(summary=f'{x}奖励')  # i18n: stored in the record\n"
        "F = Payment(\n    summary=f'{x}奖励',\n)  # i18n: stored in the record\n"
        "G = Action('go', _('开始'))\n"
        "H = lambda: _('稍后')\n"
        "I = [(n, gettext_lazy('%(n)s 分') % {'n': n}) for n in (1, 2)]\n",
        encoding="utf-8",
    )
    found = [(f.line, f.text) for f in python_findings(source, "sample.py")]
    assert found == [
        (3, "[gettext at import time] 已标记"),
        (4, "未标记"),
        (5, "共{…}条"),
        (10, "标签"),
        (15, "[gettext at import time] 开始"),
        (17, "[formatted at import time] gettext_lazy('%(n)s 分')"),
    ]
    template = tmp_path / "page.html"
    template.write_text(
        '{% load i18n %}{# 注释 #}<h1>{% trans "标题" %}</h1>\n'
        "<p>{% blocktrans %}共{{ n }}条{% endblocktrans %}</p>\n"
        '<td>{{ x|default:"无" }}</td><td>{{ y|default:_("无") }}</td>\n'
        '<span title="提示">正文</span>\n',
        encoding="utf-8",
    )
    found = [(f.line, f.text) for f in template_findings(template, "page.html")]
    assert found == [(3, "无"), (4, "提示"), (4, "正文")]


def test_no_new_unmarked_interface_literals():
    findings = all_findings()
    allowed = read_allowlist()
    by_file: dict[str, list[Finding]] = {}
    for finding in findings:
        by_file.setdefault(finding.path, []).append(finding)
    grown = {path: items for path, items in by_file.items() if len(items) > allowed.get(path, 0)}
    report = "\n".join(
        f"{path}: {len(items)} unmarked (allowed {allowed.get(path, 0)}):\n" + "\n".join(f"  {f}" for f in items)
        for path, items in sorted(grown.items())
    )
    assert not grown, "Chinese interface text not marked for translation (wrap it in _() / {% trans %}):\n" + report


def test_marked_apps_stay_fully_marked():
    listed = [path for path in read_allowlist() if app_of(path) in FULLY_MARKED]
    assert not listed, f"these apps are fully marked; mark the strings instead of allow-listing: {listed}"


# --- the English catalogue ------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str
    msgstr: list[str]
    context: str | None = None
    plural: str | None = None
    fuzzy: bool = False
    line: int = 0


def _unquote(text: str) -> str:
    value = ast.literal_eval(text)
    assert isinstance(value, str)
    return value


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (the header and obsolete ``#~`` entries left out)."""
    entries: list[Entry] = []
    fields: dict[str, str] = {}
    flags = ""
    current: str | None = None
    start = 0

    def flush() -> None:
        nonlocal fields, flags, current
        if "msgid" in fields and fields["msgid"]:
            strings = [fields[k] for k in sorted(fields) if k.startswith("msgstr")]
            entries.append(
                Entry(
                    fields["msgid"], strings, fields.get("msgctxt"), fields.get("msgid_plural"), "fuzzy" in flags, start
                )
            )
        fields, flags, current = {}, "", None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#,"):
            if current is not None:
                flush()
            flags += line
        elif line.startswith("#"):
            if current is not None and not line.startswith("#~"):
                flush()
        elif line.startswith('"'):
            assert current is not None, f"{path}:{number}: continuation without a keyword"
            fields[current] += _unquote(line)
        else:
            keyword, _space, rest = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and "msgid" in fields:
                flush()
            if not fields:
                start = number
            current = keyword
            fields[keyword] = _unquote(rest)
    flush()
    return entries


PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sdf]|%[sd]|\{[a-z_0-9]*\}")


def test_catalogue_parser_reads_plural_context_and_fuzzy(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py:1\nmsgid "人才"\nmsgstr "Talent"\n\n'
        '#, fuzzy\nmsgid "评审"\nmsgstr "Rev"\n\n'
        'msgctxt "月"\nmsgid "共%(n)s条"\nmsgid_plural "共%(n)s条"\nmsgstr[0] "%(n)s entry"\nmsgstr[1] ""\n',
        encoding="utf-8",
    )
    entries = read_po(po)
    assert [(e.msgid, e.msgstr, e.fuzzy, e.context) for e in entries] == [
        ("人才", ["Talent"], False, None),
        ("评审", ["Rev"], True, None),
        ("共%(n)s条", ["%(n)s entry", ""], False, "月"),
    ]


def test_every_catalogue_entry_is_translated():
    problems = []
    for entry in read_po(PO):
        where = f"line {entry.line}: {entry.msgid!r}"
        if entry.fuzzy:
            problems.append(f"{where} is fuzzy")
        if not all(text.strip() for text in entry.msgstr):
            problems.append(f"{where} has no English")
            continue
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        for text in entry.msgstr:
            if entry.plural is None and sorted(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"{where}: placeholders {wanted} not kept in {text!r}")
            if HAN.search(entry.msgid) and text == entry.msgid:
                problems.append(f"{where}: the English is a copy of the Chinese")
    assert not problems, "locale/en/LC_MESSAGES/django.po:\n" + "\n".join(problems)


def test_compiled_catalogue_matches_the_po():
    """``django.mo`` is committed; it must be compiled from the committed .po
    (``python manage.py compilemessages -l en``)."""
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in read_po(PO):
        if entry.fuzzy or entry.plural is not None:
            continue
        key = entry.msgid if entry.context is None else f"{entry.context}\x04{entry.msgid}"
        got = compiled._catalog.get(key)
        if got != entry.msgstr[0]:
            stale.append(f"{entry.msgid!r}: .mo has {got!r}, .po has {entry.msgstr[0]!r}")
    assert not stale, "django.mo is older than django.po; run compilemessages:\n" + "\n".join(stale[:30])


if __name__ == "__main__":
    arguments = sys.argv[1:]
    found = all_findings()
    if "--write-allowlist" in arguments:
        write_allowlist(found)
        print(f"wrote {ALLOWLIST.relative_to(ROOT)}")
    fragment = next((a for a in arguments if not a.startswith("--")), None)
    for finding in found:
        if fragment is None or fragment in finding.path:
            print(finding)
    per_app = Counter(app_of(f.path) for f in found)
    print("\nunmarked per app:", ", ".join(f"{app} {count}" for app, count in per_app.most_common()))
    print("total:", len(found))
