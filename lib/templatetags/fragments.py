"""``{% cachedfragment "name" part … %}…{% endcachedfragment %}``: a template part kept
per user through :func:`lib.fragments.fragment` (same key, same invalidation).

Used by ``base.html`` for the navigation and the footer, which depend on the user,
the language, the current page (``part``) and the CSRF secret only. Without a
request in the context (emails, PDFs) the part is simply rendered.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token

from lib.fragments import fragment

register = template.Library()


class CachedFragmentNode(template.Node):
    def __init__(self, name: FilterExpression, parts: list[FilterExpression],
                 nodelist: NodeList) -> None:
        self.name = name
        self.parts = parts
        self.nodelist = nodelist

    def render(self, context: Any) -> str:
        request = context.get("request")
        if request is None or not hasattr(request, "user"):
            return self.nodelist.render(context)
        parts = [part.resolve(context) for part in self.parts]
        return fragment(request, f"tpl:{self.name.resolve(context)}",
                        lambda: self.nodelist.render(context), parts=parts)


@register.tag("cachedfragment")
def cachedfragment(parser: Parser, token: Token) -> CachedFragmentNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("cachedfragment needs a name")
    nodelist = parser.parse(("endcachedfragment",))
    parser.delete_first_token()
    return CachedFragmentNode(parser.compile_filter(bits[1]),
                              [parser.compile_filter(bit) for bit in bits[2:]], nodelist)
