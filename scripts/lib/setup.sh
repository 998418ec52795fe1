# Shared set-up for scripts/demo.sh and scripts/test.sh: install the Debian packages the build needs.
# Sourced, not run.

# Debian packages the product builds against and prints with: the system SQLite (GRDB), cairo and Pango
# (PDF), librsvg (seal images), libqrencode (QR codes), and the IPA fonts (IPAmj明朝 prints MJ/IVS names).
MADOGUCHI_DEBIAN_PACKAGES=(pkg-config libsqlite3-dev libcairo2-dev libpango1.0-dev librsvg2-dev libqrencode-dev
  fonts-ipaexfont fonts-ipamj-mincho)
# What the tests read real files back with.
MADOGUCHI_TEST_PACKAGES=(poppler-utils)

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
