"""The one error the renderer raises."""


class RenderError(Exception):
    """A document could not be rendered; the message says where (file:line) and why."""
