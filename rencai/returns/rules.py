"""Validation rules written as expressions over indicator codes (or names), evaluated
without ``eval``: the expression is parsed with :mod:`ast` and only arithmetic,
comparisons, ``and``/``or``/``not``, numbers, indicator names and a few functions are
allowed.

Functions: ``sum(group)`` (the indicators of a group) or ``sum(A, B, …)``, ``abs(x)``,
``min``/``max``, ``prev(code)`` (the same indicator in the institution's previous period)
and ``change(code)`` (relative change against it, 0.5 = +50%). A rule whose figures are
missing (blank, or no previous period) is not applied.
"""

import ast
import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import cast

FUNCTIONS = {"sum", "abs", "min", "max", "prev", "change"}
BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
COMPARE = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


class RuleError(ValueError):
    """The expression is not a valid rule (message in Chinese)."""


class Missing(Exception):
    """A figure the rule needs is blank; the rule is skipped."""


@dataclass
class Figures:
    """What a rule can see: this period's values, the previous period's, and groups."""

    current: dict[str, Decimal | None]
    previous: dict[str, Decimal | None]
    groups: dict[str, list[str]]
    aliases: dict[str, str]

    def code(self, name: str) -> str:
        code = self.aliases.get(name, name)
        if code not in self.current and code not in self.groups:
            raise RuleError(f"规则中的“{name}”不是本表的指标代码、指标名称或分组。")
        return code

    def value(self, name: str, source: dict) -> Decimal:
        code = self.code(name)
        found = source.get(code)
        if found is None:
            raise Missing(code)
        return found


def parse(expression: str) -> ast.Expression:
    try:
        tree = ast.parse(expression.replace("＝", "=").replace("≤", "<=").replace("≥", ">="), mode="eval")
    except SyntaxError as exc:
        raise RuleError(f"校验公式“{expression}”写法有误。") from exc
    for node in ast.walk(tree):
        allowed = (
            ast.Expression,
            ast.BinOp,
            ast.UnaryOp,
            ast.BoolOp,
            ast.Compare,
            ast.Call,
            ast.Name,
            ast.Constant,
            ast.Load,
            ast.USub,
            ast.UAdd,
            ast.Not,
            ast.And,
            ast.Or,
            *BINARY,
            *COMPARE,
        )
        if not isinstance(node, allowed):
            raise RuleError(
                f"校验公式中不能使用“{ast.unparse(node) if hasattr(node, 'lineno') else type(node).__name__}”。"
            )
        if isinstance(node, ast.Call) and (not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS):
            raise RuleError(f"校验公式只能使用函数：{'、'.join(sorted(FUNCTIONS))}。")
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float):
            raise RuleError("校验公式中只能出现数字和指标。")
    return tree


def evaluate(expression: str, figures: Figures):
    """The rule's result (True when it holds); raises Missing when a figure is blank."""
    return _eval(parse(expression).body, figures)


def _eval(node: ast.AST, figures: Figures):
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        return figures.value(node.id, figures.current)
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, figures)
        return not value if isinstance(node.op, ast.Not) else (-value if isinstance(node.op, ast.USub) else value)
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, figures), _eval(node.right, figures)
        try:
            return BINARY[type(node.op)](left, right)
        except (ZeroDivisionError, InvalidOperation) as exc:
            raise Missing("division") from exc
    if isinstance(node, ast.BoolOp):
        values = [_eval(v, figures) for v in node.values]
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.Compare):
        left = _eval(node.left, figures)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _eval(comparator, figures)
            if not COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.Call):
        return _call(node, figures)
    raise RuleError("校验公式无法计算。")


def _call(node: ast.Call, figures: Figures):
    name = cast(ast.Name, node.func).id  # validate() admits only calls of named functions
    if name in ("prev", "change"):
        if len(node.args) != 1 or not isinstance(node.args[0], ast.Name):
            raise RuleError(f"{name}() 须写一个指标，例如 {name}(员工总数)。")
        code = node.args[0].id
        before = figures.value(code, figures.previous)
        if name == "prev":
            return before
        if before == 0:
            raise Missing(code)
        return (figures.value(code, figures.current) - before) / before
    if name == "sum" and len(node.args) == 1 and isinstance(node.args[0], ast.Name):
        code = figures.aliases.get(node.args[0].id, node.args[0].id)
        if code in figures.groups:
            return sum((figures.value(c, figures.current) for c in figures.groups[code]), Decimal(0))
    values = [_eval(arg, figures) for arg in node.args]
    functions: dict[str, Callable] = {
        "sum": lambda v: sum(v, Decimal(0)),
        "abs": lambda v: abs(v[0]),
        "min": min,
        "max": max,
    }
    return functions[name](values)


def check_expression(expression: str, form) -> None:
    """Refuse an expression that names something the form does not have."""
    tree = parse(expression)
    indicators = list(form.indicators.all())
    figures = figures_for(indicators, {}, {})
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not (isinstance(node, ast.Name) and node.id in FUNCTIONS):
            figures.code(node.id)


def figures_for(indicators, current: dict, previous: dict) -> Figures:
    groups: dict[str, list[str]] = {}
    for indicator in indicators:
        if indicator.group:
            groups.setdefault(indicator.group, []).append(indicator.code)
    return Figures(
        current={i.code: current.get(i.code) for i in indicators if i.is_number},
        previous={i.code: previous.get(i.code) for i in indicators if i.is_number},
        groups=groups,
        aliases={i.name: i.code for i in indicators},
    )


@dataclass
class Finding:
    rule_id: int
    severity: str
    message: str


def apply_rules(rules, figures: Figures) -> list[Finding]:
    findings = []
    for rule in rules:
        try:
            holds = evaluate(rule.expression, figures)
        except Missing:
            continue
        if not holds:
            findings.append(Finding(rule.pk, rule.severity, rule.message))
    return findings
