"""The admin's sign-in form, with a password label that can be translated.

Wagtail's LoginForm redeclares the password field without a label, so Django derives the
English "Password" from the field name and the Danish sign-in page shows it untranslated.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm


class LoginForm(WagtailLoginForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")
