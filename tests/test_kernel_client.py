"""The grading kernel client is ready as soon as the kernel has answered
kernel_info on shell and IOPub is proven connected, without draining IOPub."""
from __future__ import annotations

import asyncio
from queue import Empty

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from grader_tests.kernel_client import ReadyKernelClient
from grader_tests.preprocessors import TrustedExecute

KERNEL_INFO_REPLY = {"msg_type": "kernel_info_reply", "content": {"protocol_version": "5.3"}}
STATUS = {"msg_type": "status", "content": {"execution_state": "idle"}}


class FakeChannel:
    """Hands out the given messages in order, then raises Empty (a timeout)."""

    def __init__(self, *messages):
        self.messages = list(messages)
        self.reads = 0

    async def get_msg(self, timeout=None):
        self.reads += 1
        if not self.messages:
            raise Empty
        message = self.messages.pop(0)
        if message is Empty:
            raise Empty
        return message

    def send(self, msg):
        pass


def client_with(shell, iopub, alive=True) -> ReadyKernelClient:
    client = ReadyKernelClient()
    client._shell_channel, client._iopub_channel = shell, iopub

    async def is_alive():
        return alive
    client.is_alive = is_alive
    return client


def test_ready_after_one_iopub_message_without_draining_the_rest():
    iopub = FakeChannel(STATUS, STATUS, STATUS)
    asyncio.run(client_with(FakeChannel(KERNEL_INFO_REPLY), iopub).wait_for_ready(timeout=5))
    # jupyter_client's client reads on until IOPub has been silent for 0.2 s.
    assert iopub.reads == 1


def test_asks_again_until_iopub_is_connected():
    # The first reply came before IOPub was connected: its status was lost.
    shell = FakeChannel(KERNEL_INFO_REPLY, KERNEL_INFO_REPLY)
    iopub = FakeChannel(Empty, STATUS)
    asyncio.run(client_with(shell, iopub).wait_for_ready(timeout=5))
    assert (shell.reads, iopub.reads) == (2, 2)


def test_a_kernel_that_died_before_answering_is_an_error():
    client = client_with(FakeChannel(), FakeChannel(), alive=False)
    with pytest.raises(RuntimeError, match="died"):
        asyncio.run(client.wait_for_ready(timeout=5))


def test_a_kernel_that_never_answers_times_out():
    with pytest.raises(RuntimeError, match="didn't respond in 0 seconds"):
        asyncio.run(client_with(FakeChannel(), FakeChannel()).wait_for_ready(timeout=0))


def test_grading_uses_it_and_keeps_the_first_cells_output(tmp_path):
    execute = TrustedExecute(kernel_name="python3", timeout=30)
    assert isinstance(execute.create_kernel_manager().client(), ReadyKernelClient)
    nb = new_notebook(cells=[new_code_cell("print('first')"), new_code_cell("print('second')")])
    nb, _ = execute.preprocess(nbformat.from_dict(nb), {"metadata": {"path": str(tmp_path)}})
    assert [cell.outputs[0].text for cell in nb.cells] == ["first\n", "second\n"]
