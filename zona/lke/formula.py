"""Arithmetic over an item's named inputs: numbers, names, + - * / and parentheses, nothing else."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from fractions import Fraction

_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div)


class FormulaError(ValueError):
    pass


def compile_expression(text: str) -> ast.Expression:
    try:
        tree = ast.parse(str(text), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"not an arithmetic expression: {text!r}") from exc
    for node in ast.walk(tree):
        if isinstance(node, ast.Expression | ast.Name | ast.Load):
            continue
        if isinstance(node, ast.BinOp) and isinstance(node.op, _BINOPS):
            continue
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            continue
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            continue
        if isinstance(node, ast.operator | ast.unaryop):
            continue
        raise FormulaError(f"{type(node).__name__} is not allowed in {text!r}")
    return tree


def names_in(tree: ast.Expression) -> set[str]:
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def evaluate(tree: ast.Expression, values: Mapping[str, Fraction]) -> Fraction:
    """Evaluate exactly; raises ZeroDivisionError for a division by zero inside the expression."""

    def ev(node: ast.AST) -> Fraction:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, float):
                return Fraction(repr(value))
            if isinstance(value, int):
                return Fraction(value)
            raise FormulaError(f"constant {value!r}")
        if isinstance(node, ast.Name):
            return values[node.id]
        if isinstance(node, ast.UnaryOp):
            operand = ev(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            left, right = ev(node.left), ev(node.right)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            return left / right
        raise FormulaError(type(node).__name__)

    return ev(tree)
