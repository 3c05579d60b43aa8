"""The case workbench: a FastAPI application with server-rendered pages, each also served as JSON under /api."""
