# Shared set-up for scripts/demo.sh and scripts/test.sh: install the Debian packages the build needs.
# Sourced, not run.

# Debian packages the product builds against and prints with: the system SQLite (GRDB), HarfBuzz, fontconfig
# and zlib (the certificates' and sheets' own PDF writer), cairo and librsvg (seal images),
# libqrencode (QR codes), and the IPA fonts (IPAmj明朝 prints MJ/IVS names).
# `madoguchi verify` reads PDFs and scans with poppler-utils and zbar-tools. The queue's alerts leave through the
# city's mail relay by msmtp.
MADOGUCHI_DEBIAN_PACKAGES=(pkg-config libsqlite3-dev libcairo2-dev librsvg2-dev libqrencode-dev
  libharfbuzz-dev libfontconfig-dev zlib1g-dev fonts-ipaexfont fonts-ipamj-mincho poppler-utils zbar-tools msmtp)
# What the tests check with, besides: Python to run an independent JOSE library, openssl for the card chain and
# CRL, Debian's Chromium with its driver for the store copier's touch page (driven by selenium), and PostgreSQL's
# server for the contract suite that every store passes on both engines, and NSS's certutil for the database
# pdfsig checks a signed PDF's chain against.
MADOGUCHI_TEST_PACKAGES=(python3 python3-pip openssl chromium chromium-driver postgresql libnss3-tools)

ensure_debian_packages() {
  local missing=()
  for p in "${MADOGUCHI_DEBIAN_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then return 0; fi
  echo "Installing Debian packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

ensure_swift() {
  if ! command -v swift >/dev/null 2>&1; then
    echo "Swift 6.1 or later is needed on PATH (https://www.swift.org/install/linux/)." >&2
    exit 1
  fi
}

# Python packages the tests use as independent checkers (joserfc verifies our JWS; aiosmtpd is the SMTP sink the
# queue's mail is sent to; pyhanko checks signed PDFs; pikepdf, Pillow's LittleCMS and fontTools read PDF/A files).
# Packages the tests take files from without their dependencies, pinned (NAME==VERSION): axe-core's axe.min.js from
# axe-playwright-python, without Playwright.
ensure_python_files() {
  for p in "$@"; do
    local module=${p%%==*}
    python3 -c "import $module" 2>/dev/null && continue
    local dist=${p//_/-}
    echo "Installing Python package (its files only): $dist"
    python3 -m pip install --quiet --no-deps "$dist" 2>/dev/null || python3 -m pip install --quiet --no-deps --break-system-packages "$dist"
  done
}

# Each is the name imported, or IMPORT:DIST when the distribution is named otherwise (PIL:Pillow).
ensure_python_packages() {
  for p in "$@"; do
    local module=${p%%:*}
    python3 -c "import $module" 2>/dev/null && continue
    local dist=${p#*:}
    dist=${dist//_/-}
    echo "Installing Python package: $dist"
    python3 -m pip install --quiet "$dist" 2>/dev/null || python3 -m pip install --quiet --break-system-packages "$dist"
  done
}
