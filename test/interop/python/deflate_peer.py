"""Python websockets with permessage-deflate set as asked, for test/interop/deflate.test.ts.

  deflate_peer.py server OPTIONS        echo server; prints {"port": N}, runs until stdin closes
  deflate_peer.py client URL OPTIONS
      reads a JSON list of messages from stdin's first line, connects, prints
      {"extensions": header}, sends every message, then prints each one received as
      {"message": ...}, then closes

OPTIONS is JSON for ServerPerMessageDeflateFactory / ClientPerMessageDeflateFactory (their own
parameter names). A message is {"text": str} or {"binary": base64}.
"""

import asyncio
import base64
import json
import sys

import websockets
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory, ServerPerMessageDeflateFactory


def emit(obj):
    print(json.dumps(obj), flush=True)


def decode(message):
    return message["text"] if "text" in message else base64.b64decode(message["binary"])


def encode(data):
    return {"text": data} if isinstance(data, str) else {"binary": base64.b64encode(data).decode("ascii")}


async def echo(ws, path=None):
    try:
        async for message in ws:
            await ws.send(message)
    except websockets.ConnectionClosed:
        pass


async def serve(options):
    factory = ServerPerMessageDeflateFactory(**options)
    async with websockets.serve(echo, "127.0.0.1", 0, extensions=[factory], compression=None, max_size=None) as server:
        emit({"port": server.sockets[0].getsockname()[1]})
        # The test runner holds stdin open; when it closes it (or dies), we stop.
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


async def client(url, options, messages):
    factory = ClientPerMessageDeflateFactory(**options)
    async with websockets.connect(url, extensions=[factory], compression=None, max_size=None) as ws:
        emit({"extensions": ws.response_headers.get("Sec-WebSocket-Extensions", "")})
        for message in messages:
            await ws.send(decode(message))
        for _ in messages:
            emit({"message": encode(await ws.recv())})


if __name__ == "__main__":
    if sys.argv[1] == "server":
        asyncio.run(serve(json.loads(sys.argv[2])))
    else:
        asyncio.run(client(sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.stdin.readline())))
