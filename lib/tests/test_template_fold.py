"""Folded templates (``lib/template_fold.py``) say exactly what the unfolded ones say.

Three checks:

- every folded run in every template of the project and of Django's admin, rendered in
  nb, nn and en, with and without autoescape, under a sub-path and in the admin's
  namespace — one after another, so a string kept for one of these and served for
  another is caught — equals its original nodes rendered afresh;
- what is folded and what is not (a variable, a filter, ``as``, a count: never);
- whole pages, for several roles and languages, are the same bytes with folding off
  and on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template, engines
from django.template.base import TextNode
from django.test import RequestFactory
from django.urls import ResolverMatch, clear_script_prefix, reverse, set_script_prefix
from django.utils import translation

from lib import template_fold
from lib.template_fold import FoldedNode, fold
from lib.templatetags import frame as frame_tag
from lib.tests.test_frame import _body
from tests.factories import LeaderFactory

ENGINE = engines["django"].engine


def _template_names() -> list[str]:
    """Every template of the project's apps and folders, and of Django's admin."""
    import django.contrib.admin

    roots = [Path(d) for d in ENGINE.dirs]
    roots += [p for p in Path(settings.BASE_DIR).glob("*/templates")
              if ".venv" not in p.parts and "mutants" not in p.parts]
    roots.append(Path(django.contrib.admin.__file__).parent / "templates")
    names = set()
    for root in roots:
        for path in root.rglob("*"):
            if path.suffix in (".html", ".txt", ".xml", ".ics") and path.is_file():
                names.add(str(path.relative_to(root)))
    return sorted(names)


def _folded_nodes(nodelist) -> list[FoldedNode]:
    return nodelist.get_nodes_by_type(FoldedNode)


def test_every_folded_run_renders_as_its_nodes_in_every_language_and_place():
    request = RequestFactory().get("/admin/")
    request.resolver_match = ResolverMatch(lambda r: None, (), {}, app_names=["admin"],
                                           namespaces=["admin"])
    names = _template_names()
    assert len(names) > 150
    folded = 0
    for name in names:
        template = ENGINE.get_template(name)
        for node in _folded_nodes(template.nodelist):
            folded += 1
            for prefix in ("/", "/lederutvikling/"):
                set_script_prefix(prefix)
                try:
                    for language in ("nb", "nn", "en"):
                        for autoescape in (True, False):
                            for with_request in (False, True):
                                context = Context({}, autoescape=autoescape)
                                if with_request:
                                    context.request = request
                                with translation.override(language), \
                                        context.bind_template(template):
                                    expected = "".join(
                                        n.render_annotated(context) for n in node.nodelist)
                                    assert node.render(context) == expected, (name, language)
                finally:
                    clear_script_prefix()
    assert folded > 500


def _nodes(source: str):
    return fold(Template("{% load i18n static %}" + source).nodelist)


@pytest.mark.parametrize("source", [
    '{% translate "Name" %}', "{% translate 'Name' context 'person' %}",
    '{% blocktranslate %}Leader above{% endblocktranslate %}',
    '{% url "accounts:min_side" %}', '{% url "programs:module_detail" "x" %}',
    '{% static "css/site.css" %}', "text {# comment #} {% translate 'Name' %} text",
])
def test_fixed_nodes_are_folded(source):
    nodes = _nodes(source)
    assert [type(n) for n in nodes if not isinstance(n, TextNode)][-1] is FoldedNode


@pytest.mark.parametrize("source", [
    "{% translate name %}", '{% translate "Name" as label %}', '{% translate "Name"|upper %}',
    "{% translate 'Name' context kind %}",
    "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}",
    "{% blocktranslate with n=name %}Hello{% endblocktranslate %}",
    "{% blocktranslate count n=items %}one{% plural %}many{% endblocktranslate %}",
    "{% url name %}", '{% url "programs:module_detail" module.uuid %}',
    '{% url "accounts:min_side" as here %}', "{% static path %}",
    '{% static "css/site.css" as css %}', "{{ name }}", "{% csrf_token %}", "plain text",
])
def test_what_depends_on_the_context_is_not_folded(source):
    assert not _folded_nodes(_nodes(source))


def test_a_run_inside_if_and_for_is_folded_and_the_rest_kept():
    nodes = _nodes('{% if a %}{% translate "Name" %} <b>{% url "accounts:min_side" %}</b>'
                   '{% else %}{{ b }}{% endif %}'
                   '{% for x in xs %}{{ x }}{% translate "Email" %}{% endfor %}')
    assert len(_folded_nodes(nodes)) == 2
    template = Template("")
    template.nodelist = nodes
    with translation.override("en"):
        assert template.render(Context({"a": True})) == "Name <b>/min-side/</b>"
        assert template.render(Context({"a": False, "b": "<x>"})) == "&lt;x&gt;"
        assert template.render(Context({"a": False, "xs": [1, 2]})) == "1Email2Email"
    with translation.override("nb"):
        assert template.render(Context({"a": True})).startswith("Navn <b>")


def test_plain_values_are_written_as_django_writes_every_value():
    """``{{ value }}`` through PlainVariableNode: a plain or safe str by the short path,
    everything else by Django's — the same text as Django's own VariableNode, escaped or
    not, for markup, safe HTML, numbers with the thousand separator, dates, lazy strings,
    None, an object and a filter's output."""
    import datetime as dt

    from django.template.base import VariableNode
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    from lib.template_fold import PlainVariableNode

    class Named:  # an object written by its str(), as a model instance is
        def __str__(self) -> str:
            return "<Rektor> & co"

    source = "{{ v }}|{{ v|default:'–' }}|{{ v|upper }}"
    plain, django_own = Template(""), Template(source)
    plain.nodelist = fold(Template(source).nodelist)
    assert [type(n) for n in plain.nodelist if not isinstance(n, TextNode)] == [
        PlainVariableNode] * 3
    assert all(type(n) is VariableNode for n in django_own.nodelist
               if not isinstance(n, TextNode))
    values = ['Åse <b>"Sør"</b> & Nord\nvest', mark_safe("<em>trygt</em>"), 6476, 2.5,
              0, 7, -42, 999, -999, 1000, -1000, 123456789, True, False,
              dt.date(2026, 12, 7), dt.datetime(2026, 12, 7, 23, 30, tzinfo=dt.UTC),
              gettext_lazy("Name"), None, "", Named(),
              ["<a>", 1]]
    for language in ("nb", "nn", "en"):
        with translation.override(language):
            for value in values:
                for autoescape in (True, False):
                    context = {"v": value}
                    assert plain.render(Context(context, autoescape=autoescape)) == \
                        django_own.render(Context(context, autoescape=autoescape)), value
            for value in (999, 1000, -1000, 2.5):  # localisation off: Django's own
                context = {"v": value}
                assert plain.render(Context(context, use_l10n=False)) == \
                    django_own.render(Context(context, use_l10n=False)), value
    with translation.override("nb"):
        assert plain.render(Context({"v": 6476})).startswith("6\xa0476|")
        assert plain.render(Context({"v": -999})).startswith("-999|")


@pytest.mark.parametrize("source", [
    "{% blocktranslate with n=v %}Due {{ n }}{% endblocktranslate %}",
    "{% blocktranslate with n=v m=v|default:'–' %}{{ n }} of {{ m }} members done"
    "{% endblocktranslate %}",
    "{% blocktranslate trimmed with n=v %}\n  Held\n  {{ n }}\n{% endblocktranslate %}",
    "{% blocktranslate count c=k with n=v %}{{ n }}: one{% plural %}{{ n }}: {{ c }}"
    "{% endblocktranslate %}",
    "{% blocktranslate context 'poster' with n=v %}Name {{ n }}{% endblocktranslate %}",
    "{% blocktranslate with n=v asvar said %}Due {{ n }}{% endblocktranslate %}[{{ said }}]",
    "{% blocktranslate %}Hello {{ v }} and {{ missing }}{% endblocktranslate %}",
])
def test_blocktranslate_with_values_says_what_django_says(source):
    """``{% blocktranslate %}`` with variables through PlainBlockTranslateNode (kept
    message, render_value): the same text as Django's for every kind of value, count,
    context, ``trimmed``, ``asvar`` and a missing variable, in each language, twice (the
    second render uses the kept message)."""
    import datetime as dt

    from django.templatetags.i18n import BlockTranslateNode
    from django.utils.safestring import mark_safe

    from lib.template_fold import PlainBlockTranslateNode

    source = "{% load i18n %}" + source
    plain, django_own = Template(""), Template(source)
    plain.nodelist = fold(Template(source).nodelist)
    assert PlainBlockTranslateNode in {type(n) for n in plain.nodelist}
    assert BlockTranslateNode in {type(n) for n in django_own.nodelist}
    for language in ("nb", "nn", "en"):
        with translation.override(language):
            for value in ('Åse <b>"Sør"</b>\n', mark_safe("<em>trygt</em>"), 12, 1234, -5,
                          dt.date(2026, 12, 7), None, ""):
                for k in (1, 3, 1500):
                    for autoescape in (True, False):
                        context = {"v": value, "k": k}
                        expected = django_own.render(Context(context, autoescape=autoescape))
                        for _ in range(2):
                            assert plain.render(Context(context, autoescape=autoescape)) \
                                == expected, (value, k)


def test_a_settings_change_drops_what_was_kept(settings):
    template = Template("")
    template.nodelist = _nodes("{% static 'css/site.css' %}")
    node = _folded_nodes(template.nodelist)[0]
    first = template.render(Context())
    settings.STATIC_URL = "/annen-static/"
    assert node._generation != template_fold._generation[0]
    assert template.render(Context()) != first
    assert "/annen-static/" in template.render(Context())


@pytest.fixture
def unfolded(monkeypatch):
    """Templates loaded afresh without folding (the loader's cache emptied before and after)."""
    def reset():
        for loader in ENGINE.template_loaders:
            loader.reset()

    def use(on: bool) -> None:
        reset()
        if on:
            monkeypatch.undo()
        else:
            monkeypatch.setattr(template_fold, "fold_template", lambda template: template)

    yield use
    monkeypatch.undo()
    reset()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["leader", "oaf", "nynorsk"])
def test_pages_are_the_same_folded_and_unfolded(client, personas, unfolded, role):
    user = {"leader": personas.bob, "oaf": personas.alice,
            "nynorsk": LeaderFactory(organisation=personas.org_a, user__language="nn",
                                     user__email="nn@askvik.example").user}[role]
    client.force_login(user)
    pages = [reverse("accounts:min_side"), reverse("programs:module_list"),
             reverse("surveys:index"), reverse("coaching:overview"),
             reverse("networks:index"), reverse("groups:index"), reverse("privacy:privacy")]
    if role == "oaf":
        pages += ["/admin/", "/admin/accounts/leader/", "/admin/programs/module/add/"]
    frame_tag.ENABLED = False  # the frame through the loader too
    try:
        bodies = {}
        for on in (False, True):
            unfolded(on)
            bodies[on] = [(url, client.get(url)) for url in pages]
    finally:
        frame_tag.ENABLED = True
    for (url, plain), (_, folded) in zip(bodies[False], bodies[True], strict=True):
        assert plain.status_code == folded.status_code == 200, url
        assert _body(plain) == _body(folded), url
    assert any(_folded_nodes(ENGINE.get_template(name).nodelist)
               for name in ("accounts/min_side_body.html", "base.html"))


class _Odd:
    """Each way a template variable can meet an object."""

    alters_data_method_called = False
    name = "Åse\nØdegård"
    items = {"a": 1}

    def greet(self):
        return "<hei>"

    def needs(self, argument):
        return argument

    def save(self):
        type(self).alters_data_method_called = True
    save.alters_data = True

    class Kind:
        do_not_call_in_templates = True
        label = "kind"

    @property
    def broken(self):
        raise AttributeError("inside the property")

    @property
    def quiet(self):
        error = ValueError("quiet")
        error.silent_variable_failure = True
        raise error

    def raising(self):
        raise TypeError("inside the method")


@pytest.mark.parametrize("expression", [
    "o.name", "o.greet", "o.needs", "o.save", "o.Kind", "o.Kind.label", "o.items.a",
    "o.missing", "o.broken", "o.quiet", "o.raising", "d.key", "d.0", "d.items", "xs.1",
    "xs.9", "xs.x", "s.upper", "s.0", "n.real", "none.x", "dicts", "template_name",
    "missing.x", "o.name.upper",
])
def test_plain_variables_resolve_as_django_s(expression):
    """PlainVariable (``{{ a.b }}`` without Django's own exception per object step) gives
    what Django's Variable gives — the value, or the same exception — for dicts,
    attributes, indexes, calls, ``alters_data``, ``do_not_call_in_templates``, a property
    that raises, a silent failure and the context's own attributes."""
    from django.template.base import Variable

    from lib.template_fold import PlainVariable

    context = Context({"o": _Odd(), "d": {"key": "<v>", "0": "zero"}, "xs": [1, 2],
                       "s": "Ål", "n": 3, "none": None})
    context.template = Template("")

    def outcome(variable):
        try:
            return ("value", variable.resolve(context))
        except Exception as error:
            return ("error", type(error), str(error))

    django_own = Variable(expression)
    plain = Variable(expression)
    plain.__class__ = PlainVariable
    assert outcome(plain) == outcome(django_own)
    assert not _Odd.alters_data_method_called


def test_folding_makes_every_variable_plain():
    """The if's operands, a filter's argument, a for's sequence, a with's value and a
    tag's arguments are all PlainVariables once the template is folded."""
    from django.template.base import FilterExpression, Variable

    from lib.template_fold import PlainVariable

    template = Template(
        "{% load i18n %}{% if a.b and not c.d %}{{ e.f|default:g.h }}{% endif %}"
        "{% for x in xs.all %}{% with y=x.z %}{{ y }}{% endwith %}{% endfor %}"
        "{% blocktranslate with n=m.n %}{{ n }}{% endblocktranslate %}")
    template.nodelist = fold(template.nodelist)
    found: list[type] = []

    def walk(value, depth=0):
        if depth > 12:
            return
        if isinstance(value, Variable):
            found.append(type(value))
        elif isinstance(value, FilterExpression):  # slots: no __dict__
            walk([value.var, *(a for _, args in value.filters for _, a in args)], depth + 1)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item, depth + 1)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item, depth + 1)
        elif hasattr(value, "__dict__") and not isinstance(value, type):
            for item in vars(value).values():
                walk(item, depth + 1)

    walk(template.nodelist)
    assert len(found) >= 8 and set(found) == {PlainVariable}
    assert template.render(Context({"a": {"b": 1}, "c": {"d": 0}, "e": {}, "g": {"h": "Å"},
                                    "xs": {"all": [{"z": 1}, {"z": 2}]}, "m": {"n": 7}})) \
        == "Å127"


@pytest.mark.parametrize("args", [
    ("groups:session_edit", "u", 3), ("groups:session_edit", "u", 0),
    ("groups:progress", "u"), ("groups:task_toggle", "u", 123456789),
    ("groups:session_edit", "u", "7"), ("groups:session_edit", "u", -1),
    ("groups:progress", "not-a-uuid"), ("groups:index",),
])
@pytest.mark.parametrize("keywords", [False, True])
def test_urls_with_values_are_django_s(args, keywords):
    """``{% url %}`` with variables through PlainURLNode (reversed once per name and
    kinds, the arguments put in place): the same address as Django's — or the same
    error — for UUIDs and numbers, text, a negative number, a wrong value, ``as``,
    without autoescape, under a sub-path and in each language, twice."""
    import uuid

    from django.template.defaulttags import URLNode

    from lib.template_fold import PlainURLNode

    values = {f"a{i}": (uuid.UUID("0f5e8c2a-9d3b-4e1f-a7c6-3b2d1e0f9a8b") if v == "u" else v)
              for i, v in enumerate(args[1:])}
    if keywords:
        parameters = {"groups:session_edit": ["public_id", "number"],
                      "groups:task_toggle": ["public_id", "task_id"],
                      "groups:progress": ["public_id"]}.get(args[0], [])
        names = " ".join(f"{p}={n}" for p, n in zip(parameters, values, strict=False))
    else:
        names = " ".join(values)
    source = (f'{{% url "{args[0]}" {names} %}}|{{% url "{args[0]}" {names} as x %}}[{{{{ x }}}}]'
              f'{{% autoescape off %}}{{% url "{args[0]}" {names} %}}{{% endautoescape %}}')
    plain, django_own = Template(""), Template(source)
    plain.nodelist = fold(Template(source).nodelist)
    if names:
        assert PlainURLNode in {type(n) for n in plain.nodelist}
        assert URLNode in {type(n) for n in django_own.nodelist}

    def outcome(template):
        try:
            return template.render(Context(values))
        except Exception as error:
            return (type(error), str(error))

    try:
        for prefix in ("/", "/kommune/"):
            set_script_prefix(prefix)
            for language in ("nb", "nn", "en"):
                with translation.override(language):
                    expected = outcome(django_own)
                    for _ in range(2):
                        assert outcome(plain) == expected
    finally:
        clear_script_prefix()
    assert "/kommune/" in str(expected) or isinstance(expected, tuple)


def test_an_address_is_kept_as_text_around_its_arguments():
    import uuid

    from lib.template_fold import _url_pieces

    assert _url_pieces("groups:session_edit", (uuid.UUID, int), (), None) == (
        reverse("groups:index"), 0, "/samlinger/", 1, "/")
    assert _url_pieces("groups:session_edit", (uuid.UUID, int), ("public_id", "number"),
                       None) == (reverse("groups:index"), 0, "/samlinger/", 1, "/")
    assert _url_pieces("groups:session_edit", (int, int), (), None) is None  # no such address


@pytest.mark.parametrize("source", [
    "{% if a %}ja{% endif %}",
    "{% if a.b %}ja{% else %}nei{% endif %}",
    "{% if missing.x %}ja{% elif a %}<b>{{ a }}</b>{% else %}nei{% endif %}",
    "{% if not a %}ja{% endif %}|{% if a and n > 2 %}{{ n }}{% endif %}",
    "{% if a|length > 1 %}lang{% endif %}{% if xs.0 %}første{% endif %}",
    "{% if o.broken %}x{% endif %}",
    "{% if o.greet %}{{ o.greet }}{% endif %}{% if o.save %}lagret{% endif %}",
    "{% if _('Name') %}oversatt{% endif %}",
    '{% if a.b == "ja" %}ja{% elif n != 3 %}ikke tre{% elif n == 3 %}tre{% endif %}',
    "{% if a or missing.x %}a{% endif %}{% if not missing.x %}ingen{% endif %}",
    "{% if a and o.broken %}x{% else %}brutt{% endif %}{% if not o.broken %}ikke{% endif %}",
    "{% if o.quiet or o.raising %}x{% endif %}{% if o.items.a == 1 %}én{% endif %}",
    "{% if n == 0 or n == 3 and not a %}tall{% endif %}{% if xs.0 != 1 %}ikke én{% endif %}",
])
def test_ifs_say_what_django_says(source):
    """``{% if %}`` through PlainIfNode (a plain variable looked up directly, a text branch
    written as it is): the same output — or error — as Django's for every kind of
    condition and branch, with values true, false, missing and raising."""
    from django.template.defaulttags import IfNode

    from lib.template_fold import PlainIfNode

    plain, django_own = Template(""), Template(source)
    plain.nodelist = fold(Template(source).nodelist)
    assert {type(n) for n in plain.nodelist if not isinstance(n, TextNode)} <= {PlainIfNode}
    assert IfNode in {type(n) for n in django_own.nodelist}
    if not any(mark in source for mark in ("|", ">", "_(")):  # conditions it compiles
        assert all(compiled is not None for node in plain.nodelist
                   if isinstance(node, PlainIfNode)
                   for compiled, condition, *_ in node.branches if condition is not None)

    def outcome(template, values):
        context = Context(values)
        try:
            return template.render(context)
        except Exception as error:
            return (type(error), str(error))

    for values in ({"a": "Å<", "n": 3, "xs": [1]}, {"a": "", "n": 0, "xs": []},
                   {"a": {"b": 0}, "xs": [0]}, {"a": {"b": "ja"}}, {},
                   {"o": _Odd(), "a": [1, 2]}):
        with translation.override("nb"):
            assert outcome(plain, values) == outcome(django_own, values), values
    assert not _Odd.alters_data_method_called


def test_kept_linebreaks_write_what_django_writes():
    """The builtin ``linebreaks``/``linebreaksbr`` (text's HTML kept per process) against
    Django's own: markup, safe text, blank lines, Windows line ends, long text, None and
    a number, with and without autoescape, twice."""
    from django.template import defaultfilters
    from django.utils.safestring import mark_safe

    from lib.templatetags import kept_text

    values = ['Første linje <b>"fet"</b> & co\n\nAndre\r\nTredje', mark_safe("<em>trygt</em>\nja"),
              "", "x" * 5000 + "\n<y>", None, 42, "Én linje"]
    for value in values:
        for autoescape in (True, False):
            for _ in range(2):
                assert kept_text.linebreaks_filter(value, autoescape=autoescape) == \
                    defaultfilters.linebreaks_filter(value, autoescape=autoescape)
                assert kept_text.linebreaksbr(value, autoescape=autoescape) == \
                    defaultfilters.linebreaksbr(value, autoescape=autoescape)
    parsed = ENGINE.from_string("{{ v|linebreaks }}{{ v|linebreaksbr }}")
    assert [f.__module__ for node in parsed.nodelist
            for f, _ in node.filter_expression.filters] == ["lib.templatetags.kept_text"] * 2
    rendered = Template("{{ v|linebreaks }}").render(Context({"v": "a <b>\nb"}))
    assert rendered == "<p>a &lt;b&gt;<br>b</p>"


def test_csrf_inputs_are_django_s_and_one_per_token():
    """``{% csrf_token %}`` through PlainCsrfTokenNode: each form of a render writes the
    same input as Django's (or fails as Django's does); a new render (another request's
    token) writes its own."""
    from django.template.defaulttags import CsrfTokenNode
    from django.utils.functional import SimpleLazyObject

    from lib.template_fold import PlainCsrfTokenNode

    source = "{% for x in xs %}<form>{% csrf_token %}</form>{% endfor %}"
    plain, django_own = Template(""), Template(source)
    plain.nodelist = fold(Template(source).nodelist)
    assert PlainCsrfTokenNode in {type(n) for n in plain.nodelist[0].nodelist_loop}
    assert CsrfTokenNode in {type(n) for n in django_own.nodelist[0].nodelist_loop}

    def outcome(template, values):
        try:
            return template.render(Context(values))
        except Exception as error:
            return (type(error), str(error))

    for token in ("tok<1>", "tok2", "NOTPROVIDED", None, ""):
        values = {"xs": [1, 2, 3],
                  "csrf_token": SimpleLazyObject(lambda token=token: token) if token else token}
        assert outcome(plain, values) == outcome(django_own, values), token
    first = plain.render(Context({"xs": [1], "csrf_token": "a"}))
    assert 'value="a"' in first
    assert 'value="b"' in plain.render(Context({"xs": [1], "csrf_token": "b"}))


def test_includes_render_as_django_s():
    """``{% include %}`` through PlainIncludeNode (a fixed name): the same output — or
    error — as Django's own loader stack for values, loops, nesting, a relative name,
    ``only``, a variable set inside the included template (it must not leak), a
    missing template; and each included template is still reported as rendered."""
    from django.template import Engine
    from django.test.signals import template_rendered
    from django.test.utils import instrumented_test_render

    from lib.template_fold import PlainIncludeNode

    files = {
        "page.html": "{% for m in ms %}[{% include 'inc/item.html' with n=forloop.counter %}]"
                     "{% endfor %}{{ x|default:'ingen x' }}|{% include './inc/only.html' only %}"
                     "|{% include 'inc/nested.html' %}",
        "inc/item.html": "{{ n }}:{{ m.name }}{% url 'groups:index' as x %}{{ x }}",
        "inc/only.html": "{{ ms|length }}",
        "inc/nested.html": "{% include 'inc/item.html' with n=9 m=ms.0 %}",
        "missing.html": "{% include 'inc/nowhere.html' %}",
    }
    loaders = [("django.template.loaders.locmem.Loader", files)]
    folded = Engine(loaders=[("lib.template_fold.Loader", loaders)],
                    libraries={"i18n": "django.templatetags.i18n"})
    django_own = Engine(loaders=loaders)
    page = folded.get_template("page.html")
    assert any(type(n) is PlainIncludeNode for n in page.nodelist[0].nodelist_loop)

    def outcome(engine, name, values):
        try:
            return engine.get_template(name).render(Context(values))
        except Exception as error:
            return (type(error), str(error))

    values = {"ms": [{"name": "Åse <b>"}, {"name": "Per\nOlsen"}]}
    for name in ("page.html", "missing.html"):
        for _ in range(2):
            assert outcome(folded, name, values) == outcome(django_own, name, values)
    seen = []
    from django.template import Template as BaseTemplate
    original = BaseTemplate._render
    BaseTemplate._render = instrumented_test_render
    template_rendered.connect(receiver := lambda sender, template, **kw: seen.append(
        template.name))
    try:
        page.render(Context(values))
    finally:
        BaseTemplate._render = original
        template_rendered.disconnect(receiver)
    assert seen.count("inc/item.html") == 3 and "inc/nested.html" in seen
