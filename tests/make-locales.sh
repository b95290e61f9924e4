#!/bin/sh
# Generates the locales the translation tests run under (de_DE.UTF-8,
# fr_FR.UTF-8) into OUTDIR, for LOCPATH: no root, no system locale needed,
# only localedef and the locale sources of Debian's "locales" package.
# Usage: make-locales.sh OUTDIR
set -eu
out=$1
mkdir -p "$out"
for l in de_DE fr_FR; do
  # -c: localedef's warnings about the sources are not errors here
  localedef -c -i "$l" -f UTF-8 "$out/$l.UTF-8"
done
