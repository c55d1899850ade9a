#!/usr/bin/env bash
# The web pages in a real headless Chromium (tests/browser.py), against
# `kamerstand serve --demo` on 127.0.0.1. Installs Chromium and its
# WebDriver from the distribution's packages when they are missing (Debian:
# chromium, chromium-driver; Ubuntu: chromium-browser, chromium-chromedriver).
#
#   bash tests/browser.sh                          # the test (CI)
#   bash tests/browser.sh --screenshots docs/screenshots   # and the PNGs
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromedriver >/dev/null || ! { command -v chromium >/dev/null || command -v chromium-browser >/dev/null; }; then
    echo "installing Chromium and chromedriver from the distribution's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    if apt-cache show chromium-driver >/dev/null 2>&1; then
        apt-get install -y -qq chromium chromium-driver >/dev/null
    else
        apt-get install -y -qq chromium-browser chromium-chromedriver >/dev/null
    fi
fi
CHROMIUM="$(command -v chromium || command -v chromium-browser)"
export CHROMIUM

cargo build --locked --release -q
timeout 240 python3 tests/browser.py target/release/kamerstand "$@"
