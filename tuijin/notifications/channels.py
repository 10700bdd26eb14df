"""Sending one message to one channel: e-mail (Django's mail) or a 钉钉 / 企业微信 group robot (a webhook).

Each ``send_*`` returns an ``Outcome`` and never raises: the caller logs every attempt and retries. Neither the
signing secret nor the signed address (which carries the robot's token) is ever put in an outcome.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

TIMEOUT_SECONDS = 5
DETAIL_MAX = 300


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: str = ""  # the HTTP status or the kind of error
    detail: str = ""  # what the other side answered, or why it could not be reached


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉's signature: base64(HMAC-SHA256(secret, "{timestamp}\\n{secret}")), URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def dingtalk_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """The webhook address with ``&timestamp=..&sign=..`` when the robot is signed (a secret is set)."""
    if not secret:
        return url
    ts = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    return f"{url}{'&' if '?' in url else '?'}timestamp={ts}&sign={dingtalk_sign(secret, ts)}"


def robot_payload(title: str, body: str) -> dict:
    """The text message both robots take: {"msgtype": "text", "text": {"content": …}}."""
    return {"msgtype": "text", "text": {"content": f"{title}\n{body}".strip()}}


def _scrub(text: str, *secrets: str) -> str:
    for s in secrets:
        if s:
            text = text.replace(s, "***")
    return text[:DETAIL_MAX]


def post_json(url: str, payload: dict, *, hide: tuple[str, ...] = ()) -> Outcome:
    """POST ``payload`` as JSON; success is HTTP 2xx with ``errcode`` 0 (or none) in the answer."""
    data = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310 (http(s) only)
            status, raw = answer.status, answer.read(4096)
    except urllib.error.HTTPError as exc:
        return Outcome(False, str(exc.code), _scrub(f"HTTP {exc.code}", *hide))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Outcome(False, type(reason).__name__[:20], _scrub(str(reason), *hide))
    try:
        answer_json = json.loads(raw.decode("utf-8", "replace") or "{}")
    except ValueError:
        answer_json = {}
    code = answer_json.get("errcode", 0) if isinstance(answer_json, dict) else 0
    message = answer_json.get("errmsg", "") if isinstance(answer_json, dict) else ""
    if code not in (0, "0"):
        return Outcome(False, f"errcode {code}"[:20], _scrub(str(message), *hide))
    return Outcome(True, str(status), _scrub(str(message or "ok"), *hide))


def send_dingtalk(url: str, secret: str, title: str, body: str) -> Outcome:
    signed = dingtalk_url(url, secret)
    return post_json(signed, robot_payload(title, body), hide=(secret, url, signed))


def send_wecom(url: str, title: str, body: str) -> Outcome:
    return post_json(url, robot_payload(title, body), hide=(url,))


def send_email(address: str, title: str, body: str) -> Outcome:
    import os

    from django.conf import settings
    from django.core.mail import EmailMessage

    try:
        EmailMessage(title, body, settings.DEFAULT_FROM_EMAIL, [address]).send()
    except Exception as exc:  # noqa: BLE001 - any failure of the mail server is an outcome to log, never a crash
        return Outcome(False, type(exc).__name__[:20], _scrub(str(exc), os.environ.get("EMAIL_HOST_PASSWORD", "")))
    return Outcome(True, "sent", "")
