"""Who belongs to which partner's area: the groups that make a partner's people, and the
coordinators who see every area."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from home.models.vocabulary import Partner


def partners_of_user(user) -> QuerySet[Partner]:
    """The partners whose work a user may see in the admin.

    Superusers and the coordinators see every partner; anyone else the partners whose editors or
    moderators group they belong to.
    """
    if not user.is_authenticated or not user.is_active:
        return Partner.objects.none()
    if user.is_superuser or user.groups.filter(name=COORDINATORS_GROUP).exists():
        return Partner.objects.all()
    groups = user.groups.all()
    return Partner.objects.filter(
        Q(editors_group__in=groups) | Q(moderators_group__in=groups)
    ).distinct()


def user_is_coordinator(user) -> bool:
    return user.is_active and (
        user.is_superuser or user.groups.filter(name=COORDINATORS_GROUP).exists()
    )


COORDINATORS_GROUP = "Koordinatorer"


SHARED_EDITORS_GROUP = "Fælles sider – redaktører"
