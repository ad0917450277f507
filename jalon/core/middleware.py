from django.utils.cache import patch_cache_control

from jalon.core import request_context


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_context.set_current(
            request_context.RequestContext(ip_address=request_context.client_ip(request))
        )
        try:
            return self.get_response(request)
        finally:
            request_context.reset(token)


class NoStoreMiddleware:
    """Pages and API answers seen by a signed-in user carry personal data: no browser or proxy may keep a copy.

    A response that already says how it may be cached keeps its own header; static files never get here
    (WhiteNoise answers them first).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # `request.user` is also the user a DRF token authenticated, set on the request during the view.
        user = getattr(request, "user", None)
        if not response.has_header("Cache-Control") and user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
