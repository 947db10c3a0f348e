#!/usr/bin/python3
"""Sign requests with oauthlib (Debian's python3-oauthlib), an implementation we did not write.

Reads a JSON array on standard input:
  {"method", "url", "body"?, "content_type"?, "consumer_key", "consumer_secret", "token"?, "token_secret"?,
   "nonce", "timestamp", "signature_method"?, "sort_decoded"?, "base_uri"?}
and prints a JSON array of {"authorization": str} (or {"error": str}).

oauthlib's Client signs exactly what it is given; the tests give it a mistaken input (a URL without its query, http for
https, …) and send the correct request with the header it made. Two mistakes no input can cause in oauthlib
are applied to one step of its own pipeline: "sort_decoded" sorts the parameters by decoded name, "base_uri" replaces
the base string URI (e.g. one that keeps the default port); oauthlib's parameter collection, encoding and HMAC do the rest.
"""
import json
import sys
from urllib.parse import unquote

from oauthlib import oauth1
from oauthlib.oauth1.rfc5849 import signature, utils


def sign(case):
    method = case.get("signature_method", "HMAC-SHA256")
    client = oauth1.Client(
        case["consumer_key"], client_secret=case["consumer_secret"],
        resource_owner_key=case.get("token"), resource_owner_secret=case.get("token_secret"),
        signature_method=method, nonce=case["nonce"], timestamp=str(case["timestamp"]))
    headers = {"Content-Type": case["content_type"]} if case.get("content_type") else {}
    body = case.get("body")
    if not case.get("sort_decoded") and not case.get("base_uri"):
        _, signed, _ = client.sign(case["url"], http_method=case["method"], body=body, headers=headers)
        return {"authorization": signed["Authorization"]}

    # The same parameters oauthlib would sign, sorted by decoded name instead of encoded name.
    request = oauth1.rfc5849.Request(case["url"], http_method=case["method"], body=body, headers=headers)
    request.oauth_params = client.get_oauth_params(request)
    params = signature.collect_parameters(uri_query=request.uri_query, body=request.body, headers=request.headers)
    params += request.oauth_params
    if case.get("sort_decoded"):
        encoded = sorted(((utils.escape(k), utils.escape(v)) for k, v in params), key=lambda kv: (unquote(kv[0]), unquote(kv[1])))
        normalized = "&".join(f"{k}={v}" for k, v in encoded)
    else:
        normalized = signature.normalize_parameters(params)
    base_uri = case.get("base_uri") or signature.base_string_uri(case["url"])
    base = signature.signature_base_string(case["method"], base_uri, normalized)
    sign_with = {"HMAC-SHA256": signature.sign_hmac_sha256, "HMAC-SHA1": signature.sign_hmac_sha1}[method]
    sig = sign_with(base, case["consumer_secret"], case.get("token_secret"))
    oauth = request.oauth_params + [("oauth_signature", sig)]
    header = "OAuth " + ", ".join(f'{utils.escape(k)}="{utils.escape(v)}"' for k, v in oauth)
    return {"authorization": header}


def main():
    results = []
    for case in json.load(sys.stdin):
        try:
            results.append(sign(case))
        except Exception as error:  # report per case
            results.append({"error": f"{type(error).__name__}: {error}"})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
