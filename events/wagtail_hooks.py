"""The events app's admin: the calendar, the email log, registrations and staff-group
applications, the dashboard's panels and the reports; the event form's warnings and its script
for a session's times."""

from functools import partial

from django.contrib import messages
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem

from events import dashboard
from events.calendar import views as calendar_views
from events.courses import certificate_admin, message_views
from events.courses import views as checkin_views
from events.evaluations import report as evaluation_report
from events.form_warnings import event_warnings
from events.mail.admin import outbound_email_viewset
from events.models import EventPage
from events.registrations.admin import application_viewset, registration_viewset
from events.registrations.bulk_actions import BULK_ACTIONS
from events.reports import answers as answer_report
from events.reports import views as reach_reports
from events.webinars import dashboard as webinar_dashboard
from events.webinars import meeting_views
from events.webinars.admin import register_policies as register_webinar_policies
from events.webinars.admin import webinar_account_viewset

register_webinar_policies()


@hooks.register("register_admin_viewset")
def register_outbound_email_viewset():
    return outbound_email_viewset


@hooks.register("register_admin_viewset")
def register_registration_viewsets():
    return [registration_viewset, application_viewset]


for _action in BULK_ACTIONS:
    hooks.register("register_bulk_action", _action)


@hooks.register("construct_homepage_panels")
def add_dashboard_panels(request, panels):
    dashboard.construct_homepage_panels(request, panels)


@hooks.register("construct_homepage_panels")
def add_recordings_panel(request, panels):
    panels.append(webinar_dashboard.RecordingsPanel(request))


@hooks.register("register_admin_urls")
def register_reach_report_urls():
    return [
        path("", include((reach_reports.urlpatterns(), "reach_reports"))),
        path("", include((answer_report.urlpatterns(), "answer_report"))),
        path("", include((evaluation_report.urlpatterns(), "evaluation_report"))),
        *calendar_views.urlpatterns(),
    ]


@hooks.register("register_admin_menu_item")
def register_calendar_menu_item():
    return calendar_views.menu_item()


for _slug in reach_reports.REPORTS:
    hooks.register("register_reports_menu_item", partial(reach_reports.menu_item, _slug))
hooks.register("register_reports_menu_item", answer_report.menu_item)
hooks.register("register_reports_menu_item", evaluation_report.menu_item)


@hooks.register("register_admin_urls")
def register_checkin_urls():
    return [path("", include((checkin_views.urlpatterns(), "checkin")))]


@hooks.register("register_admin_urls")
def register_message_urls():
    return [path("", include((message_views.urlpatterns(), "event_messages")))]


@hooks.register("register_admin_menu_item")
def register_checkin_menu_item():
    return checkin_views.menu_item()


@hooks.register("register_admin_urls")
def register_certificate_urls():
    return [path("", include((certificate_admin.urlpatterns(), "certificates_admin")))]


@hooks.register("register_admin_menu_item")
def register_certificates_menu_item():
    return certificate_admin.menu_item()


def _warn_of_choices(request, page) -> None:
    """After the event form is saved or published: what may be a mistake, as warnings (the
    page is saved). Not after an autosave, which answers in JSON and shows no messages."""
    if not isinstance(page, EventPage) or not request.accepts("text/html"):
        return
    for warning in event_warnings(page):
        messages.warning(request, warning)


hooks.register("after_create_page", _warn_of_choices)
hooks.register("after_edit_page", _warn_of_choices)


@hooks.register("insert_editor_js")
def session_times_script():
    """The event form shows a session's dates or its times, by "Heldags"."""
    return format_html('<script src="{}" defer></script>', static("events/admin/session_times.js"))


@hooks.register("register_admin_viewset")
def register_webinar_account_viewset():
    return webinar_account_viewset


@hooks.register("register_admin_urls")
def register_webinar_meeting_urls():
    return [path("", include((meeting_views.urlpatterns(), "webinar_meetings")))]


@hooks.register("register_admin_menu_item")
def register_webinar_meetings_menu_item():
    return meeting_views.menu_item()


@hooks.register("register_page_header_buttons")
def webinar_meetings_button(page, user, view_name, next_url=None):
    """ "Møder på Zoom/Teams" in an event's header menu, for the partner's people."""
    if page.specific_class is not None and issubclass(page.specific_class, EventPage):
        if not page.specific.webinar_platform:
            return
        if meeting_views.meeting_policy.user_has_permission_for_instance(user, "meetings", page):
            yield PageMenuItem(
                _("Møder på Zoom/Teams"),
                reverse("webinar_meetings:event", args=[page.pk]),
                icon_name="media",
                priority=80,
                page=page,
            )
