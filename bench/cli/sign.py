# Python's oauthlib signing the request bench/cli/compare.sh signs.
from oauthlib.oauth1 import Client, SIGNATURE_HMAC_SHA256

client = Client("ck0123456789abcdefghijklmnopqrst", client_secret="cs0123456789abcdefghijklmnopqrst",
                resource_owner_key="at0123456789abcdefghijklmnopqrst", resource_owner_secret="ts0123456789abcdefghijklmnopqrst",
                signature_method=SIGNATURE_HMAC_SHA256)
print(client.sign("https://shop.example.com/rest/V1/products?searchCriteria%5BpageSize%5D=5")[1]["Authorization"])
