#!/usr/bin/env python3
"""Reads the checkpoints tests/weights-writer.c writes with CPython's own
pickle, zipfile and json, independently of the engine's readers, and checks
every value against the list the writer says it wrote.

The readers' tests trust these fixtures; this proves they are laid out the
way torch.save and safetensors lay files out (CRC, zip64 records, the
legacy stream's five pickles, persistent ids, strides and offsets), so a
reader bug cannot hide behind a matching writer bug. Nothing from torch is
imported: a restricted Unpickler stands in for it.

Usage: check-weights-fixtures.py TEST_WEIGHTS_BINARY
"""

import collections
import io
import itertools
import json
import pickle
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

# storage class / safetensors dtype → (struct format, element size)
FORMATS = {
    "F32": ("f", 4), "F16": ("e", 2), "BF16": ("bf16", 2), "F64": ("d", 8),
    "I64": ("q", 8), "I32": ("i", 4), "I16": ("h", 2), "I8": ("b", 1),
    "U8": ("B", 1), "BOOL": ("?", 1),
}
STORAGES = {
    "FloatStorage": "F32", "HalfStorage": "F16", "BFloat16Storage": "BF16",
    "DoubleStorage": "F64", "LongStorage": "I64", "IntStorage": "I32",
    "ShortStorage": "I16", "CharStorage": "I8", "ByteStorage": "U8",
    "BoolStorage": "BOOL",
}
LEGACY_MAGIC = 0x1950A86A20F9469CFC6C


def decode(raw, dtype):
    fmt, size = FORMATS[dtype]
    n = len(raw) // size
    assert n * size == len(raw), (dtype, len(raw))
    if fmt == "bf16":
        return [struct.unpack("<f", struct.pack("<I", h << 16))[0]
                for h in struct.unpack(f"<{n}H", raw)]
    return [float(v) for v in struct.unpack(f"<{n}{fmt}", raw)]


class Storage:
    def __init__(self, dtype, key, numel):
        self.dtype, self.key, self.numel = dtype, key, numel


class Tensor:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride


class Unpickler(pickle.Unpickler):
    """torch's unpickler for state dicts, minus torch."""

    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return lambda st, off, size, stride, *rest: Tensor(st, off, size, stride)
        if (module, name) == ("torch._utils", "_rebuild_parameter"):
            return lambda tensor, requires_grad, hooks: tensor
        if module == "torch" and name in STORAGES:
            return STORAGES[name]
        raise pickle.UnpicklingError(f"unexpected global {module}.{name}")

    def persistent_load(self, pid):
        assert pid[0] == "storage" and pid[3] == "cpu", pid
        assert len(pid) in (5, 6), pid
        return Storage(pid[1], pid[2], pid[4])


def unwrap(d):
    for key in ("params_ema", "params", "state_dict", "model", "net"):
        if isinstance(d.get(key), dict):
            return unwrap(d[key])
    if len(d) == 1 and isinstance(next(iter(d.values())), dict):
        return unwrap(next(iter(d.values())))
    return d


def strip(name):
    while True:
        if name.startswith("module."):
            name = name[7:]
        elif name.startswith("netG."):
            name = name[5:]
        else:
            return name


def tensor_values(t, storages):
    values = decode(storages[t.storage.key], t.storage.dtype)
    assert len(values) == t.storage.numel, (t.storage.key, len(values), t.storage.numel)
    return [values[t.offset + sum(i * s for i, s in zip(index, t.stride))]
            for index in itertools.product(*(range(n) for n in t.size))]


def same(got, want):
    return len(got) == len(want) and all(
        a == b or abs(a - b) <= 1e-6 * max(1.0, abs(b)) for a, b in zip(got, want))


def check_state_dict(what, root, storages, expected):
    sd = unwrap(root)
    tensors = [(strip(k), v) for k, v in sd.items() if isinstance(v, Tensor)]
    assert [k for k, _ in tensors] == list(expected), (what, [k for k, _ in tensors])
    for name, t in tensors:
        dtype, want = expected[name]
        assert t.storage.dtype == dtype, (what, name, t.storage.dtype, dtype)
        got = tensor_values(t, storages)
        assert same(got, want), (what, name, got[:4], want[:4])


def check_zip(path, expected):
    with zipfile.ZipFile(path) as z:
        bad = z.testzip()
        assert bad is None, f"{path}: CRC error in {bad}"
        assert z.read("archive/byteorder") == b"little"
        storages = {n.rsplit("/", 1)[1]: z.read(n) for n in z.namelist() if "/data/" in n}
        root = Unpickler(io.BytesIO(z.read("archive/data.pkl"))).load()
    check_state_dict(path, root, storages, expected)


def check_legacy(path, expected):
    with open(path, "rb") as f:
        assert pickle.load(f) == LEGACY_MAGIC
        assert pickle.load(f) == 1001
        assert pickle.load(f)["little_endian"] is True
        root = Unpickler(f).load()
        keys = pickle.load(f)
        dtypes = {}

        def walk(o):
            if isinstance(o, Tensor):
                dtypes[o.storage.key] = o.storage.dtype
            elif isinstance(o, dict):
                for v in o.values():
                    walk(v)
        walk(root)
        storages = {}
        for key in keys:
            (count,) = struct.unpack("<q", f.read(8))
            storages[key] = f.read(count * FORMATS[dtypes[key]][1])
        assert f.read() == b"", f"{path}: bytes after the last storage"
    check_state_dict(path, root, storages, expected)


def check_safetensors(path, expected):
    raw = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    header.pop("__metadata__", None)
    assert [strip(k) for k in header] == list(expected), path
    spans = sorted(tuple(v["data_offsets"]) for v in header.values())
    assert spans[0][0] == 0 and spans[-1][1] == len(data), path
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:])), f"{path}: holes or overlaps"
    for name, v in header.items():
        dtype, want = expected[strip(name)]
        assert v["dtype"] == dtype, (path, name)
        begin, end = v["data_offsets"]
        assert same(decode(data[begin:end], dtype), want), (path, name)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.argv[1], "--write-fixtures", tmp], check=True)
        expected = {}
        for line in Path(tmp, "expected.txt").read_text().splitlines():
            name, dtype, *values = line.split()
            expected[name] = (dtype, [float(v) for v in values])
        checks = {"zip.pth": check_zip, "legacy.pth": check_legacy, "safetensors": check_safetensors}
        n = 0
        for path in sorted(Path(tmp).glob("fixture*")):
            checks[path.name.split(".", 1)[1]](str(path), expected)
            n += 1
        assert n > 0
        print(f"{n} fixtures, {len(expected)} tensors each, read by CPython as written")


if __name__ == "__main__":
    main()
