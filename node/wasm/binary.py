"""A bounds-checked reader of WebAssembly binary primitives (LEB128, bytes, names)."""

from __future__ import annotations


class Malformed(Exception):
    """The bytes do not follow the binary grammar; the message is the one-line reason."""


class Reader:
    """Reads ``data[pos:end]``; every read past ``end`` raises Malformed, never IndexError."""

    __slots__ = ("data", "end", "pos")

    def __init__(self, data: bytes, pos: int = 0, end: int | None = None) -> None:
        self.data = data
        self.pos = pos
        self.end = len(data) if end is None else end

    def at_end(self) -> bool:
        return self.pos >= self.end

    def byte(self) -> int:
        if self.pos >= self.end:
            raise Malformed(f"unexpected end at byte {self.pos}")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def bytes(self, count: int) -> bytes:
        if count > self.end - self.pos:
            raise Malformed(f"unexpected end at byte {self.pos} (need {count} bytes)")
        value = self.data[self.pos : self.pos + count]
        self.pos += count
        return value

    def u32(self) -> int:
        result = 0
        for index in range(5):
            byte = self.byte()
            if index == 4 and byte & 0xF0:
                raise Malformed(f"integer too large or unused bits set at byte {self.pos - 1}")
            result |= (byte & 0x7F) << (7 * index)
            if not byte & 0x80:
                return result
        raise AssertionError("unreachable")  # pragma: no cover - the 5th byte check returns

    def s32(self) -> int:
        return self._signed(32)

    def s64(self) -> int:
        return self._signed(64)

    def _signed(self, bits: int) -> int:
        max_bytes = (bits + 6) // 7
        result = 0
        shift = 0
        for index in range(max_bytes):
            byte = self.byte()
            result |= (byte & 0x7F) << shift
            shift += 7
            if index == max_bytes - 1:
                if byte & 0x80:
                    raise Malformed(f"integer representation too long at byte {self.pos - 1}")
                used = bits - 7 * index  # meaningful bits in this last byte
                sign_and_unused = byte & 0x7F
                sign_and_unused >>= used - 1
                if sign_and_unused not in (0, (1 << (8 - used)) - 1):
                    raise Malformed(f"integer too large at byte {self.pos - 1}")
            if not byte & 0x80:
                if shift < bits and byte & 0x40:
                    result -= 1 << shift
                if shift >= bits:
                    result &= (1 << bits) - 1
                    if result >= 1 << (bits - 1):
                        result -= 1 << bits
                return result
        raise AssertionError("unreachable")  # pragma: no cover

    def name(self) -> str:
        raw = self.bytes(self.u32())
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Malformed(f"name is not valid UTF-8 at byte {self.pos - len(raw)}") from None
