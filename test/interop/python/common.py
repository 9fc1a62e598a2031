"""What the Python peers share with test/interop/script.ts: payloads, message reports, JSON lines."""

import json
import os
import sys
import threading
import zlib


def emit(obj):
    print(json.dumps(obj), flush=True)


def pattern_bytes(size, seed):
    # The same bytes as patternBytes() in script.ts.
    return bytes((i * 31 + seed) & 0xFF for i in range(size))


def payload(spec):
    if "text" in spec:
        return spec["text"]
    return pattern_bytes(spec["bytes"]["size"], spec["bytes"]["seed"])


def describe(message):
    if isinstance(message, str):
        data = message.encode("utf-8")
        return {"event": "message", "kind": "text", "text": message, "length": len(data), "crc32": zlib.crc32(data)}
    return {"event": "message", "kind": "binary", "length": len(message), "crc32": zlib.crc32(message)}


def thirds(message):
    """A message cut in three pieces; websockets sends an iterable as one fragmented message."""
    n = len(message)
    return [message[: n // 3], message[n // 3 : 2 * n // 3], message[2 * n // 3 :]]


def require_websockets_10():
    import websockets

    if not websockets.__version__.startswith("10."):
        sys.exit(f"expected websockets 10.x (Debian python3-websockets), found {websockets.__version__}")


def exit_with_parent():
    """The test runner holds our stdin open; when it goes (even by a crash), so do we."""

    def watch():
        # os.read, not sys.stdin: a daemon thread blocked inside a buffered reader holds its lock
        # and stalls interpreter shutdown for a second.
        while os.read(0, 4096):
            pass
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
