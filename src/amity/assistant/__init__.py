"""The MCP server: Amity for AI assistants (a door, like cli/ and web/).

``amity mcp`` serves it over stdio for desktop assistants; ``amity serve`` mounts it at
``/mcp`` (streamable HTTP) for API tokens. Tools (``tools.py``) each call one Book method;
resources are person cards and today's agenda; prompts prepare today's meetings and the weekly
review. The package is not called ``mcp`` so that it never shadows the SDK.
"""
