<?php
// Drives Magento's Integration token exchange with PHP's pecl OAuth class (Debian's php-oauth), the client Magento's
// own documentation samples use, and then a signed REST call. Prints one JSON object.
// Usage: php tests/interop/php_oauth_flow.php STORE_BASE_URL CONSUMER_KEY CONSUMER_SECRET VERIFIER
[$script, $base, $key, $secret, $verifier] = $argv + [null, null, null, null, null];
if ($verifier === null) {
    fwrite(STDERR, "usage: php php_oauth_flow.php STORE_BASE_URL CONSUMER_KEY CONSUMER_SECRET VERIFIER\n");
    exit(2);
}

try {
    $oauth = new OAuth($key, $secret, OAUTH_SIG_METHOD_HMACSHA256, OAUTH_AUTH_TYPE_AUTHORIZATION);
    $request = $oauth->getRequestToken($base . 'oauth/token/request', null, 'POST');
    $oauth->setToken($request['oauth_token'], $request['oauth_token_secret']);
    $access = $oauth->getAccessToken($base . 'oauth/token/access', null, $verifier, 'POST');
    $oauth->setToken($access['oauth_token'], $access['oauth_token_secret']);
    $oauth->fetch($base . 'rest/V1/store/storeConfigs', [], OAUTH_HTTP_METHOD_GET, ['Accept' => 'application/json']);
    $configs = json_decode($oauth->getLastResponse(), true);
    $oauth->fetch($base . 'rest/V1/products?searchCriteria%5BpageSize%5D=2', [], OAUTH_HTTP_METHOD_GET, ['Accept' => 'application/json']);
    $products = json_decode($oauth->getLastResponse(), true);
    echo json_encode([
        'ok' => true,
        'request_token' => $request['oauth_token'],
        'access_token' => $access['oauth_token'],
        'access_token_secret' => $access['oauth_token_secret'],
        'base_url' => $configs[0]['base_url'] ?? null,
        'product_count' => count($products['items'] ?? []),
    ]), "\n";
} catch (OAuthException $e) {
    echo json_encode(['ok' => false, 'error' => $e->getMessage(), 'response' => $e->lastResponse ?? null]), "\n";
    exit(1);
}
