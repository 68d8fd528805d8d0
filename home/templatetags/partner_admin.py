"""Template tags for the admin's views of other partners' pages."""

from django import template

from home.admin_scoping import page_title_for

register = template.Library()


@register.simple_tag(takes_context=True)
def shown_page_title(context, page) -> str:
    """The page's title as this user may see it: its draft title inside their area, its live
    title elsewhere (the only pages of other partners a chooser offers are live and public)."""
    request = context.get("request")
    return page_title_for(request.user if request else None, page)
