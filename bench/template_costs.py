"""What Django's template engine costs per construct, and how many of each a leader page renders.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lu_perf \\
    REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/template_costs.py [--pages "min side" "module list" …]

Issue 23 asks each leader page to cost at most ~4 times the bare view's CPU. After
the queries were prepared (``lib/prepared.py``) most of a page's CPU is its templates
(``bench/page_cpu.py``); this prints the floor they set. First table: the CPU of one
construct (``{% translate %}``, ``{% url %}``, a ``|date``, an include, a crispy
field…), each rendered 100 times in one template, fastest of 5. Second table: how many
nodes of each kind a page renders (counted, so the machine's noise does not move
them) and their product with the first table's costs: a page's template floor.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# Node class → the construct of the first table whose cost it is counted at.
_CONSTRUCT_OF = {"TranslateNode": "translate", "BlockTranslateNode": "blocktranslate",
                 "URLNode": "url", "VariableNode": "variable.attribute", "IfNode": "if",
                 "IncludeNode": "include", "CsrfTokenNode": "csrf_token", "ForNode": "for (1 loop)",
                 "StaticNode": "static"}


def _constructs() -> dict[str, tuple[str, str, dict[str, Any]]]:
    class Obj:
        pass

    obj = Obj()
    obj.part = Obj()  # type: ignore[attr-defined]
    obj.part.name = "Økonomi & drift"  # type: ignore[attr-defined]
    i18n = "{% load i18n %}"
    # name: (the libraries it loads, the construct, its context)
    return {
        "plain text": ("", "Min side", {}),
        "variable": ("", "{{ x }}", {"x": "Åse"}),
        "variable.attribute": ("", "{{ o.part.name }}", {"o": obj}),
        "if": ("", "{% if x %}a{% endif %}", {"x": True}),
        "for (1 loop)": ("", "{% for i in one %}a{% endfor %}", {"one": [1]}),
        "translate": (i18n, "{% translate 'My page' %}", {}),
        "blocktranslate": (i18n, "{% blocktranslate with n=x %}Hi {{ n }}"
                                 "{% endblocktranslate %}", {"x": "Åse"}),
        "url": ("", "{% url 'accounts:min_side' %}", {}),
        "static": ("{% load static %}", "{% static 'css/site.css' %}", {}),
        "date filter": ("", "{{ d|date:'j. F Y' }}", {"d": dt.date(2027, 3, 9)}),
        "include": ("", '{% include "includes/form_errors.html" %}', {}),
        "csrf_token": ("", "{% csrf_token %}", {}),
    }


def construct_costs(rounds: int = 5, repeat: int = 100) -> dict[str, float]:
    """Microseconds of CPU per construct (fastest of ``rounds``)."""
    from django.template import engines
    from django.test import RequestFactory
    from django.utils import translation

    engine = engines["django"]
    request = RequestFactory().get("/")
    costs: dict[str, float] = {}
    with translation.override("nb"):
        for name, (load, construct, context) in _constructs().items():
            template = engine.from_string(load + construct * repeat)
            template.render(context, request)
            best = float("inf")
            for _ in range(rounds):
                started = time.process_time()
                for _ in range(20):
                    template.render(context, request)
                best = min(best, (time.process_time() - started) / 20 / repeat)
            costs[name] = best * 1e6
    return costs


def node_counts(names: list[str], leaders: int) -> dict[str, collections.Counter[str]]:
    """Per page, the nodes of each kind one request renders (mean over ``leaders``)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import journeys
    import page_cpu
    from django.template import base

    pages = page_cpu._pages(journeys, leaders)
    counted: collections.Counter[str] = collections.Counter()
    original = base.Node.render_annotated

    def render_annotated(node: Any, context: Any) -> Any:
        counted[type(node).__name__] += 1
        return original(node, context)

    result: dict[str, collections.Counter[str]] = {}
    base.Node.render_annotated = render_annotated  # type: ignore[method-assign]
    try:
        for name in names:
            pairs = pages[name]
            for client, url in pairs:  # warm: templates loaded, connections open
                client.get(url)
            counted.clear()
            for client, url in pairs:
                client.get(url)
            result[name] = collections.Counter(
                {kind: round(n / len(pairs)) for kind, n in counted.items()})
    finally:
        base.Node.render_annotated = original  # type: ignore[method-assign]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="*", default=[
        "signed-in frame", "min side", "module list", "survey answer", "group progress",
        "poster", "coaching course", "network group", "network meeting", "leader platform"])
    parser.add_argument("--leaders", type=int, default=10)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    import journeys

    journeys.bench_django()
    costs = construct_costs()
    print("| construct | µs of CPU each |\n|---|---:|")
    for name, cost in costs.items():
        print(f"| {name} | {cost:.2f} |")
    counts = node_counts(args.pages, args.leaders)
    print("\n| page | nodes rendered | translate | blocktranslate | url | variable | if | "
          "include | csrf_token | floor of these nodes, ms |\n|---|" + "---:|" * 9)
    for page, counter in counts.items():
        floor = sum(n * costs[_CONSTRUCT_OF[kind]] for kind, n in counter.items()
                    if kind in _CONSTRUCT_OF) / 1000
        print(f"| {page} | {sum(counter.values())} | {counter['TranslateNode']} | "
              f"{counter['BlockTranslateNode']} | {counter['URLNode']} | "
              f"{counter['VariableNode']} | {counter['IfNode']} | {counter['IncludeNode']} | "
              f"{counter['CsrfTokenNode']} | {floor:.2f} |")


if __name__ == "__main__":
    main()
