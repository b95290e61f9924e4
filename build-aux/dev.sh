#!/usr/bin/env bash
# The one entry point for working on Enlarge, written for a fresh Debian 12
# machine (as root, or as a user when the packages are already there):
#
#   build-aux/dev.sh setup           install missing packages and the models, build
#   build-aux/dev.sh run [FILES...]  setup, then open the app on FILES (no FILES:
#                                    the bundled sample); without a display,
#                                    enlarge-cli runs instead with the same args
#   build-aux/dev.sh test [ARGS...]  setup, meson test (ARGS passed through), then
#                                    the tests of outside data under ASan+UBSan
#
# Every step checks first and does nothing when things are already in place,
# so running it again is cheap.
set -euo pipefail

# Debian 12 packages needed to build, test and run Enlarge. Add new ones here.
PACKAGES=(
  build-essential meson ninja-build pkg-config python3
  nodejs npm                                   # npm pack fetches the model tarballs
  libglib2.0-dev libgdk-pixbuf-2.0-dev webp-pixbuf-loader
  libwebp-dev                                  # WebP output (lossless, ICC, EXIF)
  zlib1g-dev                                   # our PNG encoder deflates in parallel
  libjpeg-dev                                  # JPEG data checked for missing parts
  libpng-dev libtiff-dev                       # 16-bit PNG and TIFF, read and written
  icc-profiles-free                            # ICC profiles for the image tests
  ocl-icd-opencl-dev opencl-c-headers pocl-opencl-icd clinfo
  oclgrind                                     # the kernels checked on a simulator
  libopenblas-dev
  libgtk-4-dev libadwaita-1-dev desktop-file-utils appstream gettext
  locales                                      # localedef: de_DE/fr_FR for the translation tests
  xvfb xauth                                   # GUI tests without a display
  dbus at-spi2-core                            # the accessibility bus (org.a11y.Bus) for the AT-SPI walk
  python3-gi gir1.2-atspi-2.0                  # tests/a11y-walk.py reads that bus as Orca does
  flatpak-builder                              # reads the Flatpak manifest in the tests (offline)
  scdoc                                        # the man pages (doc/*.scd)
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev   # the enlarge element, videos
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad                     # h264parse
  gstreamer1.0-plugins-ugly                    # x264enc
  gstreamer1.0-libav                           # H.264/AAC/GIF decoders, the AAC encoder
  libgif-dev                                   # GIF output: giflib's encoder and median-cut palette
)

BUILD_DIR=_build
SELF=$(readlink -f "${BASH_SOURCE[0]}")
cd "$(dirname "$SELF")/.."

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

is_installed() {
  # NodeSource's nodejs package bundles npm and conflicts with Debian's npm
  # package, so a working npm command counts as npm being installed.
  if [ "$1" = npm ] && command -v npm >/dev/null; then
    return 0
  fi
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

install_packages() {
  local missing=() pkg
  for pkg in "${PACKAGES[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi

  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null ||
      die "missing packages: ${missing[*]}; install them, or run this as root"
    sudo=(sudo)
  fi
  log "installing missing packages: ${missing[*]}"
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
}

install_models() {
  # Installs into $ENLARGE_MODEL_PATH or ~/.local/share/enlarge/models; skips
  # models whose files are already there with the right SHA-256.
  python3 models/install-models.py
  # The real .pth files the weight-reader tests load, from the same tarball,
  # into ~/.local/share/enlarge/test-models.
  python3 models/install-models.py --test-weights
}

build() {
  [ -f meson.build ] || die "no meson.build in $PWD"
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    local options=()
    if [ -n "${CI:-}" ]; then
      options+=(-Dwerror=true)   # CI holds the code to a warning-free build
    fi
    meson setup "$BUILD_DIR" "${options[@]}"
  fi
  meson compile -C "$BUILD_DIR"
}

setup() {
  install_packages
  install_models
  build
}

cmd_run() {
  setup
  local cli="$BUILD_DIR/src/cli/enlarge-cli"
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    # The app, from the build folder (schemas and resources through the
    # dev environment), on the bundled sample unless files are given.
    [ $# -gt 0 ] || set -- "$PWD/data/sample.png"
    exec meson devenv -C "$BUILD_DIR" enlarge "$@"
  fi
  # No display (a server, a container): the same engine from the CLI.
  [ -x "$cli" ] || die "$cli was not built"
  if [ $# -eq 0 ]; then
    log "no display: enlarging the sample with enlarge-cli instead of opening the app"
    set -- data/sample.png -o "$BUILD_DIR/sample-enlarged-4x.png"
  fi
  exec "$cli" "$@"
}

# Everything that reads outside data runs again built with
# AddressSanitizer and UndefinedBehaviorSanitizer, halting on any report:
# the model loader, the weight-file readers, image decoding and metadata,
# the hostile-input cases, the fuzzer (three times its default count) and
# the CLI's own cases, all through the sanitized enlarge-cli. On 2 cores the build takes about
# 1.5 minutes and the tests about 1.5 more.
SANITIZE_DIR=_build-asan
SANITIZE_TESTS=(loader weights image hostile fuzz cli)

test_sanitized() {
  if [ ! -f "$SANITIZE_DIR/build.ninja" ]; then
    meson setup "$SANITIZE_DIR" -Db_sanitize=address,undefined -Db_lundef=false
  fi
  meson compile -C "$SANITIZE_DIR" enlarge-cli test-loader test-weights test-image test-hostile test-fuzz test-cli
  ENLARGE_FUZZ_CASES=30000 ASAN_OPTIONS=detect_leaks=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C "$SANITIZE_DIR" --no-rebuild --print-errorlogs "${SANITIZE_TESTS[@]}"
}

# One closing line that any CI reader understands, from meson's own log.
summarize() {
  python3 - "$@" <<'PY'
import json, sys
passed = failed = skipped = 0
for log in sys.argv[1:]:
    try:
        lines = open(log, encoding="utf-8").read().splitlines()
    except OSError:
        continue
    for line in lines:
        result = json.loads(line).get("result")
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
}

cmd_test() {
  setup
  local rc=0
  meson test -C "$BUILD_DIR" --print-errorlogs "$@" || rc=$?
  local start=$SECONDS
  test_sanitized || rc=$?
  log "sanitizer build and tests: $((SECONDS - start)) s"
  summarize "$BUILD_DIR/meson-logs/testlog.json" "$SANITIZE_DIR/meson-logs/testlog.json"
  return "$rc"
}

usage() {
  sed -n '5,11s/^# \{0,1\}//p' "$SELF" >&2
  exit 2
}

case "${1:-}" in
  setup) setup ;;
  run)   shift; cmd_run "$@" ;;
  test)  shift; cmd_test "$@" ;;
  *)     usage ;;
esac
