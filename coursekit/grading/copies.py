"""Is a submitted function the course's own reference? (trusted process, no learner code runs)

The sandbox cannot import the references, so a submission can only contain one by
copying its text (from the solutions edition, say). Each function of the submission is
compared with the reference after normalising away what a copy usually changes: the
docstring, comments, formatting and the names of arguments and local variables.
"""

import ast

from coursekit.exercises.references import reference_source


class _Canonical(ast.NodeTransformer):
    """Rename arguments and variables in order of first appearance; drop docstrings."""

    def __init__(self):
        self.names = {}

    def _name(self, name):
        return self.names.setdefault(name, f"v{len(self.names)}")

    def visit_FunctionDef(self, node):
        node.name = "f"
        node.decorator_list = []
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
        node.returns = None
        self.generic_visit(node)
        return node

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_arg(self, node):
        node.arg = self._name(node.arg)
        node.annotation = None
        return node

    def visit_Name(self, node):
        node.id = self._name(node.id)
        return node


def _fingerprint(node) -> str:
    return ast.dump(_Canonical().visit(node), annotate_fields=False, include_attributes=False)


def _functions(source: str):
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def copies_reference(sources, exercise_id: str) -> bool:
    """True when one of the code ``sources`` defines a function equal to the reference of ``exercise_id``."""
    reference = _functions(reference_source(exercise_id))
    if not reference:
        return False
    wanted = _fingerprint(reference[0])
    for source in sources:
        for node in _functions(source):
            try:
                if _fingerprint(node) == wanted:
                    return True
            except RecursionError:
                continue
    return False
