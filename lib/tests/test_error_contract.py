"""Every refusal a service or a model's ``clean()`` raises carries a stable code.

Views, admin actions and tests tell refusals apart by ``code`` (see
``lib/http.py`` and ``lib.testing.assert_refused``), never by their English
text, so a ``ValidationError`` without one is a bug even when its message is
fine. The test reads the service and model modules of every app with ``ast``
and accepts a ``ValidationError(...)`` call when

* it has a ``code=`` keyword;
* its argument is a dict, list or comprehension whose values are all
  ``ValidationError(..., code=...)`` calls (lists of them too); or
* its argument is a name the same function fills only with coded
  ``ValidationError`` calls (``errors["unit"] = ValidationError(...)``,
  ``errors.append(ValidationError(...))``,
  ``errors.setdefault(key, []).append(ValidationError(...))``), or with
  ``errors.update(self._dates())`` where each such method returns only
  dicts of coded errors, or with ``exc.error_list`` of a caught
  ``ValidationError`` (checked where it was raised).

Who-may refusals are ``PermissionDenied`` and need no code.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
APPS = ["accounts", "groups", "programs", "surveys", "coaching", "networks", "reports"]


def _modules() -> list[Path]:
    paths: list[Path] = []
    for app in APPS:
        base = ROOT / app
        for pattern in ("services.py", "services/*.py", "models.py", "models/*.py"):
            paths.extend(sorted(base.glob(pattern)))
    return paths


def _is_ve(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name == "ValidationError"


def _has_code(call: ast.Call) -> bool:
    return any(k.arg == "code" for k in call.keywords)


def _coded_value(node: ast.AST) -> bool:
    """A coded ValidationError, or a list/comprehension of them."""
    if _is_ve(node):
        return _has_code(node)  # type: ignore[arg-type]
    if isinstance(node, ast.List | ast.Tuple):
        return bool(node.elts) and all(_coded_value(e) for e in node.elts)
    if isinstance(node, ast.ListComp):
        return _coded_value(node.elt)
    return False


def _callee(call: ast.AST) -> str:
    if not isinstance(call, ast.Call):
        return ""
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _sources(function: ast.AST, callee: str) -> list[str]:
    """The functions ``callee()`` stands for: itself, or what a loop variable runs through
    (``for check in (self._dates, self._target): errors.update(check())``)."""
    for node in ast.walk(function):
        if isinstance(node, ast.For) and getattr(node.target, "id", "") == callee \
                and isinstance(node.iter, ast.Tuple | ast.List):
            return [e.attr if isinstance(e, ast.Attribute) else getattr(e, "id", "")
                    for e in node.iter.elts]
    return [callee]


class _Module:
    def __init__(self, tree: ast.Module) -> None:
        self.functions: dict[str, list[ast.FunctionDef]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                self.functions.setdefault(node.name, []).append(node)

    def returns_coded(self, name: str, seen: frozenset[str]) -> bool:
        """Whether every dict function ``name`` returns holds coded errors only."""
        if name in seen or name not in self.functions:
            return False
        for function in self.functions[name]:
            for node in ast.walk(function):
                if not isinstance(node, ast.Return) or node.value is None:
                    continue
                value = node.value
                if isinstance(value, ast.Dict):
                    if not all(_coded_value(v) for v in value.values):
                        return False
                elif isinstance(value, ast.Name):
                    if not self.filled(function, value.id, seen | {name}):
                        return False
                else:
                    return False
        return True

    def filled(self, function: ast.AST, name: str, seen: frozenset[str] = frozenset()) -> bool:
        """Whether every value put into ``name`` inside ``function`` is a coded ValidationError."""
        puts: list[ast.AST] = []
        sources: list[str] = []
        for node in ast.walk(function):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Subscript) \
                            and getattr(target.value, "id", "") == name:
                        puts.append(node.value)
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = node.func.value
            if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Attribute) \
                    and owner.func.attr == "setdefault":
                owner = owner.func.value
            if getattr(owner, "id", "") != name:
                continue
            if node.func.attr in {"append", "extend"}:
                puts.extend(node.args)
            elif node.func.attr == "update":
                for arg in node.args:
                    sources.extend(_sources(function, _callee(arg)) if _callee(arg) else [""])
        if not (puts or sources):
            return False
        # ``errors[key] = exc.error_list`` passes on what was caught: those errors were
        # raised (and checked for codes) where they came from.
        caught = {h.name for h in ast.walk(function) if isinstance(h, ast.ExceptHandler)
                  and getattr(h.type, "id", "") == "ValidationError" and h.name}
        puts = [v for v in puts if not (isinstance(v, ast.Attribute) and v.attr == "error_list"
                                        and getattr(v.value, "id", "") in caught)]
        return all(_coded_value(v) for v in puts) and \
            all(self.returns_coded(s, seen) for s in sources)


def _uncoded(tree: ast.Module) -> list[int]:
    module = _Module(tree)
    bad: list[int] = []
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    for function in functions:
        for node in ast.walk(function):
            if not _is_ve(node) or _has_code(node):  # type: ignore[arg-type]
                continue
            args = node.args  # type: ignore[attr-defined]
            if not args:
                bad.append(node.lineno)
                continue
            first = args[0]
            if isinstance(first, ast.Dict):
                if first.values and all(_coded_value(v) for v in first.values):
                    continue
            elif isinstance(first, ast.List | ast.ListComp):
                if _coded_value(first):
                    continue
            elif isinstance(first, ast.Name) and module.filled(function, first.id):
                continue
            bad.append(node.lineno)
    return sorted(set(bad))


def test_every_service_and_model_refusal_has_a_code() -> None:
    problems = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        problems += [f"{path.relative_to(ROOT)}:{line}" for line in _uncoded(tree)]
    assert not problems, "ValidationError without code=:\n" + "\n".join(problems)


def test_the_check_can_fail() -> None:
    source = '''
def f(x):
    errors = {}
    errors["a"] = _("plain text")
    if x:
        raise ValidationError(_("no code"))
    if errors:
        raise ValidationError(errors)
    raise ValidationError({"b": _("plain")})

def g():
    errors = []
    errors.append(ValidationError(_("t"), code="ok"))
    raise ValidationError(errors)

def h(problems):
    raise ValidationError([ValidationError(p, code="clash") for p in problems])

class Round:
    def clean(self):
        errors = {}
        for check in (self._dates, self._target):
            errors.update(check())
        if errors:
            raise ValidationError(errors)

    def _dates(self):
        return {"closes_on": ValidationError(_("t"), code="ok")}

    def _target(self):
        errors = {}
        errors["group"] = _("plain text")
        return errors
'''
    assert _uncoded(ast.parse(source)) == [6, 8, 9, 25]
