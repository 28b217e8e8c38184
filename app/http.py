"""HTTP plumbing: security headers, the request body limit and the one JSON error shape."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import ErrorBody, ErrorCode, FieldError, OpError
from app.i18n import Language
from app.i18n.errors import localize_message, reader_language

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
STATUS_FOR: dict[ErrorCode, int] = {"invalid": 422, "not_found": 404, "forbidden": 403,
                                    "locked": 409, "conflict": 409, "too_large": 413,
                                    "rate_limited": 429}


class SecurityHeaders:
    """Pages get a strict Content-Security-Policy; every response gets the basics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        strict = not path.startswith(("/docs", "/redoc", "/openapi.json"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"no-referrer"),
                            (b"x-frame-options", b"DENY")]
                if strict:
                    headers.append((b"content-security-policy", CSP.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, before anything is parsed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await self._refuse(scope, send)
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        # Said in the request's language too, though no route (nor Request) was reached.
        lang = reader_language(
            parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang", [None])[0],
            dict(scope.get("headers", [])).get(b"accept-language", b"").decode("latin-1"))
        message = localize_message(lang, f"The request body is larger than {self.limit} bytes.")
        body = json.dumps(ErrorBody(code="too_large", message=message).content()).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def error_response(code: ErrorCode, message: str, status: int,
                   fields: list[FieldError] | None = None,
                   headers: Mapping[str, str] | None = None,
                   lang: Language = "en") -> JSONResponse:
    """The one error shape (app.errors.ErrorBody); a 422 always carries ``fields``. The
    message is said in ``lang`` where app.i18n.errors knows it; the code never changes."""
    if status == 422 and fields is None:
        fields = []
    return JSONResponse(ErrorBody(code=code, message=localize_message(lang, message),
                                  fields=fields).content(),
                        status_code=status, headers=headers)


def request_language(request: Request) -> Language:
    """The language a request's answer is in: ``?lang=``, else its Accept-Language."""
    return reader_language(request.query_params.get("lang"),
                           request.headers.get("accept-language"))


async def op_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OpError)
    return error_response(exc.code, exc.message, STATUS_FOR[exc.code],
                          lang=request_language(request))


def _field_errors(errors: Sequence[Any]) -> list[FieldError]:
    return [FieldError(loc=[p for p in e.get("loc", ()) if isinstance(p, str | int)],
                       message=str(e.get("msg", "is not valid"))) for e in errors]


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """422 for a body, path or query that does not fit its model; a body that is not JSON
    at all is one of these too (422 ``invalid``, ``fields`` at ``["body"]``)."""
    assert isinstance(exc, RequestValidationError)
    lang = request_language(request)
    errors = list(exc.errors())
    if errors and errors[0].get("type") == "json_invalid":
        reason = (errors[0].get("ctx") or {}).get("error")
        message = "The request body is not valid JSON" + (f" ({reason})." if reason else ".")
        return error_response("invalid", message, 422,
                              [FieldError(loc=["body"], message=message)], lang=lang)
    fields = _field_errors(errors)
    if not fields:
        return error_response("invalid", "The request is not valid.", 422, lang=lang)
    first = fields[0]
    where = ".".join(str(p) for p in first.loc if p != "body") or "body"
    more = f" (and {len(fields) - 1} more)" if len(fields) > 1 else ""
    return error_response("invalid", _sentence(f"{where}: {first.message}{more}"), 422, fields,
                          lang=lang)


# What an HTTPException's status means as an error code (Starlette's own 404 and 405 too).
CODE_FOR: dict[int, ErrorCode] = {401: "forbidden", 403: "forbidden", 404: "not_found",
                                  409: "conflict", 413: "too_large", 423: "locked",
                                  429: "rate_limited"}


async def http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Every HTTPException (the routing's 404 and 405 included) in the one error shape."""
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    if status == 400:
        # FastAPI's answer to a body it cannot even decode (not UTF-8, say): the same
        # answer as a body that is not JSON.
        message = "The request body is not valid JSON (it could not be decoded)."
        return error_response("invalid", message, 422, [FieldError(loc=["body"],
                                                                   message=message)],
                              lang=request_language(request))
    message = exc.detail if isinstance(exc.detail, str) else ""
    if message in ("", _phrase(status)):  # Starlette's bare "Not Found": say it in words
        message = _default_message(status, request.method)
    return error_response(CODE_FOR.get(status, "invalid"), _sentence(message), status,
                          headers=exc.headers, lang=request_language(request))


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _default_message(status: int, method: str) -> str:
    if status == 404:
        return "There is nothing at this address."
    if status == 405:
        return f"This address does not accept {method} requests."
    return f"The request could not be handled ({status})."
