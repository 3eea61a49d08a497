"""A bidirectional stream of chunks with a window: a sender thread builds request chunks and writes them into the
call's request iterator, at most `window` chunks ahead of the answers, while the caller's thread reads responses."""

import queue
import threading

import grpc

from scoring_client.errors import ScoringError

_END = object()


class Chunk:
    """The row positions of one request chunk, and how many of its results have come back."""

    __slots__ = ("rows", "taken")

    def __init__(self, rows):
        self.rows = rows
        self.taken = 0


class ChunkWindow:
    """Sends chunks of row positions as requests built by `build(k, rows)`, `window` of them unanswered at most."""

    def __init__(self, chunks, build, window):
        if window < 1:
            raise ValueError("window must be at least 1")
        self._chunks = [Chunk(rows) for rows in chunks]
        self._build = build
        self._slots = threading.Semaphore(window)
        self._requests = queue.Queue()
        self._sent = queue.Queue()
        self._stop = threading.Event()
        self._failure = None

    def _send(self):
        try:
            for k, chunk in enumerate(self._chunks):
                while not self._slots.acquire(timeout=0.1):
                    if self._stop.is_set():
                        return
                if self._stop.is_set():
                    return
                request = self._build(k, chunk.rows)
                self._sent.put(chunk)
                self._requests.put(request)
        except BaseException as e:  # handed to the reading thread, which raises it
            self._failure = e
        finally:
            self._requests.put(_END)

    def run(self, open_call, on_response):
        """Opens the call with the request iterator and hands each response to `on_response(chunk, response)`,
        which returns True when the response ends its chunk. Raises ScoringError when the call fails."""
        if not self._chunks:
            return
        sender = threading.Thread(target=self._send, name="scoring-chunk-sender", daemon=True)
        sender.start()
        call = open_call(iter(self._requests.get, _END))
        try:
            current = None
            for response in call:
                if current is None:
                    current = self._sent.get()
                if on_response(current, response):
                    current = None
                    self._slots.release()
        except grpc.RpcError as e:
            raise ScoringError.from_rpc_error(e) from None
        finally:
            self._stop.set()
            call.cancel()
            sender.join()
        if self._failure is not None:
            raise self._failure
        if not self._sent.empty() or current is not None:
            raise ScoringError(grpc.StatusCode.INTERNAL, "the stream ended before every chunk was answered", [])
