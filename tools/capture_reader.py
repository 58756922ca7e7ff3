#!/usr/bin/env python3
"""Reads an adrmon binary capture (docs/FORMATS.md, "Binary capture") and
prints its ticks as tick JSON Lines, the way `adrmon convert` writes them, or
its header and block index with --info.

Standard library only: zstd frames are decoded through a small ctypes binding
to libzstd.so.1 (Debian: libzstd1), CRC-32 with zlib. Reads the block index
when the footer is valid, else scans the blocks from the start and reports
the torn tail on stderr (the file is left as it is).

usage: capture_reader.py [--info] CAPTURE
"""
import ctypes
import ctypes.util
import decimal
import json
import os
import struct
import sys
import zlib

MAGIC = b"ADRMCAP\0"
FOOTER_MAGIC = b"ADRMIDX\0"
BLOCK_MAGIC = b"CBLK"
FIXED = struct.Struct("<8sHHIIIQq32s")  # 72 bytes
BLOCK = struct.Struct("<4sIIIqqII")  # 40 bytes
ENTRY = struct.Struct("<QqqII")  # 32 bytes
FOOTER = struct.Struct("<8sQQQII")  # 40 bytes
RECORD = struct.Struct("<qqddddQIHBB")  # 64 bytes, the Tick
NO_SEQ = 2**64 - 1
VENUES = ("FX", "US", "HK")
KIND_QUOTE, KIND_FX, KIND_TRADING, KIND_HALTED = 0, 1, 2, 3


class CaptureError(Exception):
    pass


def _zstd():
    lib = ctypes.CDLL(ctypes.util.find_library("zstd") or "libzstd.so.1")
    lib.ZSTD_decompress.restype = ctypes.c_size_t
    lib.ZSTD_decompress.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p,
                                    ctypes.c_size_t]
    lib.ZSTD_isError.restype = ctypes.c_uint
    lib.ZSTD_isError.argtypes = [ctypes.c_size_t]
    return lib


class Capture:
    """A capture opened for reading: header, instruments, blocks (offset, min
    ts, max ts, records), had_index and torn_bytes."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            self.data = f.read()
        d = self.data
        if len(d) < FIXED.size or d[:8] != MAGIC:
            raise CaptureError(f"{path}: not an adrmon capture")
        (_, self.version, record_size, header_bytes, self.block_records, count,
         self.config_hash, self.created_unix_ns, creator) = FIXED.unpack_from(d)
        if self.version != 1 or record_size != 64:
            raise CaptureError(f"{path}: version {self.version}, record size {record_size}")
        if header_bytes > len(d) or zlib.crc32(d[:header_bytes - 4]) != \
                struct.unpack_from("<I", d, header_bytes - 4)[0]:
            raise CaptureError(f"{path}: damaged header")
        self.creator = creator.split(b"\0", 1)[0].decode()
        self.instruments = []
        p = FIXED.size
        for _ in range(count):
            venue, n = d[p], d[p + 1]
            self.instruments.append((VENUES[venue], d[p + 2:p + 2 + n].decode()))
            p += 2 + n
        self.data_start = header_bytes
        self.blocks = self._index()
        self.had_index = self.blocks is not None
        self.torn_bytes = 0
        if self.blocks is None:
            self.blocks, end = self._scan()
            self.torn_bytes = len(d) - end
        self._zstd = _zstd()

    def _index(self):
        d = self.data
        if len(d) < self.data_start + FOOTER.size:
            return None
        magic, at, n, _records, crc, _ = FOOTER.unpack_from(d, len(d) - FOOTER.size)
        if magic != FOOTER_MAGIC or at + n * ENTRY.size + FOOTER.size != len(d):
            return None
        if zlib.crc32(d[at:len(d) - 8]) != crc:
            return None
        return [ENTRY.unpack_from(d, at + i * ENTRY.size)[:4] for i in range(n)]

    def _scan(self):
        d, pos, blocks = self.data, self.data_start, []
        while pos + BLOCK.size <= len(d):
            magic, records, size, crc, lo, hi, hcrc, _ = BLOCK.unpack_from(d, pos)
            if (magic != BLOCK_MAGIC or zlib.crc32(d[pos:pos + 32]) != hcrc or records == 0
                    or pos + BLOCK.size + size > len(d)
                    or zlib.crc32(d[pos + BLOCK.size:pos + BLOCK.size + size]) != crc):
                break
            blocks.append((pos, lo, hi, records))
            pos += BLOCK.size + size
        return blocks, pos

    def block_records_of(self, i):
        """The records of block i, as tuples in RECORD's field order."""
        offset = self.blocks[i][0]
        magic, records, size, crc, _lo, _hi, hcrc, _ = BLOCK.unpack_from(self.data, offset)
        if magic != BLOCK_MAGIC or zlib.crc32(self.data[offset:offset + 32]) != hcrc:
            raise CaptureError(f"{self.path}: block {i} at offset {offset}: damaged header")
        payload = self.data[offset + BLOCK.size:offset + BLOCK.size + size]
        if zlib.crc32(payload) != crc:
            raise CaptureError(f"{self.path}: block {i} at offset {offset}: payload CRC-32")
        out = ctypes.create_string_buffer(records * RECORD.size)
        got = self._zstd.ZSTD_decompress(out, len(out), payload, len(payload))
        if self._zstd.ZSTD_isError(got) or got != records * RECORD.size:
            raise CaptureError(f"{self.path}: block {i} at offset {offset}: zstd")
        return list(RECORD.iter_unpack(out.raw))

    def ticks(self):
        for i in range(len(self.blocks)):
            yield from self.block_records_of(i)


def number(x):
    """The shortest text that reads back to x, as C++ std::to_chars writes it:
    fixed or scientific, whichever is shorter (fixed on a tie)."""
    if x == 0:
        return "-0" if str(x).startswith("-") else "0"
    sign, digits, exp = decimal.Decimal(repr(x)).as_tuple()
    digits = "".join(map(str, digits)).rstrip("0") or "0"
    exp10 = exp + len("".join(map(str, decimal.Decimal(repr(x)).as_tuple()[1]))) - 1
    neg = "-" if sign else ""
    # scientific: d[.ddd]e±XX
    sci = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    sci += "e" + ("-" if exp10 < 0 else "+") + f"{abs(exp10):02d}"
    # fixed
    point = exp10 + 1  # digits before the decimal point
    if point <= 0:
        fixed = "0." + "0" * (-point) + digits
    elif point >= len(digits):
        fixed = digits + "0" * (point - len(digits))
    else:
        fixed = digits[:point] + "." + digits[point:]
    return neg + (fixed if len(fixed) <= len(sci) else sci)


def tick_line(cap, r):
    """Record tuple -> the tick JSON line `adrmon convert` writes for it."""
    ts, _recv, bid, ask, bid_size, ask_size, seq, _parse, inst, kind, _src = r
    venue, sym = cap.instruments[inst]
    status = kind in (KIND_TRADING, KIND_HALTED)
    if status:
        return (f'{{"type":"status","ts":{ts},"venue":"{"US" if venue == "FX" else venue}",'
                f'"sym":"{sym}","trading":{"true" if kind == KIND_TRADING else "false"}}}')
    if venue == "FX":
        line = f'{{"type":"fx","ts":{ts},"pair":"{sym}","bid":{number(bid)},"ask":{number(ask)}'
    else:
        line = (f'{{"type":"quote","ts":{ts},"venue":"{venue}","sym":"{sym}",'
                f'"bid":{number(bid)},"ask":{number(ask)},"bid_size":{number(bid_size)},'
                f'"ask_size":{number(ask_size)}')
    if seq != NO_SEQ:
        line += f',"seq":{seq}'
    return line + "}"


def main(argv):
    args = [a for a in argv[1:] if a != "--info"]
    if len(args) != 1:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    try:
        cap = Capture(args[0])
        if not cap.had_index:
            print(f"capture_reader: {cap.path}: no block index; {len(cap.blocks)} whole block(s), "
                  f"torn tail of {cap.torn_bytes} byte(s)", file=sys.stderr)
        if "--info" in argv:
            print(json.dumps({
                "version": cap.version, "block_records": cap.block_records,
                "config_hash": f"{cap.config_hash:016x}", "created_unix_ns": cap.created_unix_ns,
                "creator": cap.creator, "instruments": cap.instruments,
                "blocks": len(cap.blocks), "records": sum(b[3] for b in cap.blocks),
                "had_index": cap.had_index, "torn_bytes": cap.torn_bytes,
                "bytes": len(cap.data)}))
            return 0
        out = sys.stdout
        for r in cap.ticks():
            out.write(tick_line(cap, r) + "\n")
    except BrokenPipeError:
        return 0
    except (CaptureError, OSError) as e:
        print(f"capture_reader: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
