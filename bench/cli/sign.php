<?php
// PHP's pecl OAuth class (the client Magento's own docs use) signing the request bench/cli/compare.sh signs.
$o = new OAuth("ck0123456789abcdefghijklmnopqrst", "cs0123456789abcdefghijklmnopqrst", OAUTH_SIG_METHOD_HMACSHA256, OAUTH_AUTH_TYPE_AUTHORIZATION);
$o->setToken("at0123456789abcdefghijklmnopqrst", "ts0123456789abcdefghijklmnopqrst");
echo $o->getRequestHeader("GET", "https://shop.example.com/rest/V1/products?searchCriteria%5BpageSize%5D=5"), "\n";
