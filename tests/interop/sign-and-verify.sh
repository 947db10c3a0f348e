#!/usr/bin/env bash
# Signs a request with `magento-oauth sign` and has oauthlib (Debian's python3-oauthlib, which we did not write)
# verify the signature. Usage:
#   tests/interop/sign-and-verify.sh GET 'https://shop.example.com/rest/V1/products?searchCriteria[pageSize]=5'
#   tests/interop/sign-and-verify.sh POST https://shop.example.com/rest/V1/x --form name=value
# Prints oauthlib's verdict and base string; exits 0 only when oauthlib accepts the signature.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 2 ] || { sed -n '2,6p' "$0"; exit 2; }
method=$1; url=$2; shift 2
ck=ck0123456789abcdefghijklmnopqrst; cs=cs0123456789abcdefghijklmnopqrst
tk=at0123456789abcdefghijklmnopqrst; ts=ts0123456789abcdefghijklmnopqrst
out=$(dotnet run --project "$root/src/MagentoOAuth.Cli" -v q -- sign "$method" "$url" \
  --consumer-key $ck --consumer-secret $cs --token $tk --token-secret $ts --explain "$@")
header=$(sed -n 1p <<<"$out")
sent=$(sed -n 's/^Request: *[A-Z]* //p' <<<"$out")
body=$(sed -n 's/^Form body: *//p' <<<"$out")
/usr/bin/python3 - "$method" "$sent" "$header" "$cs" "$ts" "$body" <<'PY' | /usr/bin/python3 "$root/tests/interop/oauthlib_verify.py" | /usr/bin/python3 -c '
import json, sys
v = json.load(sys.stdin)[0]
print(json.dumps(v, indent=2)); sys.exit(0 if v["ok"] else 1)'
import json, sys
m, url, header, cs, ts, body = sys.argv[1:]
case = {"method": m, "url": url, "authorization": header, "consumer_secret": cs, "token_secret": ts}
if body:
    case.update(body=body, content_type="application/x-www-form-urlencoded")
print(json.dumps([case]))
PY
