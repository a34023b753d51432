#!/usr/bin/python3
"""An SMTP sink for the ticket tests (Debian's python3-aiosmtpd).

Listens on 127.0.0.1 on a free port, prints "READY <port>" on stdout once it accepts
connections, and writes every message it accepts to DIR/<n>.eml (the DATA bytes as received,
after dot-unstuffing) with DIR/<n>.envelope holding "MAIL FROM" and "RCPT TO" lines. Each file
is written under a temporary name and renamed, so the test never reads half a message.

Recipients whose local part starts with "reject" get 550, "tempfail" 451: the test's permanent
and transient failures. With --user and --password, AUTH (PLAIN or LOGIN, without TLS) is
required and checked. With --port it listens on that port (a test that starts the server after
the client has been failing to reach it). With --delay-first SECONDS the reply to the first
message is held back that long after the message was written (a client killed meanwhile has
delivered it without knowing). Runs until SIGTERM or SIGINT.
"""
import argparse
import asyncio
import logging
import os
import signal
import socket
import sys
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, directory, delay_first=0.0):
        self.directory = directory
        self.delay_first = delay_first
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0]
        if local.startswith("reject"):
            return "550 5.1.1 No such mailbox here"
        if local.startswith("tempfail"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            n = self.count
        base = os.path.join(self.directory, str(n))
        for suffix, data in ((".envelope", ("MAIL FROM %s\nRCPT TO %s\n" % (
                envelope.mail_from, " ".join(envelope.rcpt_tos))).encode()),
                             (".eml", envelope.original_content)):
            tmp = os.path.join(self.directory, ".tmp-%d%s" % (n, suffix))
            with open(tmp, "wb") as f:
                f.write(data)
            os.rename(tmp, base + suffix)
        if n == 1 and self.delay_first > 0:
            await asyncio.sleep(self.delay_first)
        return "250 Message accepted for delivery"


def main():
    # AUTH without TLS is what the test wants; aiosmtpd's warnings about it are noise there.
    warnings.filterwarnings("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--delay-first", type=float, default=0.0)
    args = ap.parse_args()

    auth = {}
    if args.user is not None:
        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword)
                  and auth_data.login.decode() == args.user
                  and auth_data.password.decode() == args.password)
            # handled=False: aiosmtpd answers 535 itself (with the default, it answers nothing).
            return AuthResult(success=ok, handled=False)
        auth = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)

    # A free port: bind to 0, read it, let go. The window before aiosmtpd binds it is tiny and
    # only this machine's tests compete for it.
    port = args.port
    if port == 0:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    controller = Controller(Sink(args.dir, args.delay_first), hostname="127.0.0.1", port=port, **auth)
    controller.start()
    print("READY %d" % port, flush=True)

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
