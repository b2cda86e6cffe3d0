"""A program on a pseudo-terminal, driven like a user at a terminal: used by
the REPL and progress tests."""
import fcntl
import os
import re
import select
import subprocess
import termios
import time


class PtySession:
    """Runs `program args...` with HOME=`home` on a new pty; failures of
    expect() and wait() are appended to `failures`."""

    def __init__(self, failures, program, home, *args):
        self.failures = failures
        self.master, slave = os.openpty()
        env = dict(os.environ, HOME=home, TERM="xterm")
        env.pop("EDITRC", None)

        def controlling_tty():
            # A session of its own with the pty as controlling terminal, so
            # that Ctrl-C on the master raises SIGINT as on a real terminal.
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen([program, *args], stdin=slave, stdout=slave, stderr=slave,
                                     env=env, preexec_fn=controlling_tty, close_fds=True)
        os.close(slave)
        self.buf = ""

    def expect(self, pattern, what, timeout=20):
        """Reads until `pattern` (a regex) appears; returns the text before
        it and consumes through the match."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.buf)
            if m:
                before = self.buf[:m.start()]
                self.buf = self.buf[m.end():]
                return before
            left = deadline - time.monotonic()
            if left <= 0:
                self.failures.append(f"{what}: timed out waiting for {pattern!r}; got {self.buf!r}")
                self.buf = ""
                return None
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    data = os.read(self.master, 4096)
                except OSError:
                    data = b""
                if not data:
                    self.failures.append(f"{what}: output ended waiting for {pattern!r}; "
                                    f"got {self.buf!r}")
                    self.buf = ""
                    return None
                self.buf += data.decode("utf-8", "replace")

    def send(self, text):
        os.write(self.master, text.encode())

    def wait(self, what):
        try:
            rc = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.failures.append(f"{what}: did not exit")
            return None
        os.close(self.master)
        return rc
