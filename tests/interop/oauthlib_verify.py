#!/usr/bin/python3
"""Verify OAuth 1.0a signatures with oauthlib (Debian's python3-oauthlib), an implementation we did not write.

Reads a JSON array of requests on standard input:
  {"method", "url", "authorization", "body"?, "content_type"?, "consumer_secret", "token_secret"?}
and prints a JSON array of {"ok": bool, "base_string": str} (or {"ok": false, "error": str}).

oauthlib refuses raw '[' and ']' in a query (it checks the characters before decoding), though RFC 5849 decodes the
query first and so signs '[' and '%5B' alike. We escape those two characters, and nothing else, before handing the
URL over: the base string RFC 5849 defines is the same either way.

Usage: python3 tests/interop/oauthlib_verify.py < requests.json
"""
import json
import sys
from urllib.parse import urlsplit, urlunsplit

from oauthlib.common import Request
from oauthlib.oauth1.rfc5849 import signature, utils


def verify(case):
    parts = urlsplit(case["url"])
    query = parts.query.replace("[", "%5B").replace("]", "%5D")
    url = urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
    headers = {"Authorization": case["authorization"]}
    body = None
    if (case.get("content_type") or "").startswith("application/x-www-form-urlencoded") and case.get("body"):
        headers["Content-Type"] = case["content_type"]
        body = case["body"]

    request = Request(url, http_method=case["method"], body=body, headers=headers)
    request.params = signature.collect_parameters(uri_query=query, body=body, headers=headers, exclude_oauth_signature=True)
    header_params = dict(utils.parse_authorization_header(case["authorization"]))
    request.signature = utils.unescape(header_params["oauth_signature"])
    method = utils.unescape(header_params["oauth_signature_method"])
    verifier = {"HMAC-SHA256": signature.verify_hmac_sha256, "HMAC-SHA1": signature.verify_hmac_sha1}[method]
    ok = verifier(request, case["consumer_secret"], case.get("token_secret"))
    base = signature.signature_base_string(
        case["method"], signature.base_string_uri(url), signature.normalize_parameters(request.params))
    return {"ok": bool(ok), "base_string": base}


def main():
    results = []
    for case in json.load(sys.stdin):
        try:
            results.append(verify(case))
        except Exception as error:  # report per case; one bad case must not hide the others
            results.append({"ok": False, "error": f"{type(error).__name__}: {error}"})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
