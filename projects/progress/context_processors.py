"""What every page's header is given about notifications: the signed-in user's unread count."""

from django.utils.functional import SimpleLazyObject

from . import selectors


def unread_notifications(request):
    """``unread_notifications``: one COUNT query, asked only when a template reads it and once per request;
    0 for anonymous visitors without a query."""

    def count() -> int:
        if not hasattr(request, "_unread_notifications"):
            user = getattr(request, "user", None)
            authenticated = user is not None and user.is_authenticated
            request._unread_notifications = selectors.unread_notification_count(user=user) if authenticated else 0
        return request._unread_notifications

    return {"unread_notifications": SimpleLazyObject(count)}
