"""Connected accounts' door: protocol clients (DAV, CardDAV; issue 11 adds IMAP, CalDAV, ICS),
the source registry, and the runner that takes one account through the Book.

Like the CLI and the web app, nothing here touches the store: data goes in and out through
``book.connections`` (accounts, leases, runs, outcomes) and the source's Book part
(``book.contact_sync`` for address books). Every outbound request goes through
``amity.netguard.guarded_client("sync")``.
"""
