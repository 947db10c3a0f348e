<?php
// PHP's own parse_str on query strings, for tests that check what Magento's PHP makes of a query (names PHP renames,
// arrays it builds). Reads a JSON array of query strings on standard input; prints a JSON array with parse_str's
// result for each, as json_encode writes it (a PHP list as a JSON array, other arrays as objects).
// Usage: echo '["a[b=1", "a[]=1&a[]=2"]' | php tests/interop/php_parse_str.php
$queries = json_decode(stream_get_contents(STDIN), true);
if (!is_array($queries)) {
    fwrite(STDERR, "usage: a JSON array of query strings on standard input\n");
    exit(2);
}

$results = [];
foreach ($queries as $query) {
    parse_str($query, $parsed);
    $results[] = $parsed;
}

echo json_encode($results, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
