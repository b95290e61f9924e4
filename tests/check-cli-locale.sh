#!/bin/sh
# enlarge-cli under German and French: its errors and --help in the
# language, exit statuses unchanged; what programs parse stays as it was
# (the --compat messages and its "NN.NN%" progress lines, "wrote PATH").
# The environment (tests/meson.build) gives LOCPATH with the generated
# locales and ENLARGE_LOCALEDIR with the build folder's catalogs.
# Usage: check-cli-locale.sh ENLARGE_CLI INPUT_PNG WORK_DIR
set -u
cli=$1
input=$2
work=$3
mkdir -p "$work"
status=0

fail () { echo "FAIL: $*"; status=1; }

# expect LANGUAGE STATUS TEXT COMMAND…: the command, under LANGUAGE's
# locale, exits with STATUS and prints TEXT on stdout or stderr
expect () {
  lang=$1 want_status=$2 text=$3
  shift 3
  case $lang in de) loc=de_DE.UTF-8 ;; fr) loc=fr_FR.UTF-8 ;; *) loc=C ;; esac
  out=$(LC_ALL= LANG=$loc LANGUAGE=$lang "$@" 2>&1)
  got=$?
  [ "$got" -eq "$want_status" ] || fail "$lang: $* exited with $got, not $want_status"
  printf '%s\n' "$out" | grep -qF -- "$text" || fail "$lang: $* did not print “$text”: $out"
}

expect de 2 "enlarge-cli: --tile muss 0 (automatisch) oder mindestens 16 sein, nicht 3" \
  "$cli" --tile 3 "$input"
expect de 2 "Weitere Informationen mit „enlarge-cli --help“." "$cli" --tile 3 "$input"
expect de 2 "--creativity muss zwischen 0 und 1 liegen, nicht 1,5" "$cli" -c 1.5 "$input"
expect de 0 "-o, --output=PFAD" "$cli" --help
expect de 0 "Ausgabedatei oder vorhandener Ordner" "$cli" --help
expect fr 2 "enlarge-cli: --scale doit être compris entre 1 et 16, pas 40" "$cli" --scale 40 "$input"
expect fr 0 "Lister les modèles et quitter" "$cli" --help
# --depth (16-bit outputs) and SwinIR files came later than the rest
expect de 2 "--depth muss 8 oder 16 sein, nicht 12" "$cli" --depth 12 "$input"
expect fr 2 "--depth doit valoir 8 ou 16, pas 12" "$cli" --depth 12 "$input"
expect de 2 "--depth=16 braucht eine PNG- oder TIFF-Ausgabe, und „$work/x.jpg“ ist jpeg" \
  "$cli" --depth 16 -o "$work/x.jpg" "$input"
expect fr 2 "--depth=16 demande une sortie PNG ou TIFF, et « $work/x.jpg » est en jpeg" \
  "$cli" --depth 16 -o "$work/x.jpg" "$input"
expect de 0 "8 oder 16 Bit pro Kanal in PNG- und TIFF-Ausgaben" "$cli" --help
expect fr 0 ".safetensors ESRGAN, Compact, SPAN ou SwinIR" "$cli" --help
# the video code (src/cli/enlarge-video.c and src/video): its messages in the
# language too; a build without GStreamer says so in the language instead
: > "$work/clip.mp4"
: > "$work/clip2.mp4"
if LC_ALL=C "$cli" "$work/clip.mp4" "$work/clip2.mp4" 2>&1 | grep -q "built without GStreamer"; then
  expect de 1 "dieses enlarge-cli wurde ohne GStreamer gebaut" "$cli" "$work/clip.mp4"
else
  expect de 2 "Videos werden einzeln vergrößert: geben Sie eine Eingabe mit -o an" \
    "$cli" "$work/clip.mp4" "$work/clip2.mp4"
  expect fr 2 "les vidéos sont agrandies une par une" "$cli" "$work/clip.mp4" "$work/clip2.mp4"
  # from enlarge_video_job_new (src/video), before the input is read
  expect de 2 "kann nicht geschrieben werden: verwenden Sie einen Namen mit der Endung .mp4" \
    "$cli" -o "$work/clip.avi" "$work/clip.mp4"
  expect fr 2 "utilisez un nom se terminant par .mp4" "$cli" -o "$work/clip.avi" "$work/clip.mp4"
fi
# the same error in English where no language is asked for
expect C 2 "enlarge-cli: --tile must be 0 (automatic) or at least 16, not 3" "$cli" --tile 3 "$input"
# realesrgan-ncnn-vulkan's messages, which its wrappers match, stay English
expect de 255 "invalid scale argument" "$cli" --compat -i "$input" -o "$work/x.png" -s 99

# Its progress lines keep the decimal point under a locale with a comma.
rm -f "$work/compat.png"
out=$(LC_ALL= LANG=de_DE.UTF-8 LANGUAGE=de "$cli" --compat -i "$input" -o "$work/compat.png" \
      -n realesr-animevideov3 -s 2 -t 32 2>&1)
if printf '%s\n' "$out" | grep -q "load model .* failed"; then
  echo "realesr-animevideov3 is not installed: the progress lines are not checked"
else
  printf '%s\n' "$out" | grep -Eq '^[0-9]+\.[0-9]{2}%$' || fail "no NN.NN% line: $out"
  printf '%s\n' "$out" | grep -Eq '^[0-9]+,[0-9]{2}%$' && fail "a NN,NN% line: $out"
  [ -s "$work/compat.png" ] || fail "--compat wrote nothing: $out"
fi

# "wrote PATH" is not translated
rm -f "$work/wrote.png"
out=$(LC_ALL= LANG=de_DE.UTF-8 LANGUAGE=de "$cli" -q --device reference -m realesr-animevideov3-x2 \
      -o "$work/wrote.png" "$input" 2>&1)
if printf '%s\n' "$out" | grep -q "realesr-animevideov3-x2"; then
  echo "realesr-animevideov3-x2 is not usable here: “wrote” is not checked: $out"
else
  printf '%s\n' "$out" | grep -qx "wrote $work/wrote.png" || fail "no “wrote” line: $out"
fi

[ $status -eq 0 ] && echo "enlarge-cli speaks German and French"
exit $status
