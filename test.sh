#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests need if it is missing, runs every test project, and ends with
# one line "N passed, N failed". .ci/run calls exactly this script.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# --- what the tests need from Debian -------------------------------------------------------------------------------
# python3-oauthlib: an OAuth 1.0a implementation we did not write, which verifies our signatures.
# php-cli + php-oauth: PHP's pecl OAuth class (the client Magento's docs use) drives the sandbox's whole flow.
need=()
/usr/bin/python3 -c 'import oauthlib' 2>/dev/null || need+=(python3 python3-oauthlib)
/usr/bin/php -r 'exit(class_exists("OAuth") ? 0 : 1);' 2>/dev/null || need+=(php-cli php-oauth)
# postgresql: the storage and reliability tests start throwaway PostgreSQL servers of their own.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# chromium: the browser tests drive Debian's Chromium with Playwright (nothing is downloaded at run time).
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v node >/dev/null || need+=(nodejs)
if [ ${#need[@]} -gt 0 ]; then
  echo "test.sh: installing ${need[*]} (Debian packages)" >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    echo "test.sh: please install as root: apt-get install -y ${need[*]}" >&2; exit 2; fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null || {
    echo "test.sh: could not install ${need[*]}" >&2; exit 2; }
fi

# --- the tests -----------------------------------------------------------------------------------------------------
log=$(mktemp)
trap 'rm -f "$log"' EXIT
timeout 1800 dotnet test MagentoOAuth.slnx -c Release "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# --- the packages a user installs: pack the solution, install the CLI from that folder as a .NET tool, run it ----------
pack_passed=0; pack_failed=0
work=$(mktemp -d)
if timeout 900 dotnet pack MagentoOAuth.slnx -c Release -o "$work/packages" >"$work/pack.log" 2>&1 \
   && timeout 300 dotnet tool install MagentoOAuth.Cli --tool-path "$work/tool" --add-source "$work/packages" >>"$work/pack.log" 2>&1 \
   && "$work/tool/magento-oauth" sign GET 'https://shop.example.com/rest/V1/products?searchCriteria[pageSize]=5' \
        --consumer-key k --consumer-secret s --token t --token-secret ts --nonce n --timestamp 1 2>>"$work/pack.log" | grep -q '^OAuth ' \
   && [ "$(ls "$work/packages"/*.snupkg | wc -l)" -eq "$(ls "$work/packages"/*.nupkg | wc -l)" ]; then
  echo "Packaging: packed $(ls "$work/packages"/*.nupkg | wc -l) packages with symbols; the installed tool signs."
  pack_passed=1
else
  echo "Packaging FAILED:"; tail -20 "$work/pack.log"
  pack_failed=1; status=1
fi
rm -rf "$work"

# VSTest prints one "Passed!/Failed!  - Failed: N, Passed: N, …" line per test project.
passed=$(( $(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}') + pack_passed ))
failed=$(( $(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}') + pack_failed ))
projects=$(grep -Ec '^(Passed|Failed)! ' "$log")
expected=$(find tests -name '*.Tests.csproj' | wc -l)
if [ "$projects" -lt "$expected" ]; then
  echo "test.sh: only $projects of $expected test projects reported results" >&2
  status=1
fi
echo "$passed passed, $failed failed"
exit "$status"
