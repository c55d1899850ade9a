#!/usr/bin/env python3
"""Runs a command in a new pseudo-terminal and prints every byte it wrote.

Usage: pty_run.py COLUMNS ROWS COMMAND [ARG...]

The command's stdin, stdout and stderr are the terminal, sized COLUMNS x
ROWS; what it writes there (both streams, escape codes included, newlines as
the terminal sends them: CR LF) goes to our stdout, and we exit with its exit
code. Used by tests/terminal.rs to see what a user at a terminal sees. Only the
standard library, so it runs wherever python3 does (Unix only: pty).
"""

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time

TIMEOUT_SECONDS = 120


def main() -> int:
    cols, rows = int(sys.argv[1]), int(sys.argv[2])
    argv = sys.argv[3:]
    pid, fd = pty.fork()
    if pid == 0:
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            os.execvp(argv[0], argv)
        except Exception as e:  # noqa: BLE001 - report anything, then give up
            os.write(2, f"pty_run: cannot run {argv[0]}: {e}\n".encode())
        os._exit(127)
    out = bytearray()
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            os.kill(pid, signal.SIGKILL)
            sys.stderr.write(f"pty_run: {argv[0]} took over {TIMEOUT_SECONDS} s\n")
            break
        ready, _, _ = select.select([fd], [], [], min(left, 1.0))
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    sys.stdout.buffer.write(bytes(out))
    sys.stdout.buffer.flush()
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status)
    return 128 + (os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0)


if __name__ == "__main__":
    sys.exit(main())
