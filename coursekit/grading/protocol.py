"""Wire format between the grader (trusted) and a submission worker (untrusted).

A message is a frame: ``>II`` (JSON length, number of blobs), the JSON text, then
each blob as ``>Q`` length + bytes. Plain data (see ``coursekit.exercises.plain``)
is encoded as JSON where every non-JSON type is a one-key marker object:

* ``{"$nd": i}``   NumPy array stored as ``.npy`` bytes in blob ``i``
* ``{"$t": [...]}`` tuple
* ``{"$c": [re, im]}`` complex number
* ``{"$d": [[key, value], ...]}`` dict (keys: str or int)

Plain JSON objects never appear, so nothing is ambiguous. The decoder is strict:
arrays are read with ``np.load(..., allow_pickle=False)`` and must have a numeric
(or string) dtype; sizes, depth and counts are bounded. Pickle is never used.
"""

import io
import json
import os
import select
import struct
import time

import numpy as np

MAX_JSON_BYTES = 16 * 2**20
MAX_BLOBS = 4096
MAX_DEPTH = 12
MAX_STR = 1_000_000
MAX_ITEMS = 1_000_000
ALLOWED_KINDS = "biufcUS"
DEFAULT_MAX_MESSAGE = 256 * 2**20


class ProtocolError(Exception):
    """The other side sent something that is not a valid message."""


class ChannelClosed(ProtocolError):
    """The other side closed the pipe (process ended or crashed)."""


class ChannelTimeout(Exception):
    """No complete message arrived before the deadline."""


# ---------------------------------------------------------------- encoding
def _encode(obj, blobs, depth=0):
    if depth > MAX_DEPTH:
        raise ProtocolError("anidamiento excesivo")
    kind = type(obj)
    if obj is None or kind in (bool, str, int):
        return obj
    if kind is float:
        return obj
    if kind is complex:
        return {"$c": [obj.real, obj.imag]}
    if kind is np.ndarray:
        if obj.dtype.kind not in ALLOWED_KINDS or obj.dtype.fields is not None:
            raise ProtocolError(f"dtype no permitido: {obj.dtype}")
        buf = io.BytesIO()
        np.save(buf, obj, allow_pickle=False)
        blobs.append(buf.getvalue())
        return {"$nd": len(blobs) - 1}
    if isinstance(obj, np.generic) and obj.dtype.kind in "biufc":
        return _encode(obj.item(), blobs, depth)
    if kind is list:
        return [_encode(item, blobs, depth + 1) for item in obj]
    if kind is tuple:
        return {"$t": [_encode(item, blobs, depth + 1) for item in obj]}
    if kind is dict:
        items = []
        for key, value in obj.items():
            if type(key) not in (str, int):
                raise ProtocolError(f"clave no permitida: {type(key).__name__}")
            items.append([key, _encode(value, blobs, depth + 1)])
        return {"$d": items}
    raise ProtocolError(f"tipo no permitido: {kind.__name__}")


def encode(message: dict) -> bytes:
    """Frame a message (a dict of plain data) for the pipe."""
    blobs: list = []
    body = json.dumps(_encode(message, blobs), ensure_ascii=True, allow_nan=True).encode("ascii")
    parts = [struct.pack(">II", len(body), len(blobs)), body]
    for blob in blobs:
        parts.append(struct.pack(">Q", len(blob)))
        parts.append(blob)
    return b"".join(parts)


# ---------------------------------------------------------------- decoding
class _Decoder:
    def __init__(self, blobs, max_elements):
        self.blobs = blobs
        self.used = set()
        self.items = 0
        self.max_elements = max_elements

    def array(self, index):
        if type(index) is not int or not 0 <= index < len(self.blobs) or index in self.used:
            raise ProtocolError("referencia de array no válida")
        self.used.add(index)
        try:
            arr = np.load(io.BytesIO(self.blobs[index]), allow_pickle=False)
        except Exception as err:  # malformed .npy header or data
            raise ProtocolError(f"array no válido: {type(err).__name__}") from None
        if type(arr) is not np.ndarray or arr.dtype.kind not in ALLOWED_KINDS or arr.dtype.fields is not None:
            raise ProtocolError("array con dtype no permitido")
        if arr.dtype.subdtype is not None or arr.ndim > 32 or arr.size > self.max_elements:
            raise ProtocolError("array demasiado grande o con forma no válida")
        return arr

    def value(self, obj, depth=0):
        if depth > MAX_DEPTH:
            raise ProtocolError("anidamiento excesivo")
        self.items += 1
        if self.items > MAX_ITEMS:
            raise ProtocolError("demasiados elementos")
        kind = type(obj)
        if obj is None or kind in (bool, int, float):
            return obj
        if kind is str:
            if len(obj) > MAX_STR:
                raise ProtocolError("texto demasiado largo")
            return obj
        if kind is list:
            return [self.value(item, depth + 1) for item in obj]
        if kind is dict and len(obj) == 1:
            (tag, payload), = obj.items()
            if tag == "$nd":
                return self.array(payload)
            if tag == "$t" and type(payload) is list:
                return tuple(self.value(item, depth + 1) for item in payload)
            if tag == "$c" and type(payload) is list and len(payload) == 2 and all(
                type(p) in (int, float) for p in payload
            ):
                return complex(payload[0], payload[1])
            if tag == "$d" and type(payload) is list:
                out = {}
                for pair in payload:
                    if type(pair) is not list or len(pair) != 2 or type(pair[0]) not in (str, int):
                        raise ProtocolError("par clave-valor no válido")
                    out[pair[0]] = self.value(pair[1], depth + 1)
                return out
        raise ProtocolError(f"valor no válido en el mensaje: {kind.__name__}")


def decode(body: bytes, blobs: list, max_elements: int = 50_000_000) -> dict:
    """Decode a frame's JSON and blobs into a dict of plain data (strict)."""
    try:
        raw = json.loads(body.decode("ascii"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise ProtocolError(f"JSON no válido: {type(err).__name__}") from None
    decoder = _Decoder(blobs, max_elements)
    message = decoder.value(raw)
    if type(message) is not dict:
        raise ProtocolError("el mensaje no es un diccionario")
    return message


# ---------------------------------------------------------------- pipes
def write_message(fd: int, message: dict):
    """Write a whole frame to ``fd`` (blocking)."""
    data = memoryview(encode(message))
    while data:
        written = os.write(fd, data)
        data = data[written:]


class Reader:
    """Reads frames from a pipe with a deadline and a size cap (used on both sides)."""

    def __init__(self, fd: int, max_message: int = DEFAULT_MAX_MESSAGE, max_elements: int = 50_000_000):
        self.fd = fd
        self.max_message = max_message
        self.max_elements = max_elements
        self.buffer = bytearray()

    def _fill(self, need: int, deadline):
        while len(self.buffer) < need:
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ChannelTimeout()
                ready, _, _ = select.select([self.fd], [], [], min(left, 1.0))
                if not ready:
                    continue
            try:
                chunk = os.read(self.fd, max(65536, min(need - len(self.buffer), 8 * 2**20)))
            except InterruptedError:
                continue
            if not chunk:
                raise ChannelClosed("canal cerrado")
            self.buffer += chunk

    def _take(self, n: int) -> bytes:
        out = bytes(self.buffer[:n])
        del self.buffer[:n]
        return out

    def read(self, timeout=None) -> dict:
        """Next message, or raise ChannelTimeout / ChannelClosed / ProtocolError."""
        deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
        self._fill(8, deadline)
        body_len, n_blobs = struct.unpack(">II", bytes(self.buffer[:8]))
        if body_len > min(MAX_JSON_BYTES, self.max_message) or n_blobs > MAX_BLOBS:
            raise ProtocolError("mensaje demasiado grande")
        self._fill(8 + body_len, deadline)
        self._take(8)
        body = self._take(body_len)
        total = body_len
        blobs = []
        for _ in range(n_blobs):
            self._fill(8, deadline)
            (size,) = struct.unpack(">Q", self._take(8))
            total += size
            if total > self.max_message:
                raise ProtocolError("mensaje demasiado grande")
            self._fill(size, deadline)
            blobs.append(self._take(size))
        return decode(body, blobs, self.max_elements)
