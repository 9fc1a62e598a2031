"""Python websockets as a peer that speaks first, for test/interop/speaks-first.test.ts.

  speaks_first.py server COMPRESSION   on each connection, send the messages its path asks for
                                       at once, then wait for the client to close; prints
                                       {"port": N}, runs until stdin closes
  speaks_first.py client URL COMPRESSION
                                       connect, send the messages the URL's query asks for at
                                       once, then wait for the server to close; prints
                                       {"closed": code}

COMPRESSION is "deflate" or "none". The query (?count=&size=&spread=&kind=) names the messages
as messageAt() in speaks-first.test.ts makes them.
"""

import asyncio
import sys
import urllib.parse

from common import emit, exit_with_parent, require_websockets_10

require_websockets_10()
exit_with_parent()

import websockets  # noqa: E402


PERIOD = 40_000


def noise(seed, length):
    """Pseudo-random bytes (an LCG), repeating after PERIOD: longer than a DEFLATE window, so they stay large compressed."""
    out = bytearray(length)
    x = seed
    for j in range(length):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        out[j] = (x >> 16) & 0xFF
    return bytes(out)


def message_at(i, query):
    # The same as messageAt() in speaks-first.test.ts.
    size = int(query["size"]) + (i * 37) % int(query.get("spread", "1"))
    period = noise(i + 1, min(size, PERIOD))
    data = (period * (size // PERIOD + 1))[:size]
    kind = query["kind"]
    if kind == "text" or (kind == "mixed" and i % 2 == 0):
        return "".join(chr(97 + b % 26) for b in data)
    return data


def messages(path):
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query))
    return [message_at(i, query) for i in range(int(query["count"]))]


def compression(arg):
    return "deflate" if arg == "deflate" else None


async def push(ws, path=None):
    try:
        for message in messages(ws.path):
            await ws.send(message)
        await ws.wait_closed()
    except websockets.ConnectionClosed:
        pass


async def serve(arg):
    async with websockets.serve(push, "127.0.0.1", 0, compression=compression(arg), max_size=None) as server:
        emit({"port": server.sockets[0].getsockname()[1]})
        await asyncio.Future()


async def client(url, arg):
    async with websockets.connect(url, compression=compression(arg), max_size=None, open_timeout=5, close_timeout=5) as ws:
        for message in messages(url):
            await ws.send(message)
        await ws.wait_closed()
        emit({"closed": ws.close_code})


if sys.argv[1] == "server":
    asyncio.run(serve(sys.argv[2]))
else:
    asyncio.run(client(sys.argv[2], sys.argv[3]))
