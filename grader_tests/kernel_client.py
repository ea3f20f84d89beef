"""The kernel client that grading uses: jupyter_client's, ready sooner.

When a kernel starts, ``AsyncKernelClient.wait_for_ready`` waits for the
kernel's reply to kernel_info and for one IOPub message (proof that IOPub is
connected, so the first cell's output cannot be lost), and then drains IOPub
until it has been silent for 0.2 s. nbclient ignores every message that
answers another request, so the drain is idle time only: 0.2 s per graded
notebook, since each notebook gets a kernel of its own. ``ReadyKernelClient``
waits for the same two messages and skips the drain.

It also refuses any message over ``MAX_MESSAGE_BYTES`` (one print of hundreds
of megabytes): zmq drops it before it costs the grader memory.
"""
from __future__ import annotations

import math
import time
from queue import Empty

import zmq
from jupyter_client.asynchronous import AsyncKernelClient

MAX_MESSAGE_BYTES = 128 * 1024 * 1024


class ReadyKernelClient(AsyncKernelClient):
    def start_channels(self, *args, **kwargs) -> None:
        self.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)  # for the sockets made now
        super().start_channels(*args, **kwargs)

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (math.inf if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
                if reply["msg_type"] == "kernel_info_reply":
                    await self.iopub_channel.get_msg(timeout=0.2)
                    self._handle_kernel_info_reply(reply)
                    return
            except Empty:  # no reply yet, or IOPub not connected yet: ask again
                pass
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
