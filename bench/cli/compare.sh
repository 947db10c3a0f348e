#!/usr/bin/env bash
# Start-up, sign and exit, side by side: the native magento-oauth, the .NET tool (JIT), PHP's pecl OAuth and Python's
# oauthlib, each printing the Authorization header for the same GET. Needs hyperfine, php-cli + php-oauth and
# python3-oauthlib (Debian packages; installed here when missing, as test.sh does). About 2 minutes with the publish.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
/usr/bin/php -r 'exit(class_exists("OAuth") ? 0 : 1);' 2>/dev/null || need+=(php-cli php-oauth)
/usr/bin/python3 -c 'import oauthlib' 2>/dev/null || need+=(python3 python3-oauthlib)
if [ ${#need[@]} -gt 0 ]; then
  echo "compare.sh: installing ${need[*]} (Debian packages)" >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    echo "compare.sh: please install as root: apt-get install -y ${need[*]}" >&2; exit 2; fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "compare.sh: publishing the native executable and the JIT build (about a minute)" >&2
dotnet publish -c Release -r linux-x64 src/MagentoOAuth.Cli -o "$out/native" >/dev/null
dotnet build -c Release src/MagentoOAuth.Cli -o "$out/jit" >/dev/null
ls -l "$out/native/magento-oauth" | awk '{printf "native executable: %.1f MB\n", $5 / 1048576}'

# Secrets from the environment, as the CLI's help recommends; the key and token on the command line.
export MAGENTO_OAUTH_CONSUMER_SECRET=cs0123456789abcdefghijklmnopqrst MAGENTO_OAUTH_TOKEN_SECRET=ts0123456789abcdefghijklmnopqrst
args="sign GET https://shop.example.com/rest/V1/products?searchCriteria%5BpageSize%5D=5 --consumer-key ck0123456789abcdefghijklmnopqrst --token at0123456789abcdefghijklmnopqrst"
hyperfine -N --warmup 5 --runs 40 \
  -n "magento-oauth sign (native AOT)" "$out/native/magento-oauth $args" \
  -n "PHP pecl OAuth" "/usr/bin/php bench/cli/sign.php" \
  -n "Python oauthlib" "/usr/bin/python3 bench/cli/sign.py" \
  -n "magento-oauth sign (.NET tool, JIT)" "dotnet $out/jit/magento-oauth.dll $args" \
  -n "magento-oauth --version (native AOT)" "$out/native/magento-oauth --version"
