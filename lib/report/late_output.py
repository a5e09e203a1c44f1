"""nbconvert's notebook executor, made to keep outputs that the Deno kernel sends after "idle".

nbclient (which `jupyter-nbconvert --execute` uses) stops collecting a cell's outputs at the
kernel's `status: idle` message. Deno's kernel (2.x) sometimes sends a cell's `execute_result`
just after that message, so a headless run silently dropped a table or a chart. Seen with both
cores kept busy: a jupyter_client log of one kernel showed the result after "idle" in 2 of 16 cells,
and 5 runs of all notebooks with the stock executor each lost 1 to 3 of their 22 tables and charts
(one-off checks, not kept; the notebook test failed this way in CI). This executor keeps listening for
`grace_seconds` after "idle" and records what still arrives for the same cell. Messages for the
next cell cannot arrive in that window: it is sent only after this one returns.

lib/report/notebooks.ts puts this folder on PYTHONPATH and names the class to nbconvert.
"""
from queue import Empty
from time import monotonic

from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async
from nbconvert.preprocessors import ExecutePreprocessor
from traitlets import Float


class LateOutputExecutePreprocessor(ExecutePreprocessor):
    grace_seconds = Float(0.5, help="How long to keep listening for a cell's outputs after the kernel reports idle.").tag(config=True)

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        deadline = None  # set when the kernel reports idle for this cell
        while True:
            timeout = None if deadline is None else max(0.0, deadline - monotonic())
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=timeout))
            except Empty:
                return
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                deadline = monotonic() + self.grace_seconds
