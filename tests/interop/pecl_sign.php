<?php
// Signs requests with PHP's pecl OAuth class (Debian's php-oauth), an implementation we did not write: the client
// Magento's own documentation samples use. Reads a JSON array on standard input:
//   {"method", "url", "body"? (a form body, given as its fields), "consumer_key", "consumer_secret", "token"?,
//    "token_secret"?, "nonce", "timestamp", "signature_method"?}
// and prints a JSON array of {"authorization": str} (or {"error": str}). The tests give it a mistaken input and send
// the correct request with the header it made.
$cases = json_decode(stream_get_contents(STDIN), true);
$results = [];
foreach ($cases as $case) {
    try {
        $method = ($case['signature_method'] ?? 'HMAC-SHA256') === 'HMAC-SHA1' ? OAUTH_SIG_METHOD_HMACSHA1 : OAUTH_SIG_METHOD_HMACSHA256;
        $oauth = new OAuth($case['consumer_key'], $case['consumer_secret'], $method, OAUTH_AUTH_TYPE_AUTHORIZATION);
        if (isset($case['token'])) {
            $oauth->setToken($case['token'], $case['token_secret'] ?? '');
        }
        $oauth->setNonce($case['nonce']);
        $oauth->setTimestamp((string)$case['timestamp']);
        $fields = null;
        if (isset($case['body'])) {
            parse_str($case['body'], $fields);
        }
        $results[] = ['authorization' => substr($oauth->getRequestHeader($case['method'], $case['url'], $fields), 0)];
    } catch (Throwable $e) {
        $results[] = ['error' => get_class($e) . ': ' . $e->getMessage()];
    }
}
echo json_encode($results), "\n";
