"""The real server for the tests: the built Scoring.Server.dll run by `dotnet` on an ephemeral loopback port with a
fresh SQLite file. The dll is $SCORING_SERVER_DLL, by default the Debug build under server/Scoring.Server."""

import os
import re
import shutil
import subprocess
import tempfile
import threading

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
DEFAULT_DLL = os.path.join(REPO, "server", "Scoring.Server", "bin", "Debug", "net10.0", "Scoring.Server.dll")
_LISTENING = re.compile(r"Now listening on: (http://\S+)")


class ServerProcess:
    """A started server; `address` is its "http://127.0.0.1:port", `pid` its process id. stop() kills it and removes
    its database."""

    def __init__(self, *settings):
        dll = os.environ.get("SCORING_SERVER_DLL", DEFAULT_DLL)
        if not os.path.isfile(dll):
            raise RuntimeError(f"no built server at {dll}: build server/Scoring.Server or set SCORING_SERVER_DLL")
        self._folder = tempfile.mkdtemp(prefix="scoring-python-")
        database = os.path.join(self._folder, "scoring.db")
        self._process = subprocess.Popen(
            ["dotnet", dll, "--urls", "http://127.0.0.1:0", f"--ConnectionStrings:Scoring=Data Source={database}",
             "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
             *settings],
            cwd=os.path.dirname(dll), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.pid = self._process.pid
        self.address = self._wait_for_address()
        threading.Thread(target=self._drain, daemon=True).start()

    def _wait_for_address(self):
        timer = threading.Timer(60, self._process.kill)
        timer.start()
        try:
            lines = []
            for line in self._process.stdout:
                lines.append(line)
                match = _LISTENING.search(line)
                if match:
                    return match.group(1)
            raise RuntimeError("the server exited before listening:\n" + "".join(lines[-20:]))
        finally:
            timer.cancel()

    def _drain(self):
        for _ in self._process.stdout:
            pass

    def stop(self):
        """Kills the server and removes its folder."""
        self._process.kill()
        self._process.wait()
        shutil.rmtree(self._folder, ignore_errors=True)
