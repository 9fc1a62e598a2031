"""The Python websockets peer's server for the interop suite.

Prints JSON lines: {"event": "listening", "port": N} once, then {"event": "closed", ...} for each
connection as it ends (what the server saw: path, subprotocol, the close code and reason it
received). The path chooses what the server does with each message:

  /echo       send it back as it came
  /fragments  send it back as one message in three frames
  /ping       ping with the message as payload; once the pong is in, send "pong:<message>"
  /close      the message is JSON {"code"?, "reason"?}: close with them (no code: empty Close)
"""

import asyncio
import json
import urllib.parse

from common import emit, exit_with_parent, require_websockets_10, thirds

require_websockets_10()
exit_with_parent()

import websockets  # noqa: E402
from websockets.frames import Close  # noqa: E402

PROTOCOLS = ["wscope.v1", "wscope.v2"]


def select_subprotocol(client_protocols, server_protocols):
    # The first one the client offered that we speak, as ws and wscope choose.
    return next((p for p in client_protocols if p in server_protocols), None)


async def close_without_code(ws):
    # close() always sends a code; RFC 6455 §5.5.1 allows a Close frame with no body, which the
    # other side reports as 1005. write_close_frame takes the payload as given.
    await ws.write_close_frame(Close(1005, ""), b"")


async def handle(ws, message, mode):
    if mode == "/echo":
        await ws.send(message)
    elif mode == "/fragments":
        await ws.send(thirds(message))
    elif mode == "/ping":
        pong = await ws.ping(message)
        await pong
        await ws.send("pong:" + message)
    elif mode == "/close":
        request = json.loads(message)
        if "code" in request:
            await ws.close(request["code"], request.get("reason", ""))
        else:
            await close_without_code(ws)


async def handler(ws, _path=None):
    url = urllib.parse.urlsplit(ws.path)
    query = dict(urllib.parse.parse_qsl(url.query))
    try:
        async for message in ws:
            await handle(ws, message, url.path)
    except websockets.ConnectionClosed:
        pass
    await ws.wait_closed()
    emit({
        "event": "closed",
        "id": query.get("id", ""),
        "path": url.path,
        "protocol": ws.subprotocol or "",
        "closeCode": ws.close_code,
        "closeReason": ws.close_reason or "",
    })


async def main():
    async with websockets.serve(
        handler,
        "127.0.0.1",
        0,
        subprotocols=PROTOCOLS,
        select_subprotocol=select_subprotocol,
        max_size=None,
        close_timeout=5,
    ) as server:
        emit({"event": "listening", "port": server.sockets[0].getsockname()[1]})
        await asyncio.Future()


asyncio.run(main())
