"""An echo server on a free loopback port (Python websockets), for wscope load's tests: prints its port, then echoes every message."""
import asyncio
import websockets


async def echo(websocket, path=None):
    async for message in websocket:
        await websocket.send(message)


async def main():
    async with websockets.serve(echo, "127.0.0.1", 0, compression=None) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()


asyncio.run(main())
