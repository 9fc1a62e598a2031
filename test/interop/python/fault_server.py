"""The Python websockets server the fault-step tests break on purpose (test/scenario/faults.test.ts).

argv[1]: the largest message it takes (max_size). Prints JSON lines: {"event": "listening", "port": N}
once, then for each connection as it ends {"event": "closed", "path", "closeCode", "stalledMs"}:
the code it saw (1006 when TCP ended without a Close) and, on /flood, the longest one of its
sends waited for the client to read. The path chooses what it does:

  /echo   send every message back
  /flood  on the message "flood", send 1000 messages of 64 KiB (more than the kernel buffers of a loopback connection hold, up to 32 MiB for reading), then "done" (websockets' send()
          waits while the transport's buffer is full: that wait is the backpressure a client
          causes by not reading)
"""

import asyncio
import sys
import time
import urllib.parse

from common import emit, exit_with_parent, require_websockets_10

require_websockets_10()
exit_with_parent()

import websockets  # noqa: E402

CHUNK = b"\x00" * 65536


async def flood(ws):
    longest = 0.0
    for _ in range(1000):
        started = time.monotonic()
        await ws.send(CHUNK)
        longest = max(longest, time.monotonic() - started)
    await ws.send("done")
    return longest


async def handler(ws, _path=None):
    path = urllib.parse.urlsplit(ws.path).path
    stalled = 0.0
    try:
        async for message in ws:
            if path == "/flood" and message == "flood":
                stalled = await flood(ws)
            else:
                await ws.send(message)
    except websockets.ConnectionClosed:
        pass
    await ws.wait_closed()
    emit({"event": "closed", "path": path, "closeCode": ws.close_code, "stalledMs": round(stalled * 1000)})


async def main():
    async with websockets.serve(handler, "127.0.0.1", 0, max_size=int(sys.argv[1]), close_timeout=2) as server:
        emit({"event": "listening", "port": server.sockets[0].getsockname()[1]})
        await asyncio.Future()


asyncio.run(main())
