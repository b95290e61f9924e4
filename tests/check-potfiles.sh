#!/bin/sh
# Fails when a source or UI file with translatable strings is missing from
# po/POTFILES (or when POTFILES names a file that does not exist).
# Usage: check-potfiles.sh SOURCE_ROOT
set -eu
root=${1:-.}
cd "$root"
status=0
listed=$(grep -v '^#' po/POTFILES | sed '/^[[:space:]]*$/d')

for f in $listed; do
  if [ ! -f "$f" ]; then
    echo "po/POTFILES names $f, which does not exist"
    status=1
  fi
done

for f in $(find src/app src/cli src/video ui data -type f \( -name '*.c' -o -name '*.ui' -o -name '*.in' -o -name '*.gschema.xml' \) | sort); do
  if grep -Eq '(^|[^A-Za-z0-9_])(_|N_|C_|NC_|ngettext)[[:space:]]*\(|translatable="yes"|<summary>|^(Name|Comment|GenericName|Keywords)=' "$f"; then
    if ! printf '%s\n' $listed | grep -qx "$f"; then
      echo "$f has translatable strings but is missing from po/POTFILES"
      status=1
    fi
  fi
done

[ $status -eq 0 ] && echo "po/POTFILES is complete"
exit $status
