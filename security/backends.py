from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes on every login that comes with a request (the web login, the admin
    login, the token endpoint). A programmatic `authenticate()` without a request (a
    management command, a test client's `login()`) has no client to count and passes on."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
