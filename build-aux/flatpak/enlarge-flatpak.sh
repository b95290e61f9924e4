#!/bin/sh
# The Flatpak's command. The OpenCL loader reads one folder of vendor
# files: the runtime's /etc/OpenCL/vendors (the GPU drivers that the
# org.freedesktop.Platform.GL extensions bring) or $OCL_ICD_VENDORS. PoCL,
# the CPU device built into this Flatpak, registers in
# /app/etc/OpenCL/vendors, so both folders are linked into one private
# folder for the loader. `flatpak run io.github.enlarge.Enlarge --cli ARGS`
# runs enlarge-cli instead of the app.
set -eu
vendors="${XDG_RUNTIME_DIR:-/tmp}/enlarge-opencl-vendors"
mkdir -p "$vendors"
rm -f "$vendors"/*.icd
for icd in /etc/OpenCL/vendors/*.icd /app/etc/OpenCL/vendors/*.icd; do
  [ -e "$icd" ] && ln -sf "$icd" "$vendors/$(basename "$icd")"
done
export OCL_ICD_VENDORS="$vendors"
if [ "${1:-}" = --cli ]; then
  shift
  exec /app/bin/enlarge-cli "$@"
fi
exec /app/bin/enlarge "$@"
