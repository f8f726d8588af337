#!/usr/bin/env python3
"""A real SMTP server for the e-mail tests (aiosmtpd, Debian python3-aiosmtpd).

Listens on 127.0.0.1:PORT with STARTTLS (the given certificate) unless
--no-starttls, requires AUTH (PLAIN or LOGIN, over TLS only) when --user is
given, and writes each message it accepts, exactly as received, to
DIR/<n>.eml (n = 1, 2, ...). --reject answers every RCPT TO with a 550.
Writes DIR/ready once it accepts connections; runs until killed.
"""
import argparse
import asyncio
import pathlib
import ssl
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, folder, reject):
        self.folder = folder
        self.reject = reject
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject:
            return "550 5.1.1 <" + address + "> no such mailbox\x07 here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        tmp = self.folder / ("%d.tmp" % self.count)
        tmp.write_bytes(envelope.original_content or envelope.content)
        tmp.rename(self.folder / ("%d.eml" % self.count))
        return "250 OK queued"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--no-starttls", action="store_true")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--reject", action="store_true")
    a = ap.parse_args()
    folder = pathlib.Path(a.dir)
    folder.mkdir(parents=True, exist_ok=True)

    kwargs = {}
    if not a.no_starttls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
        kwargs.update(tls_context=ctx, require_starttls=True)
    if a.user:
        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == a.user
                  and auth_data.password.decode() == a.password)
            return AuthResult(success=ok)
        kwargs.update(authenticator=authenticator, auth_required=True,
                      auth_require_tls=not a.no_starttls)
    controller = Controller(Handler(folder, a.reject), hostname="127.0.0.1", port=a.port,
                            server_hostname="localhost", **kwargs)
    controller.start()
    (folder / "ready").write_text("ready\n")
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
