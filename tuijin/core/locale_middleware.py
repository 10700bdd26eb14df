from django.conf import settings
from django.utils import translation


class ChineseFirstLocaleMiddleware:
    """The interface speaks Chinese unless the user chose another language.

    Django's LocaleMiddleware follows the browser's Accept-Language; a zone's intranet PCs often send
    English, so only the explicit choice (the language cookie set by the switcher) counts here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
