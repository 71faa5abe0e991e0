from .context import reset_request_id, set_request_id


class RequestContextMiddleware:
    """Gives each request an id so that every audit row written by it can be grouped."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_request_id()
        try:
            return self.get_response(request)
        finally:
            reset_request_id(token)
