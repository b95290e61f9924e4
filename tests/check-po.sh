#!/bin/sh
# Every translation in po/LINGUAS is complete and correct against a
# freshly extracted template: a string marked for translation in the
# sources that a .po file lacks, or a fuzzy one, fails. The .po files
# themselves are checked with msgfmt --check (formats, plural forms,
# header) and their mnemonics with --check-accelerators.
# With DESKTOP and METAINFO (the built files), each language must also be
# merged into them.
# Usage: check-po.sh SOURCE_ROOT WORK_DIR [DESKTOP METAINFO]
set -eu
root=$1
work=$2
desktop=${3:-}
metainfo=${4:-}
mkdir -p "$work"

# The keywords and flags of meson's i18n.gettext(preset: 'glib'), as the
# enlarge-pot target extracts them.
xgettext --package-name=enlarge --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  -D "$root" -f "$root/po/POTFILES" -o "$work/enlarge.pot"

status=0
for lang in $(grep -v '^#' "$root/po/LINGUAS"); do
  po=$root/po/$lang.po
  if ! msgfmt --check --check-accelerators=_ -o /dev/null "$po"; then
    echo "$lang.po: msgfmt --check failed"
    status=1
    continue
  fi
  msgmerge --quiet --no-fuzzy-matching -o "$work/$lang.po" "$po" "$work/enlarge.pot"
  stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$work/$lang.po" 2>&1)
  echo "$lang: $stats"
  case $stats in
    *fuzzy*|*untranslated*)
      echo "$lang.po is not complete; the missing strings:"
      msgattrib --untranslated "$work/$lang.po" | grep '^msgid ' | sed 1d | head -20
      msgattrib --only-fuzzy "$work/$lang.po" | grep '^msgid ' | sed 1d | head -20
      status=1 ;;
  esac
  if [ -n "$desktop" ] && ! grep -q "^Comment\[$lang\]=" "$desktop"; then
    echo "$desktop has no Comment[$lang]"
    status=1
  fi
  if [ -n "$metainfo" ] && ! grep -q "<summary xml:lang=\"$lang\">" "$metainfo"; then
    echo "$metainfo has no summary in $lang"
    status=1
  fi
done
[ $status -eq 0 ] && echo "every translation is complete"
exit $status
