#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (tests/test_browser.py drives it through
# Playwright with executable_path=/usr/bin/chromium; `playwright install` is never used, since
# it downloads a browser build from outside the package registries). Safe to run again: it does
# nothing when chromium is already there.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
