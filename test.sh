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

# VSTest prints one "Passed!/Failed!  - Failed: N, Passed: N, …" line per test project.
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
projects=$(grep -Ec '^(Passed|Failed)! ' "$log")
expected=$(find tests -name '*.Tests.csproj' | wc -l)
if [ "$status" -eq 0 ] && [ "$projects" -lt "$expected" ]; then
  echo "test.sh: only $projects of $expected test projects reported results" >&2
  status=1
fi
echo "$passed passed, $failed failed"
exit "$status"
