"""Template loader that folds each run of fixed nodes into one node, rendered once per
language (issue 23).

A page's templates are mostly text, ``{% translate "…" %}``, ``{% url "name" %}`` and
``{% static "…" %}`` with fixed arguments, and text-only ``{% blocktranslate %}``. Each
of these renders the same string for everyone who sees the page in the same language:
yet Django renders each one on every request (a catalogue lookup, a ``reverse()`` of
20–60 µs, an escape), about a fifth of a leader page's template time. When a template
is first loaded, :class:`Loader` replaces every run of neighbouring fixed nodes by one
:class:`FoldedNode` that renders the original nodes the first time it meets a new set
of the facts their output depends on, and keeps the joined string for the next time:

- the active language (translations; translated URL patterns),
- whether the context autoescapes,
- for a run with a URL: the urlconf, the script prefix (the site's sub-path) and the
  current app (``request.current_app`` or the resolved namespace: the admin site's
  name), as ``{% url %}`` reads them,
- the settings (any ``setting_changed`` — tests — empties every kept string).

Anything else is not fixed and is never folded: a variable, a filter, an argument that
is a variable, ``as var`` (it writes to the context), a ``{% blocktranslate %}`` with a
variable or a count, a tag this module does not know. The original nodes stay inside
the folded one (``nodelist``), so ``get_nodes_by_type`` — which ``{% extends %}`` uses
to find blocks — sees the same tree; nothing that takes part in rendering is mutated
after a render may have started (each changed list is a new list put in place of the
old). ``lib/tests/test_template_fold.py`` renders every template of the project folded
and unfolded and compares them.

Configured in ``TEMPLATES["OPTIONS"]["loaders"]`` in place of Django's cached loader,
which it extends: a template is folded once, when it is first cached.
"""

from __future__ import annotations

import sys
import threading
import uuid
from collections.abc import Callable
from decimal import Decimal
from html import escape as _html_escape
from typing import Any, cast

from django.conf import settings
from django.core.signals import setting_changed
from django.template import Node, NodeList, Template, TemplateSyntaxError
from django.template.base import (
    FilterExpression,
    TextNode,
    TokenType,
    Variable,
    VariableDoesNotExist,
    VariableNode,
    render_value_in_context,
)
from django.template.base import logger as template_logger
from django.template.context import BaseContext
from django.template.defaulttags import (
    CommentNode,
    CsrfTokenNode,
    IfNode,
    LoadNode,
    TemplateLiteral,
    URLNode,
)
from django.template.loader_tags import IncludeNode, construct_relative_path
from django.template.loaders import cached
from django.template.smartif import TokenBase
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.templatetags.static import StaticNode
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import formats, translation
from django.utils.formats import get_format
from django.utils.html import conditional_escape
from django.utils.inspect import signature
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from .kept import Kept, filled, split_at

_generation = [0]  # bumped by any settings change: every kept string is dropped
_lock = threading.Lock()


def _settings_changed(**kwargs: Any) -> None:
    _generation[0] += 1


setting_changed.connect(_settings_changed, dispatch_uid="lib.template_fold")


def _fixed_expression(expression: Any) -> bool:
    """A quoted constant with no filter (``"programs:list"``), not a variable."""
    return (isinstance(expression, FilterExpression) and not expression.is_var
            and not expression.filters)


def _fixed_literal(expression: Any) -> bool:
    """``{% translate %}``'s message: Django wraps a constant in a literal ``Variable``."""
    return (isinstance(expression, FilterExpression) and not expression.filters
            and ((expression.is_var and isinstance(expression.var, Variable)
                  and expression.var.lookups is None and expression.var.literal is not None)
                 or not expression.is_var))


def _fixed_kind(node: Any) -> str | None:
    """``"text"``, ``"fixed"`` (same output per language and autoescape), ``"url"``
    (also per urlconf, prefix and current app) or ``None`` (not fixed)."""
    kind = type(node)
    if kind is TextNode or kind is CommentNode or kind is LoadNode:
        return "text"
    if kind is TranslateNode:
        if node.asvar is None and _fixed_literal(node.filter_expression) and (
                node.message_context is None or _fixed_expression(node.message_context)):
            return "fixed"
        return None
    if kind is BlockTranslateNode:
        if (node.asvar is None and not node.extra_context and not node.plural
                and node.counter is None
                and (node.message_context is None or _fixed_expression(node.message_context))
                and all(token.token_type is TokenType.TEXT for token in node.singular)):
            return "fixed"
        return None
    if kind is URLNode:
        if (node.asvar is None and _fixed_expression(node.view_name)
                and all(_fixed_expression(arg) for arg in node.args)
                and all(_fixed_expression(arg) for arg in node.kwargs.values())):
            return "url"
        return None
    if kind is StaticNode:
        if node.varname is None and _fixed_expression(node.path):
            return "fixed"
        return None
    return None


class FoldedNode(Node):
    """Neighbouring fixed nodes, rendered once per language (and URL facts) and kept."""

    child_nodelists = ("nodelist",)

    def __init__(self, nodes: list[Node], *, urls: bool) -> None:
        self.nodelist = NodeList(nodes)
        self.urls = urls
        self.token = nodes[0].token
        self.origin = getattr(nodes[0], "origin", None)  # type: ignore[assignment]
        self._kept: dict[tuple[Any, ...], str] = {}
        self._generation = _generation[0]

    def __repr__(self) -> str:
        return f"<FoldedNode: {len(self.nodelist)} nodes>"

    def render(self, context: Any) -> str:
        if self.urls:
            key: tuple[Any, ...] = (get_language(), context.autoescape, get_urlconf(),
                                    get_script_prefix(), _current_app(context))
        else:
            key = (get_language(), context.autoescape)
        if self._generation != _generation[0]:
            self._kept, self._generation = {}, _generation[0]
        kept = self._kept.get(key)
        if kept is None:
            kept = self._kept[key] = "".join(
                [str(node.render_annotated(context)) for node in self.nodelist])
        return kept


def _digits_without_separator(language: str) -> int:
    """How many digits an integer is written with before the language's first thousand
    separator (Django's ``numberformat.format``); 0 where that is not simply so (an
    unusual grouping): every integer then takes Django's path."""
    if not settings.USE_THOUSAND_SEPARATOR:
        return sys.maxsize
    grouping = get_format("NUMBER_GROUPING", language, use_l10n=True)
    if grouping == 0:
        return sys.maxsize
    first = grouping if isinstance(grouping, int) else next(iter(grouping), 0)
    return first if isinstance(first, int) and first > 0 else 0


_ungrouped: Kept[int] = Kept(most=16)  # language → _digits_without_separator


def render_value(value: Any, context: Any) -> str:
    """``value`` as Django's ``render_value_in_context`` writes it, by a short path for
    the values a page mostly writes: a plain ``str`` (escaped with ``html.escape`` and
    marked safe, as Django's ``escape`` does, without the lazy wrapper's checks), one
    already safe, and an integer too short for a thousand separator (its digits: the
    localised number of 1–3 digits is the number). A page writes about a hundred values;
    anything else (a longer number, a date, a lazy string, a model) and a context without
    autoescape or with localisation off take Django's own path."""
    kind = type(value)
    if context.autoescape:
        if kind is str:
            return SafeString(_html_escape(value))
        if kind is SafeString:
            return value
        if kind is int and context.use_l10n is not False and (
                text := short_number(value)) is not None:
            return SafeString(text)
    return render_value_in_context(value, context)


def short_number(value: int) -> str | None:
    """An integer as the active language writes it (``formats.localize``) when that is
    simply its digits — too short for a thousand separator; None otherwise."""
    text = str(value)
    language = get_language()
    if len(text) - (value < 0) <= _ungrouped.get(
            language, lambda: _digits_without_separator(language)):
        return text
    return None


def localized_text(value: Any) -> str:
    """``str(formats.localize(value))``: an integer by :func:`short_number`'s short path."""
    if type(value) is int and (text := short_number(value)) is not None:
        return text
    return str(formats.localize(value))


class PlainVariableNode(VariableNode):
    """``{{ value }}`` written by :func:`render_value`, without Django's four steps for a
    value that needs none of them. ``lib/tests/test_template_fold.py`` renders every
    template both ways."""

    def render(self, context: Any) -> str:
        try:
            output = self.filter_expression.resolve(context)
        except UnicodeDecodeError:
            return ""  # as VariableNode.render: unicode conversion can fail
        return render_value(output, context)


class PlainBlockTranslateNode(BlockTranslateNode):
    """``{% blocktranslate with … %}`` with variables, as Django renders it, with two
    steps done once: the message id made from the tag's text (kept per node: the text
    is fixed when the template is parsed; the trimming is a regular expression) and each
    value written by :func:`render_value`. Fifteen microseconds each before: a page
    has up to twenty."""

    tag_name: str  # set by Django's __init__ (not in the type stubs)

    def render_token_list(self, tokens: Any) -> tuple[str, list[str]]:
        kept = self.__dict__.setdefault("_messages", {})
        found = kept.get(id(tokens))
        if found is None:
            found = kept[id(tokens)] = super().render_token_list(tokens)
        message, names = found
        return message, list(names)

    def render(self, context: Any, nested: bool = False) -> str:
        # Django's BlockTranslateNode.render, with render_value (and the kept messages).
        message_context = (self.message_context.resolve(context) if self.message_context
                           else None)
        # Django's context.update(), less the ContextDict made to be a ``with`` block.
        context.dicts.append({var: val.resolve(context) for var, val in self.extra_context.items()})
        singular, names = self.render_token_list(self.singular)
        if self.plural and self.countervar and self.counter:
            count = self.counter.resolve(context)
            if not isinstance(count, (Decimal, float, int)):
                raise TemplateSyntaxError(
                    f"{self.countervar!r} argument to {self.tag_name!r} tag must be a number.")
            context[self.countervar] = count
            count = cast(float, count)  # a Decimal counts as Django counts it
            plural, plural_names = self.render_token_list(self.plural)
            if message_context:
                result = translation.npgettext(message_context, singular, plural, count)
            else:
                result = translation.ngettext(singular, plural, count)
            names.extend(plural_names)
        else:
            if message_context:
                result = translation.pgettext(message_context, singular)
            else:
                result = translation.gettext(singular)
        default_value = context.template.engine.string_if_invalid

        def value_of(key: str) -> str:
            if key in context:
                value = context[key]
            else:
                value = default_value % key if "%s" in default_value else default_value
            return render_value(value, context)

        data = {name: value_of(name) for name in names}
        context.dicts.pop()
        try:
            result %= data
        except (KeyError, ValueError):
            if nested:
                raise TemplateSyntaxError(
                    f"{self.tag_name!r} is unable to format string returned by gettext: "
                    f"{result!r} using {data!r}") from None
            with translation.override(None):
                result = self.render(context, nested=True)
        if self.asvar:
            context[self.asvar] = SafeString(result)
            return ""
        return result


class PlainVariable(Variable):
    """A variable looked up as Django's ``Variable._resolve_lookup`` looks it up, without
    its exception for each step into an object that cannot be subscripted (a model, a
    dataclass): Django tries ``current[bit]`` first and catches the ``TypeError`` it
    raises itself; here such an object goes straight to its attribute. Every other step
    (a dict, the context, a list, a callable, a failure) is Django's, line for line. Half
    the cost of ``{{ row.leader.name }}``; a page looks up about two hundred."""

    __slots__ = ()  # Django's Variable has slots: a variable's class is changed in place

    def _resolve_lookup(self, context: Any) -> Any:
        current = context
        bit = None
        try:  # catch-all for silent variable failures
            for bit in self.lookups:  # type: ignore[union-attr]  # a variable has lookups
                if hasattr(type(current), "__getitem__"):
                    try:  # dictionary lookup
                        current = current[bit]
                    except (TypeError, AttributeError, KeyError, ValueError, IndexError):
                        current = _attribute_or_index(current, bit)
                else:  # Django: "raise TypeError", caught at once by the same except
                    # … then its attribute lookup; a class without __getitem__ is not
                    # a BaseContext (which has one), so Django's context check is moot.
                    try:
                        current = getattr(current, bit)
                    except (TypeError, AttributeError):
                        if bit in dir(current):  # raised by a @property: Django re-raises
                            raise
                        current = _index(current, bit)
                if callable(current):
                    if getattr(current, "do_not_call_in_templates", False):
                        pass
                    elif getattr(current, "alters_data", False):
                        current = context.template.engine.string_if_invalid
                    else:
                        try:  # method call (assuming no args required)
                            current = current()
                        except TypeError:
                            try:
                                current_signature = signature(current)
                            except ValueError:  # No signature found.
                                current = context.template.engine.string_if_invalid
                            else:
                                try:
                                    current_signature.bind()
                                except TypeError:  # Arguments *were* required.
                                    current = context.template.engine.string_if_invalid
                                else:
                                    raise
        except Exception as e:
            template_name = getattr(context, "template_name", None) or "unknown"
            template_logger.debug(
                "Exception while resolving variable '%s' in template '%s'.",
                bit, template_name, exc_info=True)
            if getattr(e, "silent_variable_failure", False):
                current = context.template.engine.string_if_invalid
            else:
                raise
        return current


def _attribute_or_index(current: Any, bit: str) -> Any:
    """Django's lookup after the dictionary lookup failed: the attribute, else the index."""
    try:  # attribute lookup
        # Don't return class attributes if the class is the context:
        if isinstance(current, BaseContext) and getattr(type(current), bit):
            raise AttributeError
        return getattr(current, bit)
    except (TypeError, AttributeError):
        # Reraise if the exception was raised by a @property
        if not isinstance(current, BaseContext) and bit in dir(current):
            raise
        return _index(current, bit)


def _index(current: Any, bit: str) -> Any:
    """Django's last try: the list index, else the variable does not exist."""
    try:  # list-index lookup
        return current[int(bit)]
    except (IndexError, ValueError, KeyError, TypeError):
        raise VariableDoesNotExist(
            "Failed lookup for key [%s] in %r", (bit, current)) from None


def _plain_variables(value: Any, depth: int = 0) -> None:
    """Every ``Variable`` in a node's attribute (a filter expression, its filters'
    arguments, an ``{% if %}`` condition's operands, the lists and dicts of a tag's
    arguments) becomes a :class:`PlainVariable`, in place: done when the template is
    first loaded, before it renders."""
    if depth > 8:
        return
    kind = type(value)
    if kind is Variable:
        value.__class__ = PlainVariable
    elif kind is FilterExpression:
        _plain_variables(value.var, depth + 1)
        for _function, arguments in value.filters:
            for _lookup, argument in arguments:
                _plain_variables(argument, depth + 1)
    elif kind is list or kind is tuple:
        for item in value:
            _plain_variables(item, depth + 1)
    elif kind is dict:
        for item in value.values():
            _plain_variables(item, depth + 1)
    elif isinstance(value, TokenBase):  # {% if %}'s operators and literals
        for name in ("first", "second", "value"):
            _plain_variables(getattr(value, name, None), depth + 1)


def _current_app(context: Any) -> Any:
    """The current app as ``{% url %}`` reads it (the admin site's name in the admin):
    ``request.current_app``, else the resolved namespace, else None — asked with
    ``getattr``'s default rather than a caught ``AttributeError`` (most requests have
    no ``current_app``; an exception made for each address was a third of its cost)."""
    request = getattr(context, "request", None)
    if request is None:
        return None
    app = getattr(request, "current_app", _NO_APP)
    if app is not _NO_APP:
        return app
    return getattr(getattr(request, "resolver_match", None), "namespace", None)


_NO_APP = object()


def _marker(kind: type, place: int, variant: int) -> Any:
    """A stand-in argument of ``kind`` for the ``place``-th argument."""
    if kind is uuid.UUID:
        return uuid.UUID(f"abcdef{variant:02x}-cdef-4abc-8def-abcdefab{place:04x}")
    return 987_650_000 + 1_000 * variant + place


def _url_pieces(view_name: str, kinds: tuple[type, ...], names: tuple[str, ...],
                current_app: Any) -> tuple[str | int, ...] | None:
    """The reversed address as text between its arguments (an int: the argument's
    place; keyword arguments, named by ``names``, come after the positional ones), or
    None where it is not simply so. Reversed twice with two sets of stand-ins; only
    where both give the same text around each stand-in, once each, is the address its
    arguments' text put in place (a path converter's ``to_url`` that changes a UUID or
    a number, a pattern that takes one but not the other: None)."""
    found = []
    positional = len(kinds) - len(names)
    for variant in (0, 1):
        markers = [_marker(kind, place, variant) for place, kind in enumerate(kinds)]
        try:
            url = reverse(view_name, args=markers[:positional],
                          kwargs=dict(zip(names, markers[positional:], strict=True)),
                          current_app=current_app)
        except NoReverseMatch:
            return None
        texts = [str(marker) for marker in markers]
        if any(url.count(text) != 1 for text in texts):
            return None
        found.append(split_at(url, texts))
    return found[0] if found[0] == found[1] else None


_url_kept: Kept[tuple[str | int, ...] | None] = Kept(most=2048)


class PlainURLNode(URLNode):
    """``{% url "name" obj.uuid %}`` (or ``module_uuid=m.uuid``): reversed once per name,
    kinds of argument and the facts a ``reverse()`` reads (language, urlconf, prefix,
    current app), then written by putting each argument's text in its place — where
    every argument is a UUID or a whole number of at least 0, whose text the path
    converters (``uuid``, ``int``, ``slug``, ``str``, ``path``) write as it is. A
    ``reverse()`` is 14 µs; a leader page has up to ten. Anything else (other values,
    an address :func:`_url_pieces` declines) is Django's ``{% url %}``."""

    def render(self, context: Any) -> str:
        try:
            usual = self.__dict__["_usual"]
        except KeyError:  # {% url "fixed:name" value %}, worked out once per node
            usual = self.__dict__["_usual"] = (
                len(self.args) == 1 and not self.kwargs and self.asvar is None
                and _fixed_expression(self.view_name) and isinstance(self.view_name.var, str))
        if not usual:
            return self._render_resolved(context)
        value = self.args[0].resolve(context)
        kind = type(value)
        if kind is uuid.UUID or (kind is int and value >= 0):
            pieces = _address_pieces(self.view_name.var, (kind,), (), _current_app(context))
            if pieces is not None:
                url = filled(pieces, (str(value),))
                return SafeString(_html_escape(url)) if context.autoescape else url
        return self._render_resolved(context, [value])  # resolved once, as Django does

    def _render_resolved(self, context: Any, args: list[Any] | None = None) -> str:
        if args is None:
            args = [arg.resolve(context) for arg in self.args]
        kwargs = {name: value.resolve(context) for name, value in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        current_app = _current_app(context)
        values = [*args, *kwargs.values()]
        kinds = tuple(type(value) for value in values)
        pieces = None
        if isinstance(view_name, str) and all(
                kind is uuid.UUID or (kind is int and value >= 0)
                for kind, value in zip(kinds, values, strict=True)):
            pieces = _address_pieces(view_name, kinds, tuple(kwargs), current_app)
        url = ""
        if pieces is not None:
            url = filled(pieces, [str(value) for value in values])
        else:  # Django's URLNode.render from here, with the arguments resolved above
            try:
                url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
            except NoReverseMatch:
                if self.asvar is None:
                    raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


def _address_pieces(view_name: str, kinds: tuple[type, ...], names: tuple[str, ...],
                    current_app: Any) -> tuple[str | int, ...] | None:
    """:func:`_url_pieces`, kept by name, kinds of argument and the facts a ``reverse()``
    reads (language, urlconf, prefix, current app)."""
    return _url_kept.get(
        (view_name, kinds, names, get_language(), get_urlconf(), get_script_prefix(),
         current_app), lambda: _url_pieces(view_name, kinds, names, current_app))


class PlainIfNode(IfNode):
    """``{% if %}`` as Django renders it, with two short paths worked out once per node
    (``branches``, set by :func:`fold` after the branches are folded): a condition of
    variables without filters and constants, alone or with ``not``, ``and``, ``or``,
    ``==``, ``!=`` (``{% if m.done %}``, ``{% if not m.date %}``), is a function that
    looks each variable up directly (:func:`_compiled`: Django's ``TemplateLiteral``,
    filter expression, variable and operator objects each only pass it on), and a
    branch of plain text is that text (no node list to render and join). A page
    evaluates up to 170 of them (group progress)."""

    # (compiled condition or None, condition or None for else, text or None, the nodes)
    branches: list[tuple[Any, Any, str | None, NodeList]]

    def render(self, context: Any) -> str:
        for compiled, condition, text, nodelist in self.branches:
            if condition is None:  # else clause
                match = True
            elif compiled is not None:  # Django: Operator.eval / TemplateLiteral.eval → …
                match = compiled(context)
            else:
                try:
                    match = condition.eval(context)
                except VariableDoesNotExist:
                    match = None
            if match:
                return text if text is not None else nodelist.render(context)
        return ""


def _plain_if(node: IfNode) -> PlainIfNode:
    """``node`` (its branches folded) as a :class:`PlainIfNode`."""
    plain = object.__new__(PlainIfNode)
    plain.__dict__ = dict(node.__dict__)
    branches: list[tuple[Any, Any, str | None, NodeList]] = []
    for condition, nodelist in node.conditions_nodelists:
        text = None
        if all(type(child) is TextNode for child in nodelist):
            text = SafeString("".join(cast(TextNode, child).s for child in nodelist))
        branches.append((None if condition is None else _compiled(condition), condition,
                         text, nodelist))
    plain.branches = branches
    return plain


def _compiled(condition: Any) -> Callable[[Any], Any] | None:
    """An ``{% if %}`` condition as a function of the context that answers as Django's
    ``condition.eval`` does, for the conditions pages mostly write: a variable without
    filters (looked up directly; one that does not exist is None), a constant, and
    ``not``, ``and``, ``or``, ``==``, ``!=`` of those (any exception inside an operator
    is False, as Django's operators say). Django's own evaluation walks a literal, its
    filter expression and its variable for each operand. None for anything else (the
    node asks Django)."""
    if type(condition) is TemplateLiteral:
        value: Any = condition.value
        if type(value) is not FilterExpression or value.filters:
            return None
        var = value.var
        if not isinstance(var, Variable):
            return (lambda context: var) if not value.is_var else None  # a quoted constant
        if var.translate:
            return None
        if var.lookups is None:  # a number, or a literal Variable
            literal = var.literal
            return lambda context: literal

        def lookup(context: Any) -> Any:
            try:
                return var._resolve_lookup(context)  # type: ignore[attr-defined]
            except VariableDoesNotExist:
                return None

        return lookup
    operator = getattr(condition, "id", None)
    if operator not in _COMPILED_OPERATORS:
        return None
    operands = [_compiled(condition.first)]
    if operator != "not":
        operands.append(_compiled(condition.second))
    if None in operands:
        return None
    return _COMPILED_OPERATORS[operator](*operands)


def _guarded(function: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def evaluate(context: Any) -> Any:
        try:
            return function(context)
        except Exception:  # Django's Operator.eval: templates do not raise for an if
            return False
    return evaluate


_COMPILED_OPERATORS: dict[str, Callable[..., Callable[[Any], Any]]] = {
    "not": lambda x: _guarded(lambda context: not x(context)),
    "and": lambda x, y: _guarded(lambda context: x(context) and y(context)),
    "or": lambda x, y: _guarded(lambda context: x(context) or y(context)),
    "==": lambda x, y: _guarded(lambda context: x(context) == y(context)),
    "!=": lambda x, y: _guarded(lambda context: x(context) != y(context)),
}


class PlainCsrfTokenNode(CsrfTokenNode):
    """``{% csrf_token %}`` as Django writes it, written once per page: every form of a
    page (a group's progress page has one per training task) writes the same token of
    the same context, so the first one's input is kept for the render (in the render
    context's base, which an include shares, as Django's own include keeps its
    templates there) and served to the next one while the token is the same object."""

    def render(self, context: Any) -> str:
        token = context.get("csrf_token")
        kept = context.render_context.dicts[0]
        found = kept.get(PlainCsrfTokenNode)
        if found is not None and found[0] is token and token is not None:
            return found[1]
        html = super().render(context)
        kept[PlainCsrfTokenNode] = (token, html)
        return html


class PlainIncludeNode(IncludeNode):
    """``{% include "fixed/name.html" %}`` (``with`` values allowed, not ``only``) as
    Django renders it: the template found once per render (Django's own cache in the
    render context), the values pushed, the included template's nodes rendered with
    its own render-context scope — without the two generator context managers and the
    name's resolution per include (3 µs each; a network group's page includes two per
    meeting). Another name, ``only``, or a context outside a template render is
    Django's own."""

    def render(self, context: Any) -> SafeString:
        try:
            name = self.__dict__["_name"]
        except KeyError:  # worked out once: the name, or None for Django's own include
            expression = self.template
            name = self.__dict__["_name"] = (
                (construct_relative_path(cast(str | None, self.origin.template_name),
                                         expression.var),)
                if not self.isolated_context and _fixed_expression(expression)
                and isinstance(expression.var, str) else None)
        if name is None or context.template is None:
            return super().render(context)
        render_context = context.render_context
        cache = render_context.dicts[0].setdefault(self, {})
        template = cache.get(name)
        if template is None:
            template = cache[name] = context.template.engine.select_template(name)
        values = {key: value.resolve(context) for key, value in self.extra_context.items()}
        initial = render_context.template
        render_context.template = template  # Django: render_context.push_state(template)
        # Django's push() of each context, less the ContextDict made to be a ``with`` block.
        render_context.dicts.append({})
        context.dicts.append(values)
        try:
            return cast(SafeString, template._render(context))
        finally:
            context.dicts.pop()
            render_context.template = initial
            render_context.dicts.pop()


_PLAIN_KINDS: dict[type, type] = {
    IncludeNode: PlainIncludeNode,
    VariableNode: PlainVariableNode, URLNode: PlainURLNode,
    BlockTranslateNode: PlainBlockTranslateNode, CsrfTokenNode: PlainCsrfTokenNode}


def _plain(node: Node) -> Node:
    """The plain kind of a variable, a blocktranslate with variables, a ``{% url %}``
    with variables, a ``{% csrf_token %}`` or an ``{% include %}``: a new node with the
    old one's attributes (the old one is left as it was)."""
    plain: Node = object.__new__(_PLAIN_KINDS[type(node)])
    plain.__dict__ = {name: value for name, value in node.__dict__.items()
                      if name != "_messages"}
    return plain


def fold(nodelist: NodeList) -> NodeList:
    """``nodelist`` with each run of fixed nodes (at least one not plain text) replaced
    by a :class:`FoldedNode`, and the same done inside every other node's lists. Returns
    a new list where anything changed (the given one is left as it was)."""
    out: list[Node] = []
    run: list[tuple[Node, str]] = []  # (node, its fixed kind)
    changed = False

    def close() -> None:
        nonlocal changed
        kinds = {kind for _, kind in run}
        if kinds - {"text"}:
            out.append(FoldedNode([node for node, _ in run], urls="url" in kinds))
            changed = True
        else:
            out.extend(node for node, _ in run)
        run.clear()

    for node in nodelist:
        if (kind := _fixed_kind(node)) is not None:
            run.append((node, kind))
            continue
        close()
        if type(node) in _PLAIN_KINDS:
            node, changed = _plain(node), True
        for name, value in vars(node).items():
            if name not in ("token", "origin", "nodelist") and not isinstance(
                    value, (Node, NodeList, str)):
                _plain_variables(value)
        changed = _fold_children(node) or changed
        if type(node) is IfNode:
            node, changed = _plain_if(node), True
        out.append(node)
    close()
    if not changed:
        return nodelist
    folded = NodeList(out)
    folded.contains_nontext = nodelist.contains_nontext
    return folded


def _fold_children(node: Node) -> bool:
    """Fold the lists inside ``node`` in place of the old ones; whether any changed."""
    changed = False
    if isinstance(node, IfNode):
        branches = [(condition, fold(branch)) for condition, branch in node.conditions_nodelists]
        if any(new is not old for (_, new), (_, old) in zip(branches, node.conditions_nodelists,
                                                                strict=True)):
            node.conditions_nodelists = branches
            changed = True
        return changed
    for attribute in node.child_nodelists:
        children = getattr(node, attribute, None)
        if isinstance(children, NodeList):
            folded = fold(children)
            if folded is not children:
                setattr(node, attribute, folded)
                changed = True
    return changed


def fold_template(template: Template) -> Template:
    """Fold ``template`` once (a second call does nothing)."""
    if not getattr(template, "_folded", False):
        with _lock:
            if not getattr(template, "_folded", False):
                template.nodelist = fold(template.nodelist)
                template._folded = True  # type: ignore[attr-defined]
    return template


class Loader(cached.Loader):
    """Django's cached loader, folding each template once when it is first loaded."""

    def get_template(self, template_name: str, skip: Any = None) -> Template:
        return fold_template(super().get_template(template_name, skip))
