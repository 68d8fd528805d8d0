"""Template tags for the admin's views of other partners' work."""

from django import template
from wagtail.images import get_image_model

from home.areas.rules import page_title_for
from home.areas.tags import popular_tags_in_area

register = template.Library()


@register.simple_tag(takes_context=True)
def shown_page_title(context, page) -> str:
    """The page's title as this user may see it: its draft title inside their area, its live
    title elsewhere (the only pages of other partners a chooser offers are live and public)."""
    request = context.get("request")
    return page_title_for(request.user if request else None, page)


@register.simple_tag(takes_context=True)
def popular_image_tags_in_area(context):
    """The image chooser's "popular tags", of the images in the user's own collections."""
    return popular_tags_in_area(context["request"].user, get_image_model())
