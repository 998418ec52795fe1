#!/usr/bin/env bash
# Sets up and runs every test: installs what the tests need, builds the package and its tests, runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh
source scripts/lib/postgres.sh
ensure_swift
ensure_debian_packages "${MADOGUCHI_TEST_PACKAGES[@]}"
ensure_python_packages joserfc openapi_spec_validator selenium schemathesis icalendar aiosmtpd fontTools pyhanko pikepdf PIL:Pillow
ensure_python_files axe_playwright_python==0.1.8
swift build --build-tests
start_test_postgres
# The PostgreSQL half of the contract suite must run here: a missing server fails it rather than skipping it.
export MADOGUCHI_REQUIRE_POSTGRES=1
swift test --skip-build
