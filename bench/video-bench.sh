#!/usr/bin/env bash
# Frames per second of the video path, 480p → 960p with
# realesr-animevideov3-x2 on a device (default: the OpenCL CPU device),
# and what decoding and encoding add to the engine alone:
#
#   bench/video-bench.sh [FRAMES] [DEVICE]     (from the source tree, after a build)
#
#   engine   videotestsrc ! enlarge ! fakesink: the element alone, raw frames
#   full     enlarge-cli on an H.264 + AAC MP4 of the same frames: decode,
#            upscale, encode (x264, CRF 18), remux the audio
set -euo pipefail
FRAMES=${1:-10}
DEVICE=${2:-cpu}
BUILD=${BUILD:-_build}
MODEL=realesr-animevideov3-x2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export GST_PLUGIN_PATH=$PWD/$BUILD/src/gst

gst-launch-1.0 -q videotestsrc num-buffers="$FRAMES" pattern=ball \
  ! video/x-raw,width=640,height=480,framerate=30/1 ! x264enc ! h264parse ! mp4mux name=m \
  ! filesink location="$TMP/in.mp4" \
  audiotestsrc num-buffers="$FRAMES" samplesperbuffer=1600 ! audio/x-raw,rate=48000 ! avenc_aac ! m.

now() { date +%s.%N; }

t0=$(now)
gst-launch-1.0 -q filesrc location="$TMP/in.mp4" ! decodebin ! videoconvert \
  ! video/x-raw,format=RGB ! fakesink sync=false
t1=$(now)
gst-launch-1.0 -q videotestsrc num-buffers="$FRAMES" pattern=ball \
  ! video/x-raw,width=640,height=480,framerate=30/1,format=RGB \
  ! enlarge model=$MODEL device="$DEVICE" ! fakesink sync=false
t2=$(now)
"$BUILD/src/cli/enlarge-cli" -q -m $MODEL --device "$DEVICE" "$TMP/in.mp4" -o "$TMP/out.mp4" >/dev/null
t3=$(now)

awk -v f="$FRAMES" -v d="$(echo "$t1 - $t0" | bc)" -v e="$(echo "$t2 - $t1" | bc)" \
    -v c="$(echo "$t3 - $t2" | bc)" -v dev="$DEVICE" 'BEGIN {
  printf "640x480 -> 1280x960, %s, %d frames, device %s\n", "'$MODEL'", f, dev
  printf "decode only       %7.2f s  %6.2f frames/s\n", d, f / d
  printf "engine (element)  %7.2f s  %6.2f frames/s\n", e, f / e
  printf "enlarge-cli       %7.2f s  %6.2f frames/s\n", c, f / c
  printf "decode+encode overhead: %+.1f%% of the engine time\n", (c - e) / e * 100
}'
