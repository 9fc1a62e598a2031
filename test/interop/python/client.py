"""The Python websockets peer's client for the interop suite.

Usage: /usr/bin/python3 client.py URL, with a ClientScript from test/interop/script.ts
({"protocols": [...], "steps": [...]}) as the first line of stdin (argv is too small for long
texts), and stdin kept open until the test runner is done with us. Prints one JSON line per thing
it saw: open (with the subprotocol), each message received, pongs, the close code and reason
it received, or an error.
"""

import asyncio
import json
import sys

from common import describe, emit, exit_with_parent, payload, require_websockets_10

require_websockets_10()

import websockets  # noqa: E402
from websockets.frames import Close  # noqa: E402


def closed(ws):
    return {"event": "close", "code": ws.close_code, "reason": ws.close_reason or ""}


async def run_step(ws, step):
    op = step["op"]
    if op == "send":
        await ws.send(payload(step["payload"]))
    elif op == "sendFragments":
        # websockets sends an iterable as one message, one frame per item.
        await ws.send([payload(piece) for piece in step["pieces"]])
    elif op == "recv":
        emit(describe(await ws.recv()))
    elif op == "ping":
        pong = await ws.ping(step["data"])
        await pong  # resolved only by a pong with the same payload
        emit({"event": "pong", "data": step["data"]})
    elif op == "close":
        if "code" in step:
            await ws.close(step["code"], step.get("reason", ""))
        else:
            # No code: an empty Close frame (see echo_server.py).
            await ws.write_close_frame(Close(1005, ""), b"")
        await ws.wait_closed()
        emit(closed(ws))
    elif op == "waitClose":
        await ws.wait_closed()
        emit(closed(ws))
    else:
        raise ValueError(f"unknown step {op}")


async def main(url, script):
    try:
        async with websockets.connect(
            url,
            subprotocols=script.get("protocols") or None,
            max_size=None,
            open_timeout=5,
            close_timeout=5,
        ) as ws:
            emit({"event": "open", "protocol": ws.subprotocol or ""})
            for step in script["steps"]:
                await run_step(ws, step)
    except Exception as error:  # reported, not raised: the test asserts on the report
        emit({"event": "error", "message": repr(error)})


SCRIPT = json.loads(sys.stdin.buffer.readline())
exit_with_parent()
asyncio.run(main(sys.argv[1], SCRIPT))
