#!/bin/sh
# The man pages build and are valid roff, and they and the bash completion
# mention every option that enlarge-cli --help lists.
#
#   check-docs.sh ENLARGE_CLI ENLARGE_CLI_MAN ENLARGE_MAN COMPLETION
set -eu

cli=$1 cli_man=$2 app_man=$3 completion=$4
status=0
fail() { echo "not ok: $*"; status=1; }

for page in "$cli_man" "$app_man"; do
  [ -s "$page" ] || { fail "$page is missing or empty"; continue; }
  head -n 10 "$page" | grep -q '^\.TH ' || fail "$page has no .TH header"
  # groff's warnings (-ww) on bad requests, turned into a failure
  if command -v groff >/dev/null; then
    warnings=$(groff -k -man -ww -z "$page" 2>&1) || fail "groff failed on $page"
    [ -z "$warnings" ] || fail "groff warns on $page: $warnings"
  fi
done

options=$("$cli" --help | sed -n 's/^  \(-[A-Za-z], \)\{0,1\}\(--[a-z-]*\).*/\1 \2/p' |
          tr -d ',' | tr ' ' '\n' | grep . | sort -u)
[ "$(echo "$options" | wc -l)" -ge 25 ] || fail "too few options read from --help: $options"

for option in $options --compat; do
  grep -qF "\\fB$option\\fR" "$cli_man" || fail "enlarge-cli.1 does not describe $option"
  grep -qE -- "(^|[[:space:]\"])$option([[:space:]\"]|$)" "$completion" ||
    fail "the bash completion does not offer $option"
done
grep -qF '\fB-h\fR' "$app_man" || fail "enlarge.1 does not describe -h"

# The completion parses, offers options, and model ids from the program.
bash -n "$completion" || fail "the completion does not parse"
models=$(bash -c '. "$1"; COMP_WORDS=("$2" --model ""); COMP_CWORD=2; _enlarge_cli
                  echo "${COMPREPLY[*]}"' sh "$completion" "$cli")
echo "$models" | grep -qw realesrgan-x4plus || fail "no model ids completed after --model: $models"
shard=$(bash -c '. "$1"; COMP_WORDS=("$2" --sha); COMP_CWORD=1; _enlarge_cli
                 echo "${COMPREPLY[*]}"' sh "$completion" "$cli")
[ "$shard" = "--shard" ] || fail "--sha completes to “$shard”"

[ $status -eq 0 ] && echo "ok: $(echo "$options" | wc -l) options documented and completed"
exit $status
